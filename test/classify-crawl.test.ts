import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SENSITIVE_CATEGORIES, type SensitiveCategory } from "../src/classify/sensitive.ts";
import type { FixtureSite, FixtureWeb } from "../src/fixture-web/server.ts";
import { page as html } from "../src/fixture-web/vendors.ts";
import { LABELLED, scoreTable } from "./fixtures/labelled-pages.ts";
import { crawlArgs, runEarshot, startWeb, tempDir } from "./helpers.ts";

// Every labelled page served as its own site, under a navigation menu that names sensitive
// subjects, as real sites' menus do: the crawled classification must not be swayed by it.
const NAV = `<nav><a href="https://elsewhere.test/mental-health">Mental health</a> <a href="https://elsewhere.test/kids">Kids</a> <a href="https://elsewhere.test/church">Our church</a></nav>`;

describe("sensitive-page classifier on a crawled fixture web", () => {
  let web: FixtureWeb;
  let pages: Array<Record<string, unknown>>;
  const hostOf = (i: number) => `www.labelled-${i}.test`;

  beforeAll(async () => {
    const sites: FixtureSite[] = LABELLED.map(([content], i) => {
      const path = new URL(content.url).pathname;
      const headings = content.headings
        .map((h) => `<${h.slice(0, 2)}>${h.slice(3)}</${h.slice(0, 2)}>`)
        .join("");
      return {
        host: hostOf(i),
        routes: { [path]: html(content.title ?? "", `${NAV}<main>${headings}<p>${content.text}</p></main>`) },
      };
    });
    web = await startWeb(sites);
    const out = tempDir();
    const urls = LABELLED.map(([content], i) => `https://${hostOf(i)}${new URL(content.url).pathname}`);
    const r = await runEarshot([
      "crawl",
      ...urls,
      ...crawlArgs(web, out, ["--pages-per-site", "1", "--dwell", "0", "--concurrency", "4"]),
    ]);
    expect(r.code, r.stderr).toBe(0);
    pages = (await runEarshot(["export", out, "--table", "pages"])).stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  }, 300_000);

  afterAll(async () => {
    await web?.stop();
  });

  it("classifies every crawled page as labelled: precision and recall 1.00 in every category", () => {
    const got = new Map(pages.map((p) => [String(p.site), p.sensitive as SensitiveCategory[]]));
    const labelled = LABELLED.map(([, expected], i): [string, SensitiveCategory[]] => [hostOf(i), expected]);
    const { lines, perfect } = scoreTable(labelled, got, SENSITIVE_CATEGORIES);
    console.log(lines.join("\n"));
    for (const [host, expected] of labelled) expect(got.get(host), host).toEqual(expected);
    expect(perfect).toBe(true);
    expect(
      pages.every((p) => (p.sensitive as unknown[]).length === 0 || String(p.sensitiveEvidence).length > 0),
    ).toBe(true);
  });
});

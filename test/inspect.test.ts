import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoSites } from "../src/fixture-web/demo-web.ts";
import type { FixtureWeb } from "../src/fixture-web/server.ts";
import { hostileSites } from "./fixtures/hostile-site.ts";
import { runEarshot, startWeb, tempDir } from "./helpers.ts";

describe("earshot inspect", () => {
  let web: FixtureWeb;
  const proxy = () => ["--proxy", web.proxyUrl, "--ignore-https-errors", "--dwell", "1"];

  beforeAll(async () => {
    web = await startWeb([...demoSites(), ...hostileSites()]);
  });

  afterAll(async () => {
    await web?.stop();
  });

  it("crawls one site as a visitor and says, per company, what it learned (plain text off a terminal)", async () => {
    const tmp = tempDir();
    const r = await runEarshot(["inspect", "https://www.riverside-clinic.test/", ...proxy()], { tmp });
    expect(r.code, r.stderr).toBe(0);
    const out = r.stdout;
    expect(out).not.toContain("\u001b[");
    expect(out).toMatch(/^www\.riverside-clinic\.test: 3 pages visited, 2 companies received data/);
    expect(out).toContain("Companies: Meta, Google");
    // Interaction is on by default: the booking form and button were used.
    const book = out.slice(out.indexOf("Subpage: https://www.riverside-clinic.test/book"));
    expect(book).toContain("Meta learned:");
    expect(book).toContain('- you clicked "Book appointment"');
    expect(book).toContain("- your email address (SHA-256 hash)");
    expect(book).toMatch(
      /Meta Pixel · ID 1234567890123456 · events PageView, (Lead, Schedule|Schedule, Lead)/,
    );
    // The mental-health page is about mental health (not also "health"); the clinic is a health site.
    expect(out).toContain("Sensitive: Mental health");
    expect(out).toMatch(/What this site is: Health \(site health: name "clinic"/);
    // It showed its steps while it worked, with times: each page loaded, its banner and dwell, the
    // interaction, leaving; then the analysis.
    const steps = r.stderr.split("\n").filter((l) => /^\s*\d+\.\d s {2}/.test(l));
    const kinds = steps.map((l) => l.replace(/^\s*[\d.]+ s {2}/, "").split(" ")[0]);
    expect(kinds.filter((k) => k === "loading")).toHaveLength(3);
    expect(kinds).toContain("scrolling,");
    expect(kinds).toContain("leaving");
    expect(kinds.at(-1)).toBe("analysing");
    expect(steps[0]).toMatch(/^\s*\d+\.\d s {2}loading https:\/\/www\.riverside-clinic\.test\//);
    const times = steps.map((l) => Number.parseFloat(l));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    // The temporary crawl is removed.
    const { readdirSync } = await import("node:fs");
    expect(readdirSync(tmp).filter((f) => f.startsWith("earshot-inspect-"))).toEqual([]);
  });

  it("says a site that could not be loaded was not loaded, never that no company received data", async () => {
    const r = await runEarshot(["inspect", "https://www.nowhere-at-all.test/", ...proxy(), "--timeout", "5"]);
    expect(r.stdout).toContain("The site could not be crawled");
    expect(r.stdout).toMatch(/Not loaded \([a-z_0-9]+\): nothing on this page could be observed/);
    expect(r.stdout).not.toContain("No company received data");
  });

  it("prints JSON with --json, colour when asked, and keeps the crawl with --out", async () => {
    const out = tempDir();
    const json = await runEarshot([
      "inspect",
      "www.stmarks-church.test",
      "--json",
      "--passive",
      "--out",
      out,
      ...proxy(),
    ]);
    expect(json.code, json.stderr).toBe(0);
    const detail = JSON.parse(json.stdout) as {
      site: { site: string; companies: string[] };
      pages: Array<{ url: string; companies: Array<{ entity: string; learned: string[] }> }>;
    };
    expect(detail.site).toMatchObject({ site: "www.stmarks-church.test", companies: ["ByteDance"] });
    expect(detail.pages.map((p) => new URL(p.url).pathname)).toEqual(["/", "/sermons", "/prayer-requests"]);
    expect(detail.pages[2]?.companies[0]?.learned[0]).toBe(
      "you visited www.stmarks-church.test/prayer-requests",
    );
    const report = await runEarshot(["report", out]);
    expect(report.code).toBe(0);

    const color = await runEarshot(["inspect", "www.stmarks-church.test", "--passive", ...proxy()], {
      env: { FORCE_COLOR: "1" },
    });
    expect(color.stdout).toContain("\u001b[1;33mTikTok (ByteDance)\u001b[0m learned:");
  });

  it("never passes a site's control characters to the terminal", async () => {
    const r = await runEarshot(["inspect", "www.hostile.test", "--passive", ...proxy()]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("Title: Domestic violence help <img src=x onerror=alert(1)>");
    // biome-ignore lint/suspicious/noControlCharactersInRegex: looking for them is the point
    expect(r.stdout).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
  });

  it("says what is wrong with its arguments in one line", async () => {
    for (const args of [["inspect"], ["inspect", "a.test", "b.test"], ["inspect", "a.test", "--list", "x"]]) {
      const r = await runEarshot(args);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
    }
  });
});

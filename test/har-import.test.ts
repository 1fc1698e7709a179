import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findChromium } from "../src/crawl/browser.ts";
import type { FixtureWeb } from "../src/fixture-web/server.ts";
import { page, snippets, vendorSites } from "../src/fixture-web/vendors.ts";
import { crawlArgs, openDb, runEarshot, startWeb, tempDir } from "./helpers.ts";

const HOST = "www.harbor-clinic.test";
const PAGES = ["/", "/domestic-violence-help"];
// What the crawler does as it leaves a page, done here too so both captures hold the same beacons.
const LEAVE = `document.dispatchEvent(new Event("visibilitychange")); window.dispatchEvent(new PageTransitionEvent("pagehide"));`;

type Finding = {
  pageUrl: string;
  entity: string;
  tracker: string;
  pixelIds: string[];
  events: string[];
  dataShared: string[];
  kind: string;
};

async function exportFindings(dir: string): Promise<Finding[]> {
  const r = await runEarshot(["export", dir, "--table", "findings"]);
  expect(r.code, r.stderr).toBe(0);
  return r.stdout
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as Finding);
}

/** Findings as a reader compares them: per page and tracker, what it received. */
const summary = (findings: Finding[]) =>
  findings
    .map((f) => ({
      page: new URL(f.pageUrl).pathname,
      who: `${f.entity}/${f.tracker}`,
      kind: f.kind,
      pixelIds: [...f.pixelIds].sort(),
      events: [...f.events].sort(),
      dataShared: [...f.dataShared].sort(),
    }))
    .sort((a, b) => `${a.page}${a.who}`.localeCompare(`${b.page}${b.who}`));

describe("earshot import: HAR files from anywhere", () => {
  let web: FixtureWeb;
  let har: string;
  let crawled: string;
  let imported: string;
  let importRun: { code: number | null; stderr: string };

  beforeAll(async () => {
    const head =
      snippets.tiktok("C4HARFIXTURE01") +
      snippets.meta("555000111") +
      snippets.ga4("G-HARTEST") +
      snippets.cdn();
    web = await startWeb([
      ...vendorSites(),
      {
        host: HOST,
        routes: {
          "/": page(
            "Harbor Clinic",
            `<main><h1>Harbor Clinic</h1><a href="/domestic-violence-help">Get help</a></main>`,
            head,
          ),
          "/domestic-violence-help": page(
            "Get help",
            "<main><h1>Safety planning</h1><p>If you are being abused by a partner, call our domestic violence hotline. We can help with a protective order.</p></main>",
            head,
          ),
        },
      },
    ]);
    // A HAR as a journalist would save it: Chromium's own recording of a visit (Playwright's recordHar).
    har = join(tempDir(), "visit.har");
    const browser = await chromium.launch({
      executablePath: findChromium(),
      args: [
        "--no-sandbox",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
      proxy: { server: web.proxyUrl },
    });
    const context = await browser.newContext({
      ignoreHTTPSErrors: true,
      recordHar: { path: har, content: "embed" },
    });
    const tab = await context.newPage();
    for (const path of PAGES) {
      await tab.goto(`https://${HOST}${path}`, { waitUntil: "load" });
      await tab.waitForTimeout(2000);
      await tab.evaluate(LEAVE);
      await tab.waitForTimeout(500);
    }
    await context.close();
    await browser.close();
    // The same pages crawled.
    crawled = tempDir();
    const list = join(crawled, "list.txt");
    writeFileSync(list, PAGES.map((p) => `https://${HOST}${p}`).join("\n"));
    const crawl = await runEarshot([
      "crawl",
      `https://${HOST}/`,
      ...crawlArgs(web, crawled, ["--pages-per-site", "2", "--dwell", "2", "--screenshots", "none"]),
    ]);
    expect(crawl.code, crawl.stderr).toBe(0);
    imported = tempDir();
    importRun = await runEarshot(["import", har, "--out", imported]);
  }, 180_000);

  afterAll(async () => {
    await web?.stop();
  });

  it("imports a HAR recorded by Chromium and finds what crawling the same pages finds", async () => {
    expect(importRun.code, importRun.stderr).toBe(0);
    expect(importRun.stderr).toMatch(
      /imported visit\.har .*: 2 pages, \d+ requests, 1 site\(s\), \d+ requests\/s/,
    );
    const fromHar = summary(await exportFindings(imported));
    const fromCrawl = summary(await exportFindings(crawled));
    expect(fromHar.map((f) => f.who)).toEqual(
      expect.arrayContaining(["ByteDance/TikTok Pixel", "Meta/Meta Pixel"]),
    );
    expect(fromHar).toEqual(fromCrawl);
  });

  it("classifies the imported pages and records where the HAR came from", async () => {
    const db = openDb(imported);
    const pages = db.prepare("SELECT url, title, sensitive FROM pages ORDER BY depth, id").all() as Array<{
      url: string;
      title: string;
      sensitive: string;
    }>;
    const meta = db.prepare("SELECT value FROM meta WHERE key = 'imports'").get() as { value: string };
    db.close();
    expect(pages.map((p) => new URL(p.url).pathname)).toEqual(PAGES);
    expect(pages[1]?.title).toBe("Get help");
    expect(JSON.parse(pages[1]?.sensitive ?? "[]")).toContain("domestic_violence");
    const [record] = JSON.parse(meta.value) as Array<{
      creator: { name: string };
      sha256: string;
      file: string;
    }>;
    expect(record?.creator.name).toBe("Playwright");
    expect(record?.sha256).toMatch(/^[0-9a-f]{64}$/);
    // The report reads it as it reads a crawl.
    const report = await runEarshot(["report", imported]);
    expect(report.code, report.stderr).toBe(0);
  });

  it("names each broken file in one line, imports the others, and leaves nothing half-written", async () => {
    const dir = tempDir();
    const whole = readFileSync(har, "utf8");
    const truncated = join(dir, "truncated.har");
    writeFileSync(truncated, whole.slice(0, Math.floor(whole.length / 2)));
    const notHar = join(dir, "not-har.har");
    writeFileSync(notHar, JSON.stringify({ hello: "world" }));
    const out = join(dir, "crawl");
    const r = await runEarshot(["import", truncated, notHar, har, "--out", out]);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stderr.trim().split("\n");
    expect(lines.filter((l) => l.includes("truncated.har"))).toHaveLength(1);
    expect(lines.find((l) => l.includes("truncated.har"))).toMatch(
      /^earshot: .*truncated\.har: .*(JSON|truncated).*; skipped$/,
    );
    expect(lines.find((l) => l.includes("not-har.har"))).toMatch(/not a HAR file; skipped$/);
    const db = openDb(out);
    const sites = db.prepare("SELECT site, status FROM sites").all();
    db.close();
    expect(sites).toEqual([{ site: HOST, status: "ok" }]);
    const none = await runEarshot(["import", truncated, "--out", join(dir, "other")]);
    expect(none.code).toBe(2);
  });
});

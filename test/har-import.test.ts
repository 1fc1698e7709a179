import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { harFromMessages } from "chrome-har";
import { chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findChromium } from "../src/crawl/browser.ts";
import type { FixtureWeb } from "../src/fixture-web/server.ts";
import { page, snippets, vendorSites } from "../src/fixture-web/vendors.ts";
import {
  CHROME_HAR_EVENTS,
  devtoolsShape,
  firefoxShape,
  type Har,
  proxyShape,
  webPageTestShape,
} from "./har-shapes.ts";
import { crawlArgs, launchViewer, openDb, openReportPage, runEarshot, startWeb, tempDir } from "./helpers.ts";

const HOST = "www.harbor-clinic.test";
// The visit starts where a list entry would send it: the bare domain, redirected to www.
const START = "https://harbor-clinic.test/";
const SITE = "harbor-clinic.test";
const PAGES = ["/", "/domestic-violence-help"];
const FRAME_HOST = "ads.frame-network.test";
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

/** Findings of the whole visit: per tracker, every pixel ID and event, whatever page it was on. */
const visitSummary = (findings: Finding[]) => {
  const byWho = new Map<string, { pixelIds: Set<string>; events: Set<string> }>();
  for (const f of findings) {
    const who = byWho.get(`${f.entity}/${f.tracker}`) ?? { pixelIds: new Set(), events: new Set() };
    for (const id of f.pixelIds) who.pixelIds.add(id);
    for (const e of f.events) who.events.add(e);
    byWho.set(`${f.entity}/${f.tracker}`, who);
  }
  return [...byWho]
    .map(([who, v]) => ({ who, pixelIds: [...v.pixelIds].sort(), events: [...v.events].sort() }))
    .sort((a, b) => a.who.localeCompare(b.who));
};

describe("earshot import: HAR files from anywhere", () => {
  let web: FixtureWeb;
  let har: string;
  let crawled: string;
  let imported: string;
  let importRun: { code: number | null; stderr: string };
  /** The same visit as each producer writes it. */
  const producers = new Map<string, string>();

  beforeAll(async () => {
    const head =
      snippets.tiktok("C4HARFIXTURE01") +
      snippets.meta("555000111") +
      snippets.ga4("G-HARTEST") +
      snippets.cdn();
    // An ad frame that loads its own pixel and a popup the page opens: neither is a page of the visit.
    // ...and a service worker that fetches on install: its requests are the page's, none a document.
    const extras =
      `<iframe src="https://${FRAME_HOST}/frame.html" width="300" height="250"></iframe>` +
      `<script>navigator.serviceWorker?.register("/sw.js").catch(() => {})</script>`;
    web = await startWeb([
      ...vendorSites(),
      { host: SITE, routes: { "/": { status: 301, headers: { location: `https://${HOST}/` } } } },
      {
        host: FRAME_HOST,
        routes: {
          "/frame.html": page("Ad", `<img src="https://${FRAME_HOST}/px.gif?slot=1" alt="">`),
          "/px.gif": { headers: { "content-type": "image/gif" }, body: "GIF89a" },
        },
      },
      {
        host: HOST,
        routes: {
          "/": page(
            "Harbor Clinic",
            `<main><h1>Harbor Clinic</h1><a href="/domestic-violence-help">Get help</a>${extras}</main><script>window.open("/popup.html")</script>`,
            head,
          ),
          "/popup.html": page("Newsletter", "<p>Sign up</p>"),
          "/sw.js": {
            headers: { "content-type": "application/javascript" },
            body: `self.addEventListener("install", (e) => e.waitUntil(fetch("/sw-precache.json")));`,
          },
          "/sw-precache.json": { headers: { "content-type": "application/json" }, body: "[]" },
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
    // The same visit through chrome-har, as Blacklight, sitespeed.io and browsertime record it.
    const devtools = await context.newCDPSession(tab);
    const messages: Array<{ method: string; params: unknown }> = [];
    for (const method of CHROME_HAR_EVENTS)
      devtools.on(method as "Page.loadEventFired", (params) => messages.push({ method, params }));
    await devtools.send("Page.enable");
    await devtools.send("Network.enable");
    for (const url of [START, `https://${HOST}${PAGES[1]}`]) {
      await tab.goto(url, { waitUntil: "load" });
      await tab.waitForTimeout(2000);
      await tab.evaluate(LEAVE);
      await tab.waitForTimeout(500);
    }
    await context.close();
    await browser.close();
    const dir = tempDir();
    const write = (name: string, data: unknown) => {
      const path = join(dir, `${name}.har`);
      writeFileSync(path, JSON.stringify(data));
      producers.set(name, path);
    };
    const recorded = JSON.parse(readFileSync(har, "utf8")) as Har;
    write("playwright", recorded);
    write("chrome-har", harFromMessages(messages, { includeTextFromResponseBody: false }));
    write("devtools", devtoolsShape(recorded));
    write("firefox", firefoxShape(recorded));
    write("webpagetest", webPageTestShape(recorded));
    write("mitmproxy", proxyShape(recorded));
    // The same pages crawled.
    crawled = tempDir();
    const list = join(crawled, "list.txt");
    writeFileSync(list, PAGES.map((p) => `https://${HOST}${p}`).join("\n"));
    const crawl = await runEarshot([
      "crawl",
      START,
      ...crawlArgs(web, crawled, ["--pages-per-site", "2", "--dwell", "2", "--screenshots", "none"]),
    ]);
    expect(crawl.code, crawl.stderr).toBe(0);
    imported = tempDir();
    importRun = await runEarshot(["import", har, "--out", imported]);
  }, 180_000);

  afterAll(async () => {
    await web?.stop();
  });

  it.each(["playwright", "chrome-har", "devtools", "firefox", "webpagetest", "mitmproxy"])(
    "a capture written as %s gives the crawl's pages, site and findings",
    async (producer) => {
      const out = tempDir();
      const r = await runEarshot(["import", producers.get(producer) ?? "", "--out", out]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toMatch(
        new RegExp(
          `: ${producer === "mitmproxy" ? 3 : 2} pages of site ${SITE.replace(".", "\\.")}, \\d+ requests of \\d+ entries`,
        ),
      );
      const db = openDb(out);
      const pages = db.prepare("SELECT requested_url AS requested, url FROM pages ORDER BY id").all();
      const sites = db.prepare("SELECT site FROM sites").all();
      const framed = db
        .prepare("SELECT p.url FROM requests r JOIN pages p ON p.id = r.page_id WHERE r.url LIKE ?")
        .all(`https://${FRAME_HOST}/frame.html%`) as Array<{ url: string }>;
      const worker = db
        .prepare("SELECT p.url FROM requests r JOIN pages p ON p.id = r.page_id WHERE r.url LIKE ?")
        .all(`https://${HOST}/sw%`) as Array<{ url: string }>;
      db.close();
      expect(sites).toEqual([{ site: SITE }]);
      // A proxy sees no tabs: a popup it logged is a navigation like any other (the README says so).
      const popup = `https://${HOST}/popup.html`;
      expect(pages).toEqual([
        { requested: START, url: `https://${HOST}/` },
        ...(producer === "mitmproxy" ? [{ requested: popup, url: popup }] : []),
        { requested: `https://${HOST}${PAGES[1]}`, url: `https://${HOST}${PAGES[1]}` },
      ]);
      // The ad frame's document is a request of the page that framed it, not a page.
      expect(framed.map((p) => p.url)).toEqual([`https://${HOST}/`]);
      // So are the service worker's script and what it fetched, where the writer saw them (a proxy
      // files what came after the popup opened under the popup: on a loaded machine, the worker's too).
      const workerPages = producer === "mitmproxy" ? [`https://${HOST}/`, popup] : [`https://${HOST}/`];
      for (const w of worker) expect(workerPages).toContain(w.url);
      if (producer === "playwright") expect(worker.length).toBeGreaterThan(0);
      // With the popup a page, what the home page sent after opening it is filed under the popup:
      // the visit's findings still are the crawl's.
      const compare = producer === "mitmproxy" ? visitSummary : summary;
      expect(compare(await exportFindings(out))).toEqual(compare(await exportFindings(crawled)));
    },
  );

  it("imports a HAR recorded by Chromium and finds what crawling the same pages finds", async () => {
    expect(importRun.code, importRun.stderr).toBe(0);
    expect(importRun.stderr).toMatch(
      /imported visit\.har .*: 2 pages of site harbor-clinic\.test, \d+ requests of \d+ entries, none skipped, \d+ frame documents kept as frames, \d+ requests\/s/,
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
    // The report says what was imported: the file, its writer, the site and its pages.
    const viewer = await launchViewer();
    try {
      const view = await openReportPage(viewer, imported);
      const section = await view.locator("section[aria-labelledby='h-imports']").innerText();
      expect(section).toContain("visit.har, written by Playwright");
      expect(section).toMatch(/2 pages of harbor-clinic\.test; (\d+) of \1 entries imported, none skipped/);
      expect(section).toContain(`https://${HOST}${PAGES[1]}`);
      expect(await view.locator("p.meta").first().innerText()).toMatch(/^Imported from 1 HAR files/);
    } finally {
      await viewer.close();
    }
  });

  it("keeps a second capture of a site as another visit of it, and says so of a file imported again", async () => {
    const out = tempDir();
    const first = await runEarshot(["import", har, producers.get("devtools") ?? "", "--out", out]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toMatch(/devtools\.har .*: 2 pages of site harbor-clinic\.test \(visit 2\)/);
    const again = await runEarshot(["import", har, "--out", out]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(
      /^visit\.har: already imported \(as visit\.har, sha256 [0-9a-f]{12}…, site harbor-clinic\.test\); skipped$/m,
    );
    const db = openDb(out);
    const sites = db.prepare("SELECT site, pages FROM sites").all();
    const requests = db.prepare("SELECT COUNT(*) AS n FROM requests").get() as { n: number };
    db.close();
    expect(sites).toEqual([{ site: SITE, pages: 4 }]);
    const entries = [har, producers.get("devtools") ?? ""].map(
      (f) => (JSON.parse(readFileSync(f, "utf8")) as Har).log.entries.length,
    );
    expect(requests.n).toBe((entries[0] ?? 0) + (entries[1] ?? 0));
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
    expect(sites).toEqual([{ site: SITE, status: "ok" }]);
    const none = await runEarshot(["import", truncated, "--out", join(dir, "other")]);
    expect(none.code).toBe(2);
  });
});

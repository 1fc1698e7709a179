import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FixtureSite, FixtureWeb } from "../src/fixture-web/server.ts";
import { page, snippets, vendorSites } from "../src/fixture-web/vendors.ts";
import { provenanceLine } from "../src/lists/lists.ts";
import type { CrawlDiff } from "../src/report/diff.ts";
import { BANNER_PAGE } from "./fixtures/consent-banner.ts";
import { crawlArgs, launchViewer, openDb, runEarshot, startWeb, tempDir } from "./helpers.ts";

const HTML = { "content-type": "text/html" };
/** Meta's pixel with advanced matching: the page hands it the visitor's email (hashed by the pixel). */
const META_WITH_EMAIL = `<script>!function(){var q=[];window.fbq=function(){q.push(arguments)};window.fbq.queue=q}();fbq('init','1112223334445556',{em:'alex.rivera.earshot@example.com'});fbq('track','PageView');</script><script async src="https://connect.facebook.net/en_US/fbevents.js"></script>`;

let version = 1;
/** The same three sites, before and after: the church drops TikTok, the clinic starts sending hashed email. */
function changingSites(): FixtureSite[] {
  const answer = (title: string, body: string, v1: string, v2: string) => () => ({
    headers: HTML,
    body: page(title, body, version === 1 ? v1 : v2),
  });
  return [
    {
      host: "www.church.test",
      routes: {
        "/": answer(
          "St Paul's Church",
          "<h1>Worship with our church</h1>",
          snippets.tiktok("C4CHURCHDIFF0001") + snippets.ga4("G-CHURCH0001"),
          snippets.ga4("G-CHURCH0001"),
        ),
      },
    },
    {
      host: "www.clinic.test",
      routes: {
        "/": answer("Clinic", "<h1>Our team</h1>", snippets.meta("1112223334445556"), META_WITH_EMAIL),
      },
    },
    { host: "www.news.test", routes: { "/": page("News", "<h1>News</h1>", snippets.ga4("G-NEWS000001")) } },
  ];
}

const GPC_PAGE = page(
  "GPC shop",
  "<h1>Shop</h1>",
  `${snippets.tiktok("C4GPCIGNORED0001")}<script>if (!navigator.globalPrivacyControl) { ${"!function(){var q=[];window.fbq=function(){q.push(arguments)};window.fbq.queue=q}();fbq('init','9998887776665554');fbq('track','PageView');"} var s=document.createElement('script');s.src='https://connect.facebook.net/en_US/fbevents.js';document.head.appendChild(s); }</script>`,
);

describe("comparing crawls", () => {
  let web: FixtureWeb;
  let before: string;
  let after: string;

  beforeAll(async () => {
    web = await startWeb([
      ...vendorSites(),
      ...changingSites(),
      { host: "www.banner-shop.test", routes: { "/": BANNER_PAGE } },
      { host: "www.gpc-shop.test", routes: { "/": GPC_PAGE } },
    ]);
    const dir = tempDir();
    // Two lists, as a study would combine them; the first carries an `earshot lists` provenance line.
    const top = join(dir, "top.csv");
    writeFileSync(
      top,
      `${provenanceLine({ source: "tranco", url: "https://tranco-list.eu/top-1m.csv.zip", listId: "TEST1", date: "2026-11-23", sha256: "0".repeat(64), selection: { top: 2 }, sites: 2 })}\n1,www.clinic.test\n2,www.news.test\n`,
    );
    const gov = join(dir, "gov.txt");
    writeFileSync(gov, "www.church.test\n");
    before = tempDir();
    after = tempDir();
    for (const [v, out] of [
      [1, before],
      [2, after],
    ] as const) {
      version = v;
      const r = await runEarshot([
        "crawl",
        "--list",
        top,
        "--list",
        gov,
        ...crawlArgs(web, out, ["--pages-per-site", "1", "--dwell", "1"]),
      ]);
      expect(r.code, r.stderr).toBe(0);
    }
  });

  afterAll(async () => {
    await web?.stop();
  });

  it("records each list a crawl read, with its provenance", () => {
    const db = openDb(before);
    const lists = JSON.parse(
      (db.prepare("SELECT value FROM meta WHERE key = 'lists'").get() as { value: string }).value,
    ) as Array<{ label: string; sites: number; provenance: { source: string; listId: string } | null }>;
    const bySite = db.prepare("SELECT site, list FROM sites ORDER BY site").all();
    db.close();
    expect(
      lists.map((l) => [l.label, l.sites, l.provenance?.source ?? null, l.provenance?.listId ?? null]),
    ).toEqual([
      ["top", 2, "tranco", "TEST1"],
      ["gov", 1, null, null],
    ]);
    expect(bySite).toEqual([
      { site: "www.church.test", list: "gov" },
      { site: "www.clinic.test", list: "top" },
      { site: "www.news.test", list: "top" },
    ]);
  });

  it("reports exactly what changed: a pixel removed, hashed email newly sent", async () => {
    const r = await runEarshot(["diff", before, after, "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const diff = JSON.parse(r.stdout) as CrawlDiff;
    expect(diff.compared).toBe(3);
    expect(diff.sites).toEqual([
      {
        site: "www.church.test",
        added: [],
        removed: [{ entity: "ByteDance", tracker: "TikTok Pixel" }],
        newlyShared: [],
        noLongerShared: [],
      },
      {
        site: "www.clinic.test",
        added: [],
        removed: [],
        newlyShared: [{ entity: "Meta", tracker: "Meta Pixel", data: ["hashed_email"] }],
        noLongerShared: [],
      },
    ]);
    expect(diff.companies).toEqual([
      {
        entity: "Meta",
        sitesBefore: 1,
        sitesAfter: 1,
        gained: [],
        lost: [],
        newlyShared: { hashed_email: ["www.clinic.test"] },
        noLongerShared: {},
      },
      {
        entity: "ByteDance",
        sitesBefore: 1,
        sitesAfter: 0,
        gained: [],
        lost: ["www.church.test"],
        newlyShared: {},
        noLongerShared: {},
      },
    ]);
    expect(diff.sensitivePages).toEqual([
      {
        site: "www.church.test",
        url: "https://www.church.test",
        categories: ["religion"],
        added: [],
        removed: [{ entity: "ByteDance", tracker: "TikTok Pixel" }],
      },
    ]);
    const text = (await runEarshot(["diff", before, after])).stdout;
    // Companies as a table: before, after, gained, lost, data.
    expect(text).toMatch(/\n {2}TikTok \(ByteDance\) +1 +0 +-1 *\n/);
    expect(text).toMatch(/\n {2}Meta +1 +1 +\+hashed_email \(1\)\n/);
    expect(text).toContain("www.church.test: - TikTok (ByteDance) TikTok Pixel");
    expect(text).toContain("www.clinic.test: Meta Meta Pixel now receives hashed_email");
    expect(text).toContain("church.test [religion]: - TikTok (ByteDance) TikTok Pixel");
    // The HTML report of the second crawl, compared with the first, shows the same changes.
    const html = join(after, "compare.html");
    const report = await runEarshot(["report", after, "--compare", before, "-o", html]);
    expect(report.code, report.stderr).toBe(0);
    const browser = await launchViewer();
    try {
      const view = await browser.newPage();
      await view.goto(`file://${html}`);
      await view.waitForSelector("body[data-ready='1']");
      const section = await view.locator("section[aria-labelledby='h-changes']").innerText();
      expect(section).toContain("3 sites crawled successfully in both");
      expect(section).toContain("− TikTok (ByteDance) TikTok Pixel");
      expect(section).toContain("Meta Meta Pixel now receives hashed_email");
    } finally {
      await browser.close();
    }
    // The same crawl against itself: no change.
    expect((await runEarshot(["diff", before, before])).stdout).toContain("No change.");
  });

  it("--compare-consent crawls each site refusing then accepting, and names the trackers that ignore a refusal", async () => {
    const out = tempDir();
    const r = await runEarshot([
      "crawl",
      "www.banner-shop.test",
      "--compare-consent",
      ...crawlArgs(web, out, ["--pages-per-site", "1", "--dwell", "1.5"]),
    ]);
    expect(r.code, r.stderr).toBe(0);
    // Two crawls with no site in common: said so, not "No change.".
    const disjoint = await runEarshot(["diff", before, out]);
    expect(disjoint.code).toBe(0);
    expect(disjoint.stdout).toContain("No site was crawled successfully in both: nothing to compare.");
    expect(disjoint.stdout).not.toContain("No change.");
    const pages = (await runEarshot(["export", out, "--table", "pages"])).stdout
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { variant: string; consent: { action: string } });
    expect(pages.map((p) => [p.variant, p.consent.action])).toEqual([
      ["reject", "reject"],
      ["accept", "accept"],
    ]);
    const d = await runEarshot(["diff", out, "--json"]);
    expect(d.code, d.stderr).toBe(0);
    const result = JSON.parse(d.stdout) as CrawlDiff & {
      ignoring: { variant: string; trackers: Array<{ site: string; entity: string; tracker: string }> };
    };
    expect(result.ignoring.variant).toBe("reject");
    // GA4 starts after the refusal; TikTok reports the click on "Reject all" itself. Meta, which the
    // site loads only on accept, is not among them.
    expect(result.ignoring.trackers.map((t) => [t.site, t.entity, t.tracker])).toEqual([
      ["www.banner-shop.test", "ByteDance", "TikTok Pixel"],
      ["www.banner-shop.test", "Google", "Google Analytics 4"],
    ]);
    const shop = result.sites.find((s) => s.site === "www.banner-shop.test");
    expect(shop?.added).toEqual([{ entity: "Meta", tracker: "Meta Pixel" }]);
    expect(shop?.removed).toEqual([{ entity: "Google", tracker: "Google Analytics 4" }]);
    const text = (await runEarshot(["diff", out])).stdout;
    expect(text).toContain("Trackers that received data after the visitor refused consent:\n");
    expect(text).toContain("  www.banner-shop.test: Google Google Analytics 4 (1 page)");
  });

  it("--compare-gpc crawls with GPC off then on, and names the trackers that ignore it", async () => {
    const out = tempDir();
    const r = await runEarshot([
      "crawl",
      "www.gpc-shop.test",
      "--compare-gpc",
      ...crawlArgs(web, out, ["--pages-per-site", "1", "--dwell", "1.5"]),
    ]);
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse((await runEarshot(["diff", out, "--json"])).stdout) as CrawlDiff & {
      ignoring: { variant: string; trackers: Array<{ entity: string; tracker: string }> };
    };
    expect(result.ignoring.variant).toBe("gpc");
    expect(result.ignoring.trackers.map((t) => t.tracker)).toEqual(["TikTok Pixel"]);
    expect(result.sites.find((s) => s.site === "www.gpc-shop.test")?.removed).toEqual([
      { entity: "Meta", tracker: "Meta Pixel" },
    ]);
  });

  it("says what is wrong with its arguments in one line", async () => {
    for (const args of [
      ["diff"],
      ["diff", before],
      ["diff", before, join(before, "nothing-here")],
      ["crawl", "a.test", "--out", tempDir(), "--compare-consent", "--consent", "accept"],
    ]) {
      const r = await runEarshot(args);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr.trim().split("\n"), args.join(" ")).toHaveLength(1);
    }
  });
});

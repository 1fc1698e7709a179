/**
 * Issue 22, identifier syncing: every planted sync (a redirect, a parameter, a hashed ID in a body)
 * is found with its source and destination company, none of the look-alikes is; the syncs export as
 * their own table, keep values only with --keep-values, and survive `earshot analyze`.
 */
import type Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FixtureWeb } from "../src/fixture-web/server.ts";
import { SYNC_SITE, syncWeb } from "./fixtures/sync-web.ts";
import {
  crawlArgs,
  exportRows,
  launchViewer,
  openDb,
  openReportPage,
  runEarshot,
  startWeb,
  tableRows,
  tempDir,
} from "./helpers.ts";

interface SyncRow {
  site: string;
  sourceEntity: string;
  idName: string;
  entity: string;
  means: string;
  encoding: string;
  where: string;
  requestUrl: string;
  value?: string;
}

describe("identifier syncing", () => {
  let web: FixtureWeb;
  const out = tempDir();
  let syncs: SyncRow[] = [];

  beforeAll(async () => {
    web = await startWeb(syncWeb());
    const result = await runEarshot([
      "crawl",
      SYNC_SITE,
      ...crawlArgs(web, out, ["--pages-per-site", "1", "--dwell", "2", "--timeout", "20"]),
    ]);
    expect(result.code, result.stderr).toBe(0);
    syncs = await exportRows<SyncRow>(out, "syncs");
  }, 180_000);

  afterAll(async () => {
    await web?.stop();
  });

  const summary = (rows: SyncRow[]) =>
    rows.map((s) => `${s.sourceEntity} ${s.idName} -> ${s.entity} by ${s.means} (${s.encoding})`).sort();

  it("finds each planted sync with the company whose ID it is and the one that received it", () => {
    expect(summary(syncs)).toEqual(
      [
        "The Trade Desk TDID -> Rubicon Project by redirect (plain)",
        "Google _ga -> Lotame by parameter (plain)",
        "ByteDance _ttp -> LiveRamp IdentityLink by body (sha256)",
      ].sort(),
    );
    const redirect = syncs.find((s) => s.means === "redirect");
    expect(redirect?.where).toBe("query:put");
    expect(redirect?.requestUrl).toMatch(/^https:\/\/pixel\.rubiconproject\.com\/tap\.php\?/);
    expect(syncs.find((s) => s.means === "body")?.where).toBe("body:$.hid");
    console.log(`identifier syncing: ${syncs.length} of 3 planted syncs found, ${syncs.length - 3} false`);
  });

  it("counts none of the look-alikes, though each travelled to another company", () => {
    // They are in the capture: the rule, not the crawl, leaves them out.
    const db: Database.Database = openDb(out);
    const urls = (db.prepare("SELECT url FROM requests").all() as Array<{ url: string }>).map((r) => r.url);
    db.close();
    const rubicon = urls.find((u) => u.includes("rubiconproject.com/tap.php?v=7751&nid"));
    expect(rubicon).toMatch(/&ts=\d{13}&seg=4471&ref=https/);
    expect(urls.some((u) => u.includes("googleads.g.doubleclick.net") && /gclcid=\d+\.\d+/.test(u))).toBe(
      true,
    );
    expect(urls.filter((u) => u.includes("s3ss10n4b2c9d8e7f6a1"))).toHaveLength(2);
    const names = syncs.map((s) => s.idName);
    for (const lookAlike of ["TDCPM", "ttd_seg", "sessionid"]) expect(names).not.toContain(lookAlike);
    expect(syncs.filter((s) => s.entity === "Google")).toEqual([]);
  });

  it("shows the syncs in the report: a table and a graph of who passes IDs to whom", async () => {
    const report = await runEarshot(["report", out]);
    expect(report.code, report.stderr).toBe(0);
    const browser = await launchViewer();
    try {
      const page = await openReportPage(browser, out);
      const section = "section[aria-labelledby='h-syncs']";
      const rows = await tableRows(page, section);
      expect(rows.map((r) => `${r[2]} -> ${r[4]?.split(" (")[0]}`).sort()).toEqual(
        [
          "The Trade Desk -> Rubicon Project",
          "Google -> Lotame",
          "ByteDance -> LiveRamp IdentityLink",
        ].sort(),
      );
      expect(await page.locator(`${section} svg .sync-edge`).count()).toBe(3);
      // The site's page says, in plain words, what each receiver got.
      const site = await openReportPage(browser, out, `#/site/${SYNC_SITE}`);
      await site.waitForSelector("details.finding");
      const text = (await site.locator("main").textContent()) ?? "";
      expect(text).toContain("Google's identifier for you (_ga), handed over by parameter");
      expect(text).toContain("The Trade Desk's identifier for you (TDID), handed over by redirect");
    } finally {
      await browser.close();
    }
  });

  it("says in earshot diff which syncs went between two crawls", async () => {
    const later = await startWeb(syncWeb({ redirect: false }));
    const out2 = tempDir();
    try {
      const crawl = await runEarshot([
        "crawl",
        SYNC_SITE,
        ...crawlArgs(later, out2, ["--pages-per-site", "1", "--dwell", "2", "--timeout", "20"]),
      ]);
      expect(crawl.code, crawl.stderr).toBe(0);
    } finally {
      await later.stop();
    }
    const diff = await runEarshot(["diff", out, out2]);
    expect(diff.code, diff.stderr).toBe(0);
    expect(diff.stdout).toContain("Identifier syncs:");
    expect(diff.stdout).toMatch(/www\.sync-news\.test: - The Trade Desk's identifier to Rubicon Project/);
    expect(diff.stdout).not.toMatch(/identifier to Lotame/);
    const json = JSON.parse((await runEarshot(["diff", out, out2, "--json"])).stdout) as { syncs: unknown[] };
    expect(json.syncs).toEqual([
      { site: SYNC_SITE, source: "The Trade Desk", entity: "Rubicon Project", change: "removed" },
    ]);
  });

  it("keeps identifier values out of the export unless asked, and re-analyses to the same syncs", async () => {
    expect(syncs.every((s) => s.value === undefined)).toBe(true);
    const kept = await runEarshot(["export", out, "--table", "syncs", "--keep-values"]);
    const tdid = kept.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as SyncRow)
      .find((s) => s.idName === "TDID");
    expect(tdid?.value).toMatch(/^[0-9a-f-]{36}$/);
    expect(tdid?.requestUrl).toContain(`put=${tdid?.value}`);
    const again = await runEarshot(["analyze", out]);
    expect(again.code, again.stderr).toBe(0);
    expect(summary(await exportRows<SyncRow>(out, "syncs"))).toEqual(summary(syncs));
  });
});

/**
 * Issue 35, one visitor across the census: a persistent crawl of four sites finds each planted
 * cross-site identifier (TikTok's `ttwid` on tiktok.com, Meta's `fr` on facebook.com, The Trade
 * Desk's `TDID` and Rubicon's copy of it) with exactly the sites it was sent from, and no constant;
 * the same sites in fresh contexts link nothing; with third-party cookies blocked the cookies link
 * nothing, and without a second visitor the constant would pass for an identifier (marked
 * unchecked). The report's section is read in Chromium.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { profilesOf } from "../src/analyze/profiles.ts";
import type { FixtureWeb } from "../src/fixture-web/server.ts";
import { CrawlStore } from "../src/store/crawl-store.ts";
import { readProfileSightings } from "../src/store/profiles.ts";
import { PROFILE_SITES, profileWeb } from "./fixtures/profile-web.ts";
import {
  crawlArgs,
  exportRows,
  launchViewer,
  openReportPage,
  runEarshot,
  startWeb,
  tempDir,
} from "./helpers.ts";

interface ProfileRow {
  entity: string;
  name: string;
  carrier: string;
  value: string;
  sites: string[];
  pages: number;
  sensitive: string[];
  control: string;
}

const [CHURCH, CLINIC, SHOP, NEWS] = PROFILE_SITES as [string, string, string, string];
const CRAWL = ["--pages-per-site", "2", "--dwell", "2", "--timeout", "20"];

describe("one visitor across sites: profiles", () => {
  let web: FixtureWeb;
  const persistent = tempDir();
  const fresh = tempDir();
  const blocked = tempDir();
  const crawl = async (out: string, extra: string[]) => {
    const r = await runEarshot(["crawl", ...PROFILE_SITES, ...crawlArgs(web, out, [...CRAWL, ...extra])]);
    expect(r.code, r.stderr).toBe(0);
  };

  beforeAll(async () => {
    web = await startWeb(profileWeb());
    await crawl(persistent, ["--profile", "persistent", "--control-sites", "1"]);
    await crawl(fresh, []);
    await crawl(blocked, [
      "--profile",
      "persistent",
      "--third-party-cookies",
      "block",
      "--control-sites",
      "0",
    ]);
  }, 300_000);

  afterAll(async () => {
    await web?.stop();
  });

  it("finds each planted identifier with exactly the sites it was sent from, in visit order, and no constant", async () => {
    const rows = await exportRows<ProfileRow>(persistent, "profiles");
    const summary = rows
      .map((r) => `${r.entity} ${r.name} ${r.carrier} ${r.control}: ${r.sites.join(" ")}`)
      .sort();
    expect(summary).toEqual([
      `ByteDance ttwid third_party_cookie differs: ${CHURCH} ${CLINIC} ${SHOP}`,
      `Meta fr third_party_cookie differs: ${CHURCH} ${CLINIC} ${NEWS}`,
      // The Trade Desk's ID, handed to Rubicon by its cookie match on both sites: Rubicon links them too.
      `Rubicon Project TDID synced differs: ${CHURCH} ${NEWS}`,
      `The Trade Desk TDID third_party_cookie differs: ${CHURCH} ${NEWS}`,
    ]);
    for (const r of rows) {
      if (r.sites.includes(CLINIC)) expect(r.sensitive).toContain("reproductive_health");
      // Values are hashed unless asked for.
      expect(r.value).toMatch(/^[0-9a-f]{64}$/);
    }
    // The synced value is the very one The Trade Desk holds.
    expect(new Set(rows.filter((r) => r.name === "TDID").map((r) => r.value)).size).toBe(1);
    // `earshot analyze` recomputes them from the stored findings, the same.
    const analysed = await runEarshot(["analyze", persistent]);
    expect(analysed.stderr).toContain("4 identifiers link sites");
    expect(await exportRows<ProfileRow>(persistent, "profiles")).toEqual(rows);
    // With --keep-values, the value itself (the fixture's vendors mint `HEX.TIME`).
    const kept = await runEarshot(["export", persistent, "--table", "profiles", "--keep-values"]);
    const keptRows = kept.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as ProfileRow);
    const values = keptRows.filter((r) => r.name === "ttwid" || r.name === "fr").map((r) => r.value);
    expect(values).toHaveLength(2);
    expect(values.every((v) => /^[0-9a-f]{32}\.\d+$/.test(v))).toBe(true);
  });

  it("the same sites in fresh contexts link nothing: every site sees a stranger", async () => {
    expect(await exportRows<ProfileRow>(fresh, "profiles")).toEqual([]);
    // Not only because the table is left empty: the fresh crawl's own identifiers link no two sites.
    const store = await CrawlStore.open(fresh);
    try {
      const sightings = await readProfileSightings(store);
      expect(sightings.some((s) => s.identifier.name === "ttwid")).toBe(true);
      expect(profilesOf(sightings).filter((p) => ["ttwid", "fr", "TDID"].includes(p.name))).toEqual([]);
    } finally {
      await store.close();
    }
  });

  it("third-party cookies blocked: the vendors' cookies link nothing; without a second visitor a constant is left unchecked", async () => {
    const rows = await exportRows<ProfileRow>(blocked, "profiles");
    expect(rows.filter((r) => ["ttwid", "fr", "TDID"].includes(r.name))).toEqual([]);
    // The hard-coded client ID every visitor gets: only the second visitor can show it is a constant.
    const constant = rows.find((r) => r.entity === "Google");
    expect(constant?.control).toBe("unchecked");
    expect(constant?.sites).toEqual(PROFILE_SITES);
  });

  it("a resumed crawl goes on with the same visitor: a site added later is linked to the first ones", async () => {
    const resumed = tempDir();
    const some = [
      "--pages-per-site",
      "2",
      "--dwell",
      "1",
      "--timeout",
      "20",
      "--profile",
      "persistent",
      "--control-sites",
      "0",
    ];
    const first = await runEarshot(["crawl", CHURCH, CLINIC, ...crawlArgs(web, resumed, some)]);
    expect(first.code, first.stderr).toBe(0);
    const again = await runEarshot(["crawl", CHURCH, CLINIC, SHOP, ...crawlArgs(web, resumed, some)]);
    expect(again.code, again.stderr).toBe(0);
    const rows = await exportRows<ProfileRow>(resumed, "profiles");
    expect(rows.find((r) => r.name === "ttwid")?.sites).toEqual([CHURCH, CLINIC, SHOP]);
  }, 120_000);

  it("earshot diff says how far each company's profile reached in each crawl", async () => {
    const r = await runEarshot(["diff", persistent, blocked]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("What each company could link about the visitor");
    expect(r.stdout).toMatch(/TikTok \(ByteDance\): 3 -> 0 sites/);
    expect(r.stdout).toMatch(/Meta\)?: 3 -> 0 sites/);
  });

  it("the report says what each company could put together, with its sites, sensitive pages and evidence", async () => {
    const r = await runEarshot(["report", persistent]);
    expect(r.code, r.stderr).toBe(0);
    const viewer = await launchViewer();
    try {
      const page = await openReportPage(viewer, persistent);
      const section = page.locator("section.profiles");
      await expect(section.locator("h2").textContent()).resolves.toBe(
        "What each company could put together about one visitor",
      );
      const tiktok = section.locator("tbody tr", { hasText: "ByteDance" });
      const text = (await tiktok.textContent()) ?? "";
      expect(text).toContain("3 of 4");
      for (const site of [CHURCH, CLINIC, SHOP]) expect(text).toContain(site);
      expect(text).not.toContain(NEWS);
      expect(text).toContain("ttwid");
      expect(text).toContain("abortion-services");
      expect(await section.textContent()).toContain("third-party cookies allowed");
      // The first lines say it before any table.
      const key = (await page.locator("section.key-findings").textContent()) ?? "";
      expect(key).toContain("TikTok (ByteDance) could recognise the same visitor on 3 of the 4 sites");
      // Every setting of the crawl, as its declaration words it, under "How this crawl was made".
      const how = (await page.locator("section.how").textContent()) ?? "";
      expect(how).toContain("browser profile: persistent");
      expect(how).toContain("third-party cookies: allow");
      expect(how).toContain("sites visited again by a second visitor: 1");
      // The evidence link opens the site's requests.
      await tiktok.locator("a.evidence", { hasText: CLINIC }).click();
      await page.waitForFunction(() => location.hash.startsWith("#/site/"));
      expect(decodeURIComponent(await page.evaluate(() => location.hash))).toBe(`#/site/${CLINIC}`);
      await expect(page.locator("main").textContent()).resolves.toContain("ttwid");
      // The company's own page says it too.
      await page.evaluate(() => {
        location.hash = "#/company/TikTok";
      });
      await page.waitForSelector(".company-view");
      const companyText = (await page.locator(".company-view").textContent()) ?? "";
      expect(companyText).toContain("What it could put together about one visitor");
      expect(companyText).toContain(`reached it from 3 of the 4 sites: ${CHURCH}, ${CLINIC}, ${SHOP}`);
    } finally {
      await viewer.close();
    }
  });
});

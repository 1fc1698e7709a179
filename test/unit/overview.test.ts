import { describe, expect, it } from "vitest";
import { MAX_LIST_ROWS, OverviewAggregate } from "../../src/report/overview.ts";
import type { CrawlInfo } from "../../src/report/types.ts";
import type { DataFinding, SensitivePage, SiteSummary } from "../../src/store/reads/report-reads.ts";

const INFO = { generatedAt: 0 } as CrawlInfo;

const site = (id: number, extra: Partial<SiteSummary> = {}): SiteSummary => ({
  id,
  site: `s${id}.example`,
  list: id % 2 ? "odd" : "even",
  rank: id,
  status: "ok",
  error: null,
  pages: 2,
  sensitive: [],
  ...extra,
});

const finding = (
  siteId: number,
  pageId: number,
  entity: string,
  extra: Partial<DataFinding> = {},
): DataFinding => ({
  siteId,
  pageId,
  site: `s${siteId}.example`,
  url: `https://s${siteId}.example/p${pageId}`,
  entity,
  tracker: `${entity} Pixel`,
  phase: "no_consent_prompt",
  events: ["PageView"],
  dataShared: ["page_url"],
  leaks: [],
  fingerprinted: false,
  pixelIds: [],
  ...extra,
});

const sensitive = (id: number, siteId: number, categories: string[]): SensitivePage => ({
  id,
  siteId,
  site: `s${siteId}.example`,
  url: `https://s${siteId}.example/p${id}`,
  title: "Help",
  categories,
  evidence: "title: help",
});

describe("the overview's aggregation, from rows alone", () => {
  it("leads with key findings, the most serious category first, saying what kind of sites they were", () => {
    const a = new OverviewAggregate();
    a.addSite(site(1, { list: "dotgov", sensitive: ["domestic_violence"] }));
    a.addSite(site(2, { list: "dotgov" }));
    a.addSite(site(3, { list: "top" }));
    a.addSite(site(4, { list: "top", status: "failed", pages: 0 }));
    const pages = [
      sensitive(10, 1, ["domestic_violence"]),
      sensitive(20, 2, ["domestic_violence"]),
      sensitive(21, 2, ["domestic_violence"]),
      sensitive(30, 3, ["health"]),
    ];
    for (const p of pages) a.addSensitivePage(p);
    // Google hears of more pages, but health is less serious than domestic violence.
    for (const [siteId, pageId] of [
      [3, 30],
      [1, 11],
      [2, 22],
      [3, 31],
    ] as const)
      a.addFinding(finding(siteId, pageId, "Google"));
    for (const [siteId, pageId] of [
      [1, 10],
      [2, 20],
      [2, 21],
    ] as const)
      a.addFinding(finding(siteId, pageId, "ByteDance"));
    a.addFinding(finding(3, 30, "Hotjar", { events: ["session_recording"], fingerprinted: true }));
    for (const p of pages) a.addTrackedSensitivePage(p);
    const { overview } = a.result(INFO);
    expect(overview.keyFindings?.map((f) => f.text)).toEqual([
      "TikTok (ByteDance) received visits to domestic violence pages on 2 sites (3 pages), 1 of them a domestic violence site itself; all of them in the list “dotgov”.",
      "Google received visits to health pages on 1 site (1 page), in the list “top”.",
      "Hotjar received visits to health pages on 1 site (1 page), in the list “top”.",
    ]);
    expect(overview.keyFindings?.[0]?.href).toBe("#/sites?company=ByteDance&category=domestic_violence");
    // Every kind looked for is answered, "none found" included.
    expect(overview.lookedFor?.map((l) => [l.kind, l.sites, l.companies])).toEqual([
      ["leaks", 0, []],
      ["fingerprinting", 1, ["Hotjar"]],
      ["session_recording", 1, ["Hotjar"]],
      ["before_consent", 0, []],
      ["syncs", 0, []],
      ["cloaking", 0, []],
    ]);
  });

  it("counts companies by sites, sensitive pages by category and company, lists by reach", () => {
    const a = new OverviewAggregate();
    for (const id of [1, 2, 3]) a.addSite(site(id));
    a.addSite(site(4, { status: "failed", pages: 0 }));
    a.addSite(site(5, { sensitive: ["religion"] }));
    const pages = [sensitive(10, 1, ["health"]), sensitive(20, 2, ["health", "mental_health"])];
    for (const p of pages) a.addSensitivePage(p);
    a.addFinding(finding(1, 10, "Meta"));
    a.addFinding(finding(1, 11, "Meta"));
    a.addFinding(finding(2, 20, "ByteDance", { phase: "before_consent" }));
    a.addFinding(finding(2, 20, "Meta", { leaks: [{ field: "email", encoding: "sha256", where: "body" }] }));
    a.addFinding(finding(3, 30, "Google"));
    a.addFinding(finding(3, 30, "Beta"));
    a.addFinding(finding(3, 31, "Acme"));
    a.addFinding(finding(1, 11, "Acme"));
    for (const p of pages) a.addTrackedSensitivePage(p);
    const { overview, sites } = a.result(INFO);

    expect(overview.companies.map((c) => [c.entity, c.sites, c.pages, c.sensitivePages])).toEqual([
      // The lead three (TikTok's owner, Meta, Google) first, then the rest by reach.
      ["ByteDance", 1, 1, 1],
      ["Meta", 2, 3, 2],
      ["Google", 1, 1, 0],
      ["Acme", 2, 2, 0],
      ["Beta", 1, 1, 0],
    ]);
    expect(overview.sitesWithData).toBe(3);
    const health = overview.byCategory.find((c) => c.category === "health");
    expect(health).toEqual({
      category: "health",
      pages: 2,
      pagesWithData: 2,
      sites: 2,
      companies: { Meta: 2, ByteDance: 1 },
    });
    expect(overview.byList.map((l) => [l.list, l.sites, l.sitesWithData])).toEqual([
      ["odd", 3, 2],
      ["even", 1, 1],
    ]);
    expect(overview.leaks.total).toBe(1);
    expect(overview.beforeConsent.rows.map((r) => r.entity)).toEqual(["ByteDance"]);
    expect(overview.sensitivePages.rows.map((r) => [r.url, r.companies])).toEqual([
      ["https://s1.example/p10", ["Meta"]],
      ["https://s2.example/p20", ["ByteDance", "Meta"]],
    ]);
    // A site's own nature counts among its categories; a failed site is listed but not in the reach.
    expect(sites.find((s) => s.site === "s5.example")?.categories).toEqual(["religion"]);
    expect(sites.find((s) => s.site === "s2.example")).toMatchObject({ leaks: 1, beforeConsent: 1 });
  });

  it("keeps the first rows of a long list and counts them all", () => {
    const a = new OverviewAggregate();
    a.addSite(site(1));
    for (let i = 0; i < MAX_LIST_ROWS + 5; i++)
      a.addFinding(finding(1, i, "Meta", { phase: "before_consent" }));
    const { overview } = a.result(INFO);
    expect(overview.beforeConsent.rows.length).toBe(MAX_LIST_ROWS);
    expect(overview.beforeConsent.total).toBe(MAX_LIST_ROWS + 5);
  });

  it("lists a refusing page only when somebody still received data from it", () => {
    const a = new OverviewAggregate();
    a.addSite(site(1));
    a.addFinding(finding(1, 10, "Meta"));
    const state = JSON.stringify({
      verdict: "refused",
      records: [{ source: "usp", says: "opt-out of sale: Y" }],
    });
    a.addRefusingPage({ id: 10, site: "s1.example", url: "https://s1.example/p10", consentState: state });
    a.addRefusingPage({ id: 11, site: "s1.example", url: "https://s1.example/p11", consentState: state });
    const { overview } = a.result(INFO);
    expect(overview.refusedYetTracked?.rows.map((r) => [r.url, r.companies])).toEqual([
      ["https://s1.example/p10", ["Meta"]],
    ]);
  });
});

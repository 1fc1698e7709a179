import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeSyntheticCrawl } from "../../bench/synthetic-crawl.ts";
import { embeddableJson, renderReport } from "../../src/report/html-report.ts";
import { whatWasLearned } from "../../src/report/learned.ts";
import { loadOverview, loadReportData } from "../../src/report/model.ts";
import { querySites } from "../../src/report/query.ts";
import type { FindingView, SiteRow } from "../../src/report/types.ts";
import { CrawlStore } from "../../src/store/crawl-store.ts";
import { tempDir } from "../helpers.ts";

describe("report model over a synthetic 400-site crawl", () => {
  let store: CrawlStore;

  beforeAll(async () => {
    const dir = tempDir();
    await writeSyntheticCrawl(dir, 400, 7);
    store = await CrawlStore.open(dir);
  });

  afterAll(() => store.close());

  const count = async (sql: string, ...params: string[]) =>
    (await store.sql.get<{ n: number }>(sql, params))?.n;

  it("counts each company's sites, each list's reach and each category's pages as SQL does", async () => {
    const { overview, sites } = await loadOverview(store);
    expect(overview.crawl.sites.total).toBe(400);
    expect(overview.crawl.sites.ok + overview.crawl.sites.failed).toBe(400);
    expect(overview.companies.slice(0, 3).map((c) => c.entity)).toEqual(["ByteDance", "Meta", "Google"]);
    for (const c of overview.companies) {
      expect(c.sites, c.entity).toBe(
        await count(
          "SELECT COUNT(DISTINCT site_id) AS n FROM findings WHERE kind = 'data' AND entity = ?",
          c.entity,
        ),
      );
    }
    expect(overview.sitesWithData).toBe(
      await count("SELECT COUNT(DISTINCT site_id) AS n FROM findings WHERE kind = 'data'"),
    );
    // A script that was only downloaded is recorded, and is not counted as data received.
    expect(
      await count("SELECT COUNT(*) AS n FROM findings WHERE entity = 'Hotjar' AND kind = 'script_loaded'"),
    ).toBeGreaterThan(0);
    expect(await count("SELECT COUNT(*) AS n FROM findings WHERE entity = 'Hotjar' AND kind = 'data'")).toBe(
      0,
    );
    expect(overview.companies.map((c) => c.entity)).not.toContain("Hotjar");
    const gov = overview.byList.find((l) => l.list === "dotgov");
    expect(gov?.sites).toBe(
      await count("SELECT COUNT(*) AS n FROM sites WHERE list = 'dotgov' AND status = 'ok'"),
    );
    expect(gov?.companies.Meta).toBe(
      await count(
        "SELECT COUNT(DISTINCT f.site_id) AS n FROM findings f JOIN sites s ON s.id = f.site_id WHERE s.list = 'dotgov' AND f.entity = 'Meta' AND f.kind = 'data'",
      ),
    );
    // .gov sites carry TikTok and Meta less often in the synthetic crawl, as in the study.
    const top = overview.byList.find((l) => l.list === "top-sites");
    expect((gov?.companies.ByteDance ?? 0) / (gov?.sites ?? 1)).toBeLessThan(
      (top?.companies.ByteDance ?? 0) / (top?.sites ?? 1),
    );
    const health = overview.byCategory.find((c) => c.category === "health");
    expect(health?.pages).toBe(
      await count(`SELECT COUNT(*) AS n FROM pages WHERE sensitive LIKE '%"health"%'`),
    );
    expect(overview.sensitivePages.total).toBe(
      await count(
        "SELECT COUNT(*) AS n FROM pages p WHERE sensitive != '[]' AND EXISTS (SELECT 1 FROM findings f WHERE f.page_id = p.id AND f.kind = 'data')",
      ),
    );
    expect(sites).toHaveLength(400);
    const row = sites.find((s) => s.companies.length > 2) as SiteRow;
    const expected = await store.sql.all<{ entity: string }>(
      "SELECT DISTINCT entity FROM findings f JOIN sites s ON s.id = f.site_id WHERE s.site = ?",
      [row.site],
    );
    expect([...row.companies].sort()).toEqual(expected.map((e) => e.entity).sort());
  });

  it("embeds details within the byte budget, most telling sites first", async () => {
    const budget = 100_000;
    const data = await loadReportData(store, { detailBudget: budget });
    const sizes = Object.values(data.details).map((d) => JSON.stringify(d).length);
    expect(sizes.length).toBeGreaterThan(3);
    expect(sizes.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(budget);
    const kept = new Set(Object.keys(data.details));
    const telling = data.sites.filter((s) => s.categories.length > 0 && s.companies.length > 0);
    const plainKept = data.sites.filter(
      (s) => kept.has(s.site) && !(s.categories.length > 0 && s.companies.length > 0),
    );
    // Sites without tracked sensitive pages only get details once every site with them has.
    expect(plainKept.length === 0 || telling.every((s) => kept.has(s.site))).toBe(true);
    // And the budget went to telling sites first: some of them are kept.
    expect(telling.filter((s) => kept.has(s.site)).length).toBeGreaterThan(0);
  });

  it("renders data that survives embedding byte for byte", async () => {
    const data = await loadReportData(store, { detailBudget: 50_000 });
    const html = await renderReport(data);
    const embedded =
      /<script type="application\/json" id="earshot-data">(.*?)<\/script>/s.exec(html)?.[1] ?? "";
    expect(JSON.parse(embedded)).toEqual(JSON.parse(JSON.stringify(data)));
    const nasty = { title: "</script><script>alert(1)</script><!-- \u2028 & >" };
    const text = embeddableJson(nasty);
    expect(text).not.toMatch(/[<>&\u2028]/);
    expect(JSON.parse(text)).toEqual(nasty);
  });
});

describe("querySites", () => {
  const rows: SiteRow[] = Array.from({ length: 120 }, (_, i) => ({
    site: `site-${String(i).padStart(3, "0")}.test`,
    list: i % 2 ? "dotgov" : "top",
    rank: i + 1,
    status: i % 10 === 0 ? "failed" : "ok",
    error: null,
    pages: 1 + (i % 3),
    companies: i % 3 === 0 ? ["Meta", "Google"] : ["Google"],
    categories: i % 4 === 0 ? ["health"] : [],
    leaks: i % 7,
    beforeConsent: 0,
  }));

  it("filters by text, company, category and list, sorts, and pages", async () => {
    const page = querySites(rows, {
      company: "Meta",
      category: "health",
      list: "top",
      sort: "leaks",
      desc: true,
      perPage: 5,
    });
    const all = rows.filter(
      (r) => r.companies.includes("Meta") && r.categories.includes("health") && r.list === "top",
    );
    expect(page.total).toBe(all.length);
    expect(page.rows).toHaveLength(5);
    expect(page.rows.map((r) => r.leaks)).toEqual([...page.rows.map((r) => r.leaks)].sort((a, b) => b - a));
    expect(page.rows[0]?.leaks).toBe(Math.max(...all.map((r) => r.leaks)));
    expect(querySites(rows, { q: "SITE-01" }).total).toBe(10);
    // Out-of-range pages clamp; a huge perPage is capped.
    const last = querySites(rows, { page: 999, perPage: 50 });
    expect([last.page, last.pages, last.rows.length]).toEqual([3, 3, 20]);
    expect(querySites(rows, { perPage: 100000 }).rows).toHaveLength(120);
  });
});

describe("whatWasLearned", () => {
  const finding = (over: Partial<FindingView> = {}): FindingView => ({
    entity: "Meta",
    tracker: "Meta Pixel",
    phase: "no_consent_prompt",
    kind: "data",
    requests: 1,
    pixelIds: ["1"],
    events: ["PageView"],
    dataShared: ["ip_address", "user_agent", "page_url", "unique_id", "event"],
    identifiers: [{ name: "_fbp", source: "cookie", value: "fb.1.1700000000000.123456789", cookie: null }],
    leaks: [],
    evidence: [],
    evidenceOmitted: 0,
    ...over,
  });
  const page = { url: "https://clinic.test/conditions/hiv-treatment?x=1", title: "HIV treatment" };

  it("says what was visited, which ID, what was clicked and typed, in plain words", async () => {
    const learned = whatWasLearned(
      [finding({ leaks: [{ field: "email", encoding: "sha256", where: "query:ud[em]", keylogged: true }] })],
      page,
      [
        { kind: "interaction", detail: 'clicked "Book appointment" (body > main > button#book)', at: 1000 },
        { kind: "interaction", detail: 'clicked "Newsletter"', at: 50_000 },
      ],
      [1200],
    );
    expect(learned).toEqual([
      "you visited clinic.test/conditions/hiv-treatment",
      "your browser ID fb.1.1700000000000.1234… (cookie _fbp)",
      "what you did: PageView",
      'you clicked "Book appointment"',
      "your email address (SHA-256 hash)",
      "what you typed into a form, before you submitted it",
      "your IP address and browser details",
    ]);
  });

  it("names the title when it was sent, and consent timing", async () => {
    const learned = whatWasLearned(
      [
        finding({
          phase: "before_consent",
          dataShared: ["ip_address", "page_url", "page_title"],
          identifiers: [],
          events: [],
        }),
      ],
      page,
      [],
      [],
    );
    expect(learned).toEqual([
      'you visited clinic.test/conditions/hiv-treatment ("HIV treatment")',
      "your IP address",
      "all of it before you answered the consent banner",
    ]);
  });
});

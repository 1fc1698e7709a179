import type { ChildProcess } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoSiteList, demoSites } from "../src/fixture-web/demo-web.ts";
import { generatedSiteList, generatedSites } from "../src/fixture-web/generated-web.ts";
import type { FixtureWeb } from "../src/fixture-web/server.ts";
import { loadReportData } from "../src/report/model.ts";
import type { ReportData } from "../src/report/types.ts";
import { CrawlStore } from "../src/store/crawl-store.ts";
import { runEarshot, startEarshot, startWeb, tempDir } from "./helpers.ts";
import { freshDatabase } from "./postgres.ts";

const SITES = [...demoSiteList(), ...generatedSiteList(24)];
const CRAWL_OPTIONS = ["--pages-per-site", "2", "--dwell", "1", "--timeout", "15", "--interact"];

/** What a report says, without what differs between two crawls of the same web (times, IDs, bodies). */
function comparable(data: ReportData) {
  const { overview } = data;
  return {
    sites: overview.crawl.sites,
    pages: overview.crawl.pages,
    sitesWithData: overview.sitesWithData,
    companies: overview.companies,
    byList: overview.byList,
    byCategory: overview.byCategory,
    sensitivePages: overview.sensitivePages,
    leaks: overview.leaks,
    beforeConsent: overview.beforeConsent,
    rows: data.sites.map((s) => ({ ...s })),
    details: Object.fromEntries(
      Object.entries(data.details).map(([site, d]) => [
        site,
        d.pages.map((p) => ({
          url: p.url,
          title: p.title,
          sensitive: p.sensitive,
          actions: p.actions,
          companies: p.companies.map((c) => ({
            entity: c.entity,
            findings: c.findings.map((f) => [
              f.tracker,
              f.phase,
              f.pixelIds,
              [...f.events].sort(),
              f.dataShared,
              f.leaks,
            ]),
          })),
        })),
      ]),
    ),
  };
}

describe("a fleet of workers on PostgreSQL", () => {
  let web: FixtureWeb;
  let db: { url: string; drop: () => Promise<void> };
  let list: string;
  let crawlId: string;
  const workers: ChildProcess[] = [];

  beforeAll(async () => {
    web = await startWeb([...demoSites(), ...generatedSites(24)]);
    db = await freshDatabase("fleet");
    list = join(tempDir(), "sites.txt");
    writeFileSync(list, `${SITES.join("\n")}\n`);
  });

  afterAll(async () => {
    for (const w of workers) if (w.exitCode === null) w.kill("SIGKILL");
    await web?.stop();
    await db?.drop();
  });

  it("enqueues the crawl and prints its id", async () => {
    const r = await runEarshot([
      "crawl",
      "--list",
      list,
      "--db",
      db.url,
      "--enqueue-only",
      "--job-timeout",
      "20",
      "--proxy",
      web.proxyUrl,
      "--ignore-https-errors",
      ...CRAWL_OPTIONS,
    ]);
    expect(r.code, r.stderr).toBe(0);
    crawlId = r.stdout.trim();
    expect(crawlId).toMatch(/^\d+$/);
    const status = await runEarshot(["status", "--db", db.url, "--json"]);
    const s = JSON.parse(status.stdout) as { sites: { total: number }; queue: { queued: number } };
    expect(s.sites.total).toBe(SITES.length);
    expect(s.queue.queued).toBe(SITES.length);
  });

  it("records every site exactly once when one of three workers is killed with -9 mid-crawl", async () => {
    const exits: Array<Promise<number | null>> = [];
    for (let i = 0; i < 3; i++) {
      const w = startEarshot(["worker", "--db", db.url, "--crawl", crawlId, "--concurrency", "2", "--quiet"]);
      workers.push(w);
      exits.push(new Promise((resolve) => w.on("exit", (code) => resolve(code))));
    }
    const store = await CrawlStore.openPostgres(db.url, { crawlId: Number(crawlId) });
    try {
      // Kill the first worker once the crawl is under way and it holds sites.
      const until = Date.now() + 120_000;
      for (;;) {
        const done = (await store.counts()).ok;
        const running =
          (await store.sql.get<{ n: number }>("SELECT COUNT(*) AS n FROM sites WHERE status = 'running'"))
            ?.n ?? 0;
        if (done >= 3 && running >= 3) break;
        if (Date.now() > until) throw new Error("the crawl did not get under way");
        await new Promise((r) => setTimeout(r, 200));
      }
      workers[0]?.kill("SIGKILL");
      expect(await exits[0]).toBe(null);
      // The other two finish the queue, including the killed worker's sites once their jobs expire.
      expect(await exits[1]).toBe(0);
      expect(await exits[2]).toBe(0);

      const sites = await store.sql.all<{ site: string; status: string; attempts: number; pages: number }>(
        "SELECT site, status, attempts, pages FROM sites ORDER BY position",
      );
      expect(sites.map((s) => s.site)).toEqual(SITES);
      expect(sites.filter((s) => s.status !== "ok")).toEqual([]);
      // The killed worker's sites were crawled again by another worker.
      expect(sites.some((s) => s.attempts >= 2)).toBe(true);
      // Exactly once: each site's pages once, no page without its site's other rows.
      const pages = await store.sql.all<{ site: string; n: number; urls: number }>(
        `SELECT s.site, COUNT(*) AS n, COUNT(DISTINCT p.url) AS urls FROM pages p JOIN sites s ON s.id = p.site_id GROUP BY s.site`,
      );
      expect(pages).toHaveLength(SITES.length);
      for (const p of pages) expect(p.n, p.site).toBe(p.urls);
      const orphans = await store.sql.get<{ n: number }>(
        "SELECT COUNT(*) AS n FROM requests r LEFT JOIN pages p ON p.id = r.page_id WHERE p.id IS NULL",
      );
      expect(orphans?.n).toBe(0);
      const status = JSON.parse((await runEarshot(["status", "--db", db.url, "--json"])).stdout) as {
        queue: { queued: number; active: number; completed: number; failed: number };
      };
      expect(status.queue).toMatchObject({ queued: 0, active: 0, failed: 0 });
      expect(status.queue.completed).toBe(SITES.length);
    } finally {
      await store.close();
    }
  });

  it("builds the same report from PostgreSQL as from SQLite for the same web", async () => {
    const dir = tempDir();
    const sqlite = await runEarshot([
      "crawl",
      "--list",
      list,
      "--out",
      dir,
      "--concurrency",
      "4",
      "--proxy",
      web.proxyUrl,
      "--ignore-https-errors",
      "--quiet",
      ...CRAWL_OPTIONS,
    ]);
    expect(sqlite.code, sqlite.stderr).toBe(0);
    const fromSqlite = await CrawlStore.open(dir);
    const fromPg = await CrawlStore.openPostgres(db.url, { crawlId: Number(crawlId) });
    try {
      const a = comparable(await loadReportData(fromSqlite));
      const b = comparable(await loadReportData(fromPg));
      expect(a.rows.length).toBe(SITES.length);
      expect(a.companies.length).toBeGreaterThanOrEqual(3);
      // Attempts differ (a worker was killed); everything a reader sees is the same.
      expect(b).toEqual(a);
    } finally {
      await fromSqlite.close();
      await fromPg.close();
    }
    // And the command line reads a postgres:// URL wherever it reads a directory.
    const html = await runEarshot(["report", db.url, "--crawl", crawlId, "-o", join(dir, "pg.html")]);
    expect(html.code, html.stderr).toBe(0);
    const findings = await runEarshot(["export", db.url, "--table", "findings"]);
    expect(findings.stdout.split("\n").filter(Boolean).length).toBeGreaterThan(SITES.length);
  });
});

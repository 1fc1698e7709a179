/**
 * Reads a crawl's database into what the report and the web UI show (`types.ts`): the store's rows
 * (`src/store/reads/report-reads.ts`) fed to pure aggregations (`overview.ts`, `site-detail.ts`). Reads
 * only stored data: findings as analysis wrote them, requests as captured (decoded again for display).
 */

import { settingsInWords } from "../crawl/settings.ts";
import type { CrawlStore } from "../store/crawl-store.ts";
import { readMeta } from "../store/meta.ts";
import { readProfiles } from "../store/profiles.ts";
import {
  cloakedFindings,
  consentRecords,
  dataFindings,
  idSyncs,
  refusingPages,
  sensitivePages,
  siteDetailRows,
  siteSummaries,
} from "../store/reads/report-reads.ts";
import { redactSecrets } from "../util/redact.ts";
import { profileFindings } from "./key-findings.ts";
import { OverviewAggregate } from "./overview.ts";
import { profilesSummary } from "./profiles-summary.ts";
import { type DetailOptions, REPORT_DETAIL, siteDetailFrom } from "./site-detail.ts";
import type { CrawlInfo, Overview, ReportData, SiteDetail, SiteRow } from "./types.ts";

export { type DetailOptions, REPORT_DETAIL, SERVE_DETAIL } from "./site-detail.ts";

async function crawlInfo(store: CrawlStore): Promise<CrawlInfo> {
  const counts = await store.counts();
  const config = await readMeta(store, "config");
  const browser = await readMeta(store, "browser");
  const proxy = (await readMeta(store, "vantage"))?.proxy ?? config?.proxy ?? null;
  // A proxy's password never reaches a report.
  const recorded =
    config && typeof config === "object"
      ? { ...config, proxy: config.proxy ? redactSecrets(config.proxy) : null }
      : null;
  const lists = ((await readMeta(store, "lists")) ?? []).map((l) => String(l.source ?? "")).filter(Boolean);
  return {
    createdAt: await readMeta(store, "created_at"),
    generatedAt: Date.now(),
    toolVersion: await readMeta(store, "tool_version"),
    browser: browser?.version ?? null,
    userAgent: browser?.userAgent ?? null,
    sandbox: browser?.sandbox ?? null,
    proxy: proxy ? redactSecrets(proxy) : null,
    config: recorded ?? {},
    settings: recorded ? settingsInWords(recorded) : [],
    lists: [...new Set(lists)],
    sites: {
      total: counts.total,
      ok: counts.ok,
      failed: counts.failed,
      pending: counts.pending,
      botWalls: (await store.failuresByReason()).bot_wall ?? 0,
    },
    pages: counts.pages,
    requests: counts.requests,
    imports: ((await readMeta(store, "imports")) ?? []).map((r) => ({
      file: r.file,
      producer: r.creator ? `${r.creator.name} ${r.creator.version}`.trim() : null,
      site: r.sites.join(", "),
      visit: r.visit ?? 1,
      entries: r.entries ?? r.requests,
      requests: r.requests,
      skipped: r.skipped ?? {},
      frames: r.frames ?? 0,
      pages: r.pageUrls ?? [],
    })),
  };
}

/** The first screen's aggregates and one row per site, in list order. */
export async function loadOverview(store: CrawlStore): Promise<{ overview: Overview; sites: SiteRow[] }> {
  const aggregate = new OverviewAggregate();
  // A persistent crawl's figures are its visitor's: the second visitor's pages only check constants.
  const config = await readMeta(store, "config");
  const persistent = config?.profile === "persistent";
  const variant = persistent ? null : undefined;
  for await (const s of siteSummaries(store)) aggregate.addSite(s);
  for await (const p of sensitivePages(store, variant)) aggregate.addSensitivePage(p);
  for await (const f of dataFindings(store, variant)) aggregate.addFinding(f);
  // A second pass, rather than every sensitive page's text held while the findings stream past.
  for await (const p of sensitivePages(store, variant)) aggregate.addTrackedSensitivePage(p);
  for await (const c of consentRecords(store)) aggregate.addConsent(c.siteId, c.record);
  for await (const p of refusingPages(store, variant)) aggregate.addRefusingPage(p);
  for await (const s of idSyncs(store, variant)) aggregate.addSync(s);
  for await (const f of cloakedFindings(store)) aggregate.addCloaking(f);
  const result = aggregate.result(await crawlInfo(store));
  if (persistent && config) {
    const profiles = profilesSummary(await readProfiles(store), config, result.sites.length);
    result.overview.profiles = profiles;
    result.overview.keyFindings = [...profileFindings(profiles), ...(result.overview.keyFindings ?? [])];
  }
  return result;
}

/** One site's pages, who learned what on each, with evidence. Null when the crawl has no such site. */
export async function loadSiteDetail(
  store: CrawlStore,
  siteName: string,
  row: SiteRow,
  options: DetailOptions,
): Promise<SiteDetail | null> {
  const rows = await siteDetailRows(store, siteName, options.evidencePerFinding);
  return rows ? siteDetailFrom(rows, row, options) : null;
}

/** How interesting a site's details are to a reader: leaks, then tracked sensitive pages, then reach. */
function detailPriority(row: SiteRow): number {
  return (
    (row.leaks > 0 ? 4_000_000 : 0) +
    (row.categories.length > 0 && row.companies.length > 0 ? 2_000_000 : 0) +
    (row.beforeConsent > 0 ? 1_000_000 : 0) +
    row.companies.length
  );
}

export interface ReportOptions {
  /** Bytes of site details the report may embed; the most telling sites come first. */
  detailBudget: number;
}

export const DEFAULT_REPORT_OPTIONS: ReportOptions = { detailBudget: 12 * 1024 * 1024 };

/** Everything a self-contained report embeds, within its size budget. */
export async function loadReportData(
  store: CrawlStore,
  options: ReportOptions = DEFAULT_REPORT_OPTIONS,
): Promise<ReportData> {
  const { overview, sites } = await loadOverview(store);
  const details: Record<string, SiteDetail> = {};
  let used = 0;
  const candidates = sites
    .map((row, position) => ({ row, position }))
    .filter(({ row }) => row.pages > 0)
    .sort((a, b) => detailPriority(b.row) - detailPriority(a.row) || a.position - b.position);
  for (const { row } of candidates) {
    const detail = await loadSiteDetail(store, row.site, row, REPORT_DETAIL);
    if (!detail) continue;
    const size = JSON.stringify(detail).length;
    if (used + size > options.detailBudget) break;
    used += size;
    details[row.site] = detail;
  }
  return { overview, sites, details };
}

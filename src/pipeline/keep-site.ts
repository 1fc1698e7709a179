/**
 * What becomes of a site the crawler finished: analysed (a pure function of its capture, so the
 * findings table fills as the crawl goes and `earshot analyze` can redo it), its evidence files
 * kept, and written in one transaction.
 */
import { analyseSite } from "../analyze/analyze-page.ts";
import type { TrackerDb } from "../attribute/tracker-db.ts";
import type { Identity, ScreenshotMode, SiteResult, SiteRow } from "../capture/types.ts";
import type { SiteSource } from "../crawl/crawler.ts";
import type { CrawlStore } from "../store/crawl-store.ts";
import type { SqlTransaction } from "../store/sql.ts";
import { writeEvidence } from "./evidence-files.ts";

export interface KeepOptions {
  /** A user-supplied tracker database (null: the built-in one). */
  trackerDb: TrackerDb | null;
  /** The synthetic identity searched for in every request. */
  identity: Identity;
  /** Where evidence files go (the crawl's directory); null keeps none (a PostgreSQL crawl). */
  evidenceDir: string | null;
  screenshots: ScreenshotMode;
}

/** Analyses a finished site, writes its evidence files and stores it; `alsoInTransaction` as for `writeSite`. */
export async function keepSite(
  store: CrawlStore,
  row: SiteRow,
  result: SiteResult,
  options: KeepOptions,
  alsoInTransaction?: (tx: SqlTransaction) => Promise<void>,
): Promise<void> {
  const analysis = analyseSite(result, { trackerDb: options.trackerDb, identity: options.identity });
  writeEvidence(options.evidenceDir, row.site, result.pages, analysis, options.screenshots);
  await store.writeSite(row.id, result, analysis, alsoInTransaction);
}

/** The crawl's own pending sites, in list order, each kept as it finishes. */
export async function pendingSites(
  store: CrawlStore,
  retryFailed: boolean,
  options: KeepOptions,
): Promise<SiteSource> {
  const queue = await store.sitesToCrawl({ retryFailed });
  return {
    next: async () => queue.shift() ?? null,
    started: (row) => store.markRunning(row.id),
    finish: (row, result) => keepSite(store, row, result, options),
    release: (row) => store.markPending(row.id),
  };
}

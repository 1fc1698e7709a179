/**
 * A fleet worker: takes sites from the crawl's queue in PostgreSQL, crawls them with the options the
 * crawl was created with, and records each site together with its job's completion. Any number run
 * on any number of machines (`earshot worker --db …`); each stops when the queue is empty.
 */
import { registrableDomain } from "../attribute/party.ts";
import type { SiteResult } from "../capture/types.ts";
import { findChromium } from "../crawl/browser.ts";
import type { CnameResolver } from "../crawl/cname.ts";
import type { CrawlOptions } from "../crawl/config.ts";
import { type CrawlOutcome, runCrawl, type SiteSource } from "../crawl/crawler.ts";
import { DEFAULT_IDENTITY } from "../crawl/identity.ts";
import { Progress } from "../crawl/progress.ts";
import type { SandboxPlan } from "../crawl/sandbox.ts";
import { type CrawlSettings, settingsFromRecord, siteDeadlineSec } from "../crawl/settings.ts";
import { type KeepOptions, keepSite } from "../pipeline/keep-site.ts";
import { CrawlStore, type SiteRow } from "../store/crawl-store.ts";
import { queueSites, retryFailedSites } from "../store/fleet/fleet-sites.ts";
import { HostLimiter } from "../store/fleet/host-limiter.ts";
import { Outage } from "../store/fleet/outage.ts";
import { CrawlQueue, LateResultError, type SiteJob } from "../store/fleet/queue.ts";
import { readMeta } from "../store/meta.ts";
import type { SqlTransaction } from "../store/sql.ts";
import { trackerDbFor } from "../store/tracker-db-choice.ts";

const POLL_MS = 1000;
/** How often a worker checks that the queue holds enough waiting jobs. */
const TOP_UP_MS = 5000;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function readConfig(store: CrawlStore): Promise<CrawlSettings> {
  const config = await readMeta(store, "config");
  if (!config) throw new Error(`${store.path} has no crawl options recorded`);
  return settingsFromRecord(config);
}

/** Jobs kept waiting in the queue; the rest of the crawl waits in the sites table. */
export const QUEUE_WINDOW = 2000;

function jobOptions(config: CrawlSettings): { expireInSeconds: number; retryLimit: number } {
  return {
    expireInSeconds: config.jobTimeoutSec ?? siteDeadlineSec(config) + 60,
    retryLimit: Math.max(0, (config.maxAttempts ?? 3) - 1),
  };
}

/**
 * Tops the queue up to `QUEUE_WINDOW` waiting jobs from the crawl's pending sites, in list order.
 * The sites are flagged `queued` in the same transaction as their jobs are inserted, under a lock,
 * so two workers topping up at once never enqueue a site twice. Returns how many were added.
 */
export function topUpQueue(store: CrawlStore, queue: CrawlQueue, config: CrawlSettings): Promise<number> {
  return queueSites(
    store,
    async (executor) => {
      const waiting = await queue.queuedCount(executor);
      return waiting >= QUEUE_WINDOW / 2 ? 0 : QUEUE_WINDOW - waiting;
    },
    (sites, executor) =>
      queue.enqueue(
        sites.map((s) => ({ siteId: s.id, site: s.site })),
        jobOptions(config),
        executor,
      ),
  );
}

/**
 * Prepares a fleet crawl's queue: failed sites back to pending when asked, then the first window of
 * jobs. Returns the number of sites still to crawl.
 */
export async function enqueueSites(
  store: CrawlStore,
  config: CrawlSettings,
  retryFailed: boolean,
): Promise<number> {
  if (!store.postgres) throw new Error("a queue needs a PostgreSQL crawl");
  if (retryFailed) await retryFailedSites(store);
  const queue = await CrawlQueue.open(store.postgres.url, store.postgres.id, { supervise: false });
  try {
    await topUpQueue(store, queue, config);
  } finally {
    await queue.stop();
  }
  return (await store.counts()).pending;
}

export interface WorkerOptions {
  /** Sites in flight at once on this machine (default: the crawl's). */
  concurrency: number | null;
  quiet: boolean;
  /** The browser to use (default: found on this machine). */
  executable?: string;
  /** Chromium's sandbox and the account it runs as (default: `sandboxPlan(false)`). */
  sandbox?: SandboxPlan;
  /** Resolves first-party hosts' CNAME chains on this machine (null: none are resolved). */
  cnames?: CnameResolver | null;
}

export async function runWorker(
  url: string,
  crawlId: number | null,
  options: WorkerOptions,
  signal: AbortSignal,
): Promise<CrawlOutcome & { crawlId: number }> {
  const store = await CrawlStore.openPostgres(url, { crawlId, connections: (options.concurrency ?? 4) + 4 });
  const id = store.postgres?.id as number;
  const config = await readConfig(store);
  const identity = await readMeta(store, "identity");
  // A fleet crawl keeps no evidence files: there is no crawl directory on every worker's machine.
  const crawlOptions: CrawlOptions = {
    settings: { ...config, concurrency: options.concurrency ?? config.concurrency, screenshots: "none" },
    runtime: {
      executable: options.executable ?? findChromium(),
      identity: identity ?? DEFAULT_IDENTITY,
      sandbox: options.sandbox,
      cnames: options.cnames ?? null,
    },
  };
  const keep: KeepOptions = {
    trackerDb: await trackerDbFor(store, undefined),
    identity: crawlOptions.runtime.identity,
    evidenceDir: null,
    screenshots: "none",
  };
  const outage = new Outage({ say: (line) => process.stderr.write(`earshot: ${line}\n`) });
  if (config.pagesPerMinute) {
    const interval = 60_000 / config.pagesPerMinute;
    crawlOptions.runtime.beforePage = async () => {
      const at = await outage.retry(() => store.reservePageSlot(interval));
      const wait = at - Date.now();
      if (wait > 0) await sleep(wait);
    };
  }
  const queue = await CrawlQueue.open(url, id, { supervise: true, maintenanceSeconds: 5 });
  const hosts = await HostLimiter.connect(url, config.perHost ?? 1);
  const source = new QueueSource(store, queue, hosts, config, keep, signal, outage);
  const counts = await store.counts();
  const mode = options.quiet ? "quiet" : process.stderr.isTTY ? "tty" : "lines";
  const progress = new Progress(counts.pending, process.stderr, mode);
  if (!options.quiet) {
    process.stderr.write(
      `earshot: worker on crawl ${id} (${counts.pending} sites to go), concurrency ${crawlOptions.settings.concurrency}\n`,
    );
  }
  try {
    const outcome = await runCrawl(source, crawlOptions, progress, signal);
    return { ...outcome, crawlId: id };
  } finally {
    await queue.stop().catch(() => {});
    await hosts.close();
    await store.close();
  }
}

/**
 * The sites of a fleet crawl as this worker takes them: claimed from the shared queue (topped up
 * from the sites table), within the per-host limit, each kept with its job's completion in one
 * transaction.
 */
class QueueSource implements SiteSource {
  private readonly jobs = new Map<number, SiteJob>();
  private readonly maxAttempts: number;
  private lastTopUp = 0;

  constructor(
    private readonly store: CrawlStore,
    private readonly queue: CrawlQueue,
    private readonly hosts: HostLimiter,
    private readonly config: CrawlSettings,
    private readonly keep: KeepOptions,
    private readonly signal: AbortSignal,
    private readonly outage: Outage,
  ) {
    this.maxAttempts = config.maxAttempts ?? 3;
  }

  // Every step waits out a database restart (see store/fleet/outage.ts) instead of failing the crawl.
  next(): Promise<SiteRow | null> {
    return this.outage.retry(() => this.nextNow());
  }

  started(row: SiteRow): Promise<void> {
    return this.outage.retry(() => this.store.markRunning(row.id));
  }

  finish(row: SiteRow, result: SiteResult): Promise<void> {
    return this.outage.retry(() => this.finishNow(row, result));
  }

  release(row: SiteRow): Promise<void> {
    return this.outage.retry(() => this.releaseNow(row));
  }

  private async nextNow(): Promise<SiteRow | null> {
    for (;;) {
      if (this.signal.aborted) return null;
      if (Date.now() - this.lastTopUp > TOP_UP_MS) {
        this.lastTopUp = Date.now();
        await topUpQueue(this.store, this.queue, this.config);
      }
      const job = await this.queue.claim();
      if (!job) {
        if ((await topUpQueue(this.store, this.queue, this.config)) > 0) continue;
        const counts = await this.queue.counts();
        if (counts.queued + counts.active === 0) return null;
        // Others' sites are in flight; their jobs come back here if those workers die.
        await sleep(POLL_MS);
        continue;
      }
      const row = await this.take(job);
      if (row) return row;
    }
  }

  /** The job's site, if it is this worker's to crawl now. */
  private async take(job: SiteJob): Promise<SiteRow | null> {
    const row = await this.store.siteById(job.data.siteId);
    if (!row || row.status === "ok" || row.status === "failed") {
      await this.queue.complete(job.id);
      return null;
    }
    if (job.retryCount >= this.maxAttempts - 1 && job.retryCount > 0 && row.status === "running") {
      await this.abandon(job, row);
      return null;
    }
    const domain = registrableDomain(row.inputUrl) ?? row.site;
    if (!(await this.hosts.tryAcquire(row.id, domain))) {
      // Enough of this host's sites are in flight elsewhere: back in the queue, a little later.
      await sleep(POLL_MS);
      await this.queue.release(job.id);
      return null;
    }
    this.jobs.set(row.id, job);
    return row;
  }

  /** Taken `maxAttempts` times and never finished: the worker crawling it died each time. */
  private async abandon(job: SiteJob, row: SiteRow): Promise<void> {
    const now = Date.now();
    const attempts = `${job.retryCount} interrupted attempt${job.retryCount === 1 ? "" : "s"}`;
    const result: SiteResult = {
      site: row.site,
      inputUrl: row.inputUrl,
      finalUrl: null,
      status: "failed",
      error: "crash",
      errorDetail: `abandoned after ${attempts}: the worker crawling it stopped each time`,
      pages: [],
      startedAt: now,
      endedAt: now,
    };
    await this.store.writeSite(row.id, result, [], (tx) => this.queue.complete(job.id, tx));
  }

  private async finishNow(row: SiteRow, result: SiteResult): Promise<void> {
    const job = this.jobs.get(row.id);
    const complete = job ? (tx: SqlTransaction) => this.queue.completeTaken(job, tx) : undefined;
    try {
      await keepSite(this.store, row, result, this.keep, complete);
    } catch (error) {
      // The store wraps what failed inside its transaction (StoreWriteError): look at the cause.
      const late = error instanceof LateResultError ? error : (error as { cause?: unknown }).cause;
      if (!(late instanceof LateResultError)) throw error;
      // Another worker has the site now; its result is the one recorded.
      process.stderr.write(`earshot: ${late.message}\n`);
    }
    this.jobs.delete(row.id);
    await this.hosts.release(row.id);
  }

  private async releaseNow(row: SiteRow): Promise<void> {
    const job = this.jobs.get(row.id);
    await this.store.markPending(row.id);
    if (job) await this.queue.release(job.id);
    this.jobs.delete(row.id);
    await this.hosts.release(row.id);
  }
}

/**
 * A fleet worker: takes sites from the crawl's queue in PostgreSQL, crawls them with the options the
 * crawl was created with, and records each site together with its job's completion. Any number run
 * on any number of machines (`earshot worker --db …`); each stops when the queue is empty.
 */
import pg from "pg";
import { registrableDomain } from "../attribute/party.ts";
import type { SiteResult } from "../capture/types.ts";
import { findChromium } from "../crawl/browser.ts";
import { type CrawlConfig, crawlOptionsFromConfig, siteDeadlineSec } from "../crawl/config.ts";
import { type CrawlOutcome, runCrawl, type SiteSource } from "../crawl/crawler.ts";
import { DEFAULT_IDENTITY, type Identity } from "../crawl/identity.ts";
import { Progress } from "../crawl/progress.ts";
import { CrawlStore, type SiteRow } from "../store/crawl-store.ts";
import { trackerDbFor } from "../store/tracker-db-choice.ts";
import { CrawlQueue, type SiteJob } from "./queue.ts";

const POLL_MS = 1000;
/** How often a worker checks that the queue holds enough waiting jobs. */
const TOP_UP_MS = 5000;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function readConfig(store: CrawlStore): Promise<CrawlConfig> {
  const text = await store.getMeta("config");
  if (!text) throw new Error(`${store.path} has no crawl options recorded`);
  return JSON.parse(text) as CrawlConfig;
}

/** Jobs kept waiting in the queue; the rest of the crawl waits in the sites table. */
export const QUEUE_WINDOW = 2000;

function jobOptions(config: CrawlConfig): { expireInSeconds: number; retryLimit: number } {
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
export async function topUpQueue(store: CrawlStore, queue: CrawlQueue, config: CrawlConfig): Promise<number> {
  const crawlId = store.postgres?.id;
  if (crawlId === undefined) throw new Error("a queue needs a PostgreSQL crawl");
  return store.sql.transaction(async (tx) => {
    const executor = tx.executor;
    if (!executor) throw new Error("a queue needs a PostgreSQL crawl");
    await tx.run("SELECT pg_advisory_xact_lock(8410003, ?)", [crawlId]);
    const waiting = await queue.queuedCount(executor);
    if (waiting >= QUEUE_WINDOW / 2) return 0;
    const sites = await tx.all<{ id: number; site: string }>(
      "SELECT id, site FROM sites WHERE queued = 0 AND status IN ('pending', 'running') ORDER BY position LIMIT ?",
      [QUEUE_WINDOW - waiting],
    );
    if (sites.length === 0) return 0;
    await queue.enqueue(
      sites.map((s) => ({ siteId: s.id, site: s.site })),
      jobOptions(config),
      executor,
    );
    for (let i = 0; i < sites.length; i += 1000) {
      const ids = sites.slice(i, i + 1000).map((s) => s.id);
      await tx.run(`UPDATE sites SET queued = 1 WHERE id IN (${ids.map(() => "?").join(", ")})`, ids);
    }
    return sites.length;
  });
}

/**
 * Prepares a fleet crawl's queue: failed sites back to pending when asked, then the first window of
 * jobs. Returns the number of sites still to crawl.
 */
export async function enqueueSites(
  store: CrawlStore,
  config: CrawlConfig,
  retryFailed: boolean,
): Promise<number> {
  if (!store.postgres) throw new Error("a queue needs a PostgreSQL crawl");
  if (retryFailed)
    await store.sql.run("UPDATE sites SET status = 'pending', queued = 0 WHERE status = 'failed'");
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
}

/**
 * At most `perHost` sites of one registrable domain in flight across the fleet, held with
 * PostgreSQL advisory locks on one connection of this worker (released if the worker dies).
 */
class HostLimiter {
  private readonly held = new Map<number, { domain: string; slot: number }>();

  constructor(
    private readonly client: pg.Client,
    private readonly perHost: number,
  ) {}

  private queue: Promise<unknown> = Promise.resolve();

  /** One acquisition at a time: the crawler asks from several coroutines, and the session's locks are re-entrant. */
  tryAcquire(siteId: number, domain: string): Promise<boolean> {
    const attempt = this.queue.then(() => this.acquireNow(siteId, domain));
    this.queue = attempt.catch(() => {});
    return attempt;
  }

  private async acquireNow(siteId: number, domain: string): Promise<boolean> {
    for (let slot = 0; slot < this.perHost; slot++) {
      // Advisory locks are re-entrant within a session: a slot this worker holds is taken.
      if ([...this.held.values()].some((h) => h.domain === domain && h.slot === slot)) continue;
      const { rows } = await this.client.query<{ ok: boolean }>(
        "SELECT pg_try_advisory_lock(hashtext($1), $2) AS ok",
        [`earshot:${domain}`, slot],
      );
      if (rows[0]?.ok) {
        this.held.set(siteId, { domain, slot });
        return true;
      }
    }
    return false;
  }

  async release(siteId: number): Promise<void> {
    const lock = this.held.get(siteId);
    if (!lock) return;
    this.held.delete(siteId);
    await this.client.query("SELECT pg_advisory_unlock(hashtext($1), $2)", [
      `earshot:${lock.domain}`,
      lock.slot,
    ]);
  }
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
  const identity = JSON.parse((await store.getMeta("identity")) ?? "null") as Identity | null;
  const crawlOptions = crawlOptionsFromConfig(config, {
    executable: options.executable ?? findChromium(),
    concurrency: options.concurrency ?? config.concurrency,
    identity: identity ?? DEFAULT_IDENTITY,
    trackerDb: await trackerDbFor(store, undefined),
  });
  if (config.pagesPerMinute) {
    const interval = 60_000 / config.pagesPerMinute;
    crawlOptions.beforePage = async () => {
      const at = await store.reservePageSlot(interval);
      const wait = at - Date.now();
      if (wait > 0) await sleep(wait);
    };
  }
  const queue = await CrawlQueue.open(url, id, { supervise: true, maintenanceSeconds: 5 });
  const lockClient = new pg.Client({ connectionString: url });
  lockClient.on("error", () => {});
  await lockClient.connect();
  const hosts = new HostLimiter(lockClient, config.perHost ?? 1);
  const jobs = new Map<number, SiteJob>();
  const maxAttempts = config.maxAttempts ?? 3;
  let lastTopUp = 0;

  const abandon = async (job: SiteJob, row: SiteRow) => {
    // Taken `maxAttempts` times and never finished: the worker crawling it died each time.
    const now = Date.now();
    const result: SiteResult = {
      site: row.site,
      inputUrl: row.inputUrl,
      finalUrl: null,
      status: "failed",
      error: "crash",
      errorDetail: `abandoned after ${job.retryCount} interrupted attempt${job.retryCount === 1 ? "" : "s"}: the worker crawling it stopped each time`,
      pages: [],
      startedAt: now,
      endedAt: now,
    };
    await store.writeSite(row.id, result, [], (tx) => queue.complete(job.id, tx));
  };

  const source: SiteSource = {
    async next() {
      for (;;) {
        if (signal.aborted) return null;
        if (Date.now() - lastTopUp > TOP_UP_MS) {
          lastTopUp = Date.now();
          await topUpQueue(store, queue, config);
        }
        const job = await queue.claim();
        if (!job) {
          if ((await topUpQueue(store, queue, config)) > 0) continue;
          const counts = await queue.counts();
          if (counts.queued + counts.active === 0) return null;
          // Others' sites are in flight; their jobs come back here if those workers die.
          await sleep(POLL_MS);
          continue;
        }
        const row = await store.siteById(job.data.siteId);
        if (!row || row.status === "ok" || row.status === "failed") {
          await queue.complete(job.id);
          continue;
        }
        if (job.retryCount >= maxAttempts - 1 && job.retryCount > 0 && row.status === "running") {
          await abandon(job, row);
          continue;
        }
        const domain = registrableDomain(row.inputUrl) ?? row.site;
        if (!(await hosts.tryAcquire(row.id, domain))) {
          // Enough of this host's sites are in flight elsewhere: back in the queue, a little later.
          await sleep(POLL_MS);
          await queue.release(job.id);
          continue;
        }
        jobs.set(row.id, job);
        return row;
      }
    },
    async finish(row, result, analysis) {
      const job = jobs.get(row.id);
      jobs.delete(row.id);
      await store.writeSite(row.id, result, analysis, job ? (tx) => queue.complete(job.id, tx) : undefined);
      await hosts.release(row.id);
    },
    async release(row) {
      const job = jobs.get(row.id);
      jobs.delete(row.id);
      await store.markPending(row.id);
      if (job) await queue.release(job.id);
      await hosts.release(row.id);
    },
  };

  const counts = await store.counts();
  const mode = options.quiet ? "quiet" : process.stderr.isTTY ? "tty" : "lines";
  const progress = new Progress(counts.pending, process.stderr, mode);
  if (!options.quiet) {
    process.stderr.write(
      `earshot: worker on crawl ${id} (${counts.pending} sites to go), concurrency ${crawlOptions.concurrency}\n`,
    );
  }
  try {
    const outcome = await runCrawl(store, crawlOptions, progress, signal, source);
    return { ...outcome, crawlId: id };
  } finally {
    await queue.stop().catch(() => {});
    await lockClient.end().catch(() => {});
    await store.close();
  }
}

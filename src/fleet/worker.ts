/**
 * A fleet worker: takes sites from the crawl's queue in PostgreSQL, crawls them with the options the
 * crawl was created with, and records each site together with its job's completion. Any number run
 * on any number of machines (`earshot worker --db …`); each stops when the queue is empty.
 */
import pg from "pg";
import { registrableDomain } from "../attribute/party.ts";
import type { SiteResult } from "../capture/types.ts";
import { trackerDbFor } from "../cli/tracker-db-option.ts";
import { findChromium } from "../crawl/browser.ts";
import { type CrawlConfig, crawlOptionsFromConfig, siteDeadlineSec } from "../crawl/config.ts";
import { type CrawlOutcome, runCrawl, type SiteSource } from "../crawl/crawler.ts";
import { DEFAULT_IDENTITY, type Identity } from "../crawl/identity.ts";
import { Progress } from "../crawl/progress.ts";
import { CrawlStore, type SiteRow } from "../store/crawl-store.ts";
import { CrawlQueue, type SiteJob } from "./queue.ts";

const POLL_MS = 1000;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function readConfig(store: CrawlStore): Promise<CrawlConfig> {
  const text = await store.getMeta("config");
  if (!text) throw new Error(`${store.path} has no crawl options recorded`);
  return JSON.parse(text) as CrawlConfig;
}

/**
 * Enqueues a job for every site of the crawl still to do that has none waiting or in flight
 * (so rerunning the crawl command never doubles a job). Returns how many were enqueued.
 */
export async function enqueueSites(
  store: CrawlStore,
  config: CrawlConfig,
  retryFailed: boolean,
): Promise<number> {
  if (!store.postgres) throw new Error("a queue needs a PostgreSQL crawl");
  const queue = await CrawlQueue.open(store.postgres.url, store.postgres.id, { supervise: false });
  try {
    const live = await queue.liveSiteIds(queue.executor());
    const todo = (await store.sitesToCrawl({ retryFailed })).filter((s) => !live.has(s.id));
    if (retryFailed) {
      for (const s of todo) if (s.status === "failed") await store.markPending(s.id);
    }
    return await queue.enqueue(
      todo.map((s) => ({ siteId: s.id, site: s.site })),
      {
        expireInSeconds: config.jobTimeoutSec ?? siteDeadlineSec(config) + 60,
        retryLimit: Math.max(0, (config.maxAttempts ?? 3) - 1),
      },
    );
  } finally {
    await queue.stop();
  }
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

  async tryAcquire(siteId: number, domain: string): Promise<boolean> {
    for (let slot = 0; slot < this.perHost; slot++) {
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

  const abandon = async (job: SiteJob, row: SiteRow) => {
    // Taken `maxAttempts` times and never finished: the worker crawling it died each time.
    const now = Date.now();
    const result: SiteResult = {
      site: row.site,
      inputUrl: row.inputUrl,
      finalUrl: null,
      status: "failed",
      error: "crash",
      errorDetail: `abandoned after ${job.retryCount} attempts: the worker crawling it stopped each time`,
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
        const job = await queue.claim();
        if (!job) {
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

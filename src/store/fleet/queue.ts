/**
 * The crawl's job queue: one pg-boss queue per crawl, in the same PostgreSQL database as the crawl
 * (schema `earshot_queue`). One job per site. A job is completed in the same transaction that
 * writes its site, so a worker killed at any instant leaves either both or neither: the job expires
 * and another worker crawls the site again, and the site is never lost or recorded twice.
 */
import PgBoss from "pg-boss";
import type { SqlExecutor, SqlTransaction } from "../sql.ts";

export const QUEUE_SCHEMA = "earshot_queue";

export interface SiteJobData {
  siteId: number;
  site: string;
}

export interface SiteJob {
  id: string;
  data: SiteJobData;
  /** How many times the job was taken before (by workers that died or gave it back). */
  retryCount: number;
  retryLimit: number;
}

export interface QueueCounts {
  queued: number;
  active: number;
  completed: number;
  failed: number;
}

export interface QueueOptions {
  /** Run pg-boss's maintenance (expiring jobs of dead workers) from this process. */
  supervise: boolean;
  /** How often maintenance runs, in seconds (it runs once per interval across the fleet). */
  maintenanceSeconds?: number;
}

/** A result that came after its job was taken by another worker: refused, not recorded. */
export class LateResultError extends Error {
  constructor(readonly site: string) {
    super(
      `${site}: result refused: the site's job expired and another worker took it while this one was stopped`,
    );
  }
}

export function queueName(crawlId: number): string {
  return `earshot-crawl-${crawlId}`;
}

export class CrawlQueue {
  private constructor(
    private readonly boss: PgBoss,
    readonly name: string,
  ) {}

  static async open(url: string, crawlId: number, options: QueueOptions): Promise<CrawlQueue> {
    const boss = new PgBoss({
      connectionString: url,
      schema: QUEUE_SCHEMA,
      max: 3,
      supervise: options.supervise,
      maintenanceIntervalSeconds: options.maintenanceSeconds ?? 10,
      schedule: false,
      // Finished jobs leave the queue table after a day; the crawl's own tables are the record.
      archiveCompletedAfterSeconds: 24 * 3600,
    });
    // Errors of pg-boss's background maintenance (a dropped connection) are retried by it.
    boss.on("error", () => {});
    await boss.start();
    const name = queueName(crawlId);
    if (!(await boss.getQueue(name))) {
      await boss.createQueue(name, { name, policy: "standard" }).catch(async (error: unknown) => {
        // Another machine created it at the same moment.
        if (!(await boss.getQueue(name))) throw error;
      });
    }
    return new CrawlQueue(boss, name);
  }

  /**
   * Adds one job per site. `expireInSeconds`: how long a worker may hold a site before it is
   * presumed dead; `retryLimit`: how many times a site may be taken again after that.
   */
  async enqueue(
    sites: SiteJobData[],
    job: { expireInSeconds: number; retryLimit: number },
    db: SqlExecutor | null = null,
  ): Promise<number> {
    const BATCH = 5000;
    for (let i = 0; i < sites.length; i += BATCH) {
      await this.boss.insert(
        sites.slice(i, i + BATCH).map((data) => ({
          name: this.name,
          data,
          expireInSeconds: job.expireInSeconds,
          retryLimit: job.retryLimit,
          retryDelay: 0,
        })),
        db ? { db } : {},
      );
    }
    return sites.length;
  }

  /** Jobs waiting (not yet taken), read inside `db` (a transaction) or on pg-boss's own pool. */
  async queuedCount(db: SqlExecutor = this.executor()): Promise<number> {
    const { rows } = await db.executeSql(
      `SELECT COUNT(*)::int AS n FROM ${QUEUE_SCHEMA}.job WHERE name = $1 AND state < 'active'`,
      [this.name],
    );
    return Number((rows[0] as { n: number } | undefined)?.n ?? 0);
  }

  /** Takes the next job, if any. */
  async claim(): Promise<SiteJob | null> {
    const [job] = await this.boss.fetch<SiteJobData>(this.name, { batchSize: 1, includeMetadata: true });
    if (!job) return null;
    return { id: job.id, data: job.data, retryCount: job.retryCount, retryLimit: job.retryLimit };
  }

  /** Completes a job, inside the transaction that records its site when one is given. */
  async complete(jobId: string, tx: SqlTransaction | null = null): Promise<void> {
    await this.boss.complete(this.name, jobId, {}, tx?.executor ? { db: tx.executor } : {});
  }

  /**
   * Completes a job this worker took, in the transaction that records its site, only if the job is
   * still this worker's: active and not taken again since (each taking of a job that had started
   * raises its retry count). A worker that was frozen past the job's timeout finds its site taken by
   * another, and its late result is refused (the transaction rolls back) instead of written twice.
   */
  async completeTaken(job: SiteJob, tx: SqlTransaction): Promise<void> {
    if (!tx.executor) throw new Error("a fleet's sites are recorded in PostgreSQL transactions");
    const { rows } = await tx.executor.executeSql(
      `UPDATE ${QUEUE_SCHEMA}.job SET state = 'completed', completed_on = now()
       WHERE name = $1 AND id = $2 AND state = 'active' AND retry_count = $3 RETURNING id`,
      [this.name, job.id, job.retryCount],
    );
    if (rows.length === 0) throw new LateResultError(job.data.site);
  }

  /** Gives a job back untouched (the worker is stopping, or the site's host is busy): waiting again. */
  async release(jobId: string): Promise<void> {
    // Straight back to waiting, as if never taken: a job given back is not a failed attempt.
    await this.executor().executeSql(
      `UPDATE ${QUEUE_SCHEMA}.job SET state = 'created', started_on = NULL WHERE name = $1 AND id = $2 AND state = 'active'`,
      [this.name, jobId],
    );
  }

  async counts(): Promise<QueueCounts> {
    const db = this.boss.getDb();
    const { rows } = (await db.executeSql(
      `SELECT state, COUNT(*)::int AS n FROM ${QUEUE_SCHEMA}.job WHERE name = $1 GROUP BY state`,
      [this.name],
    )) as { rows: Array<{ state: string; n: number }> };
    const by = (states: string[]) =>
      rows.filter((r) => states.includes(r.state)).reduce((a, r) => a + r.n, 0);
    return {
      queued: by(["created", "retry"]),
      active: by(["active"]),
      completed: by(["completed"]),
      failed: by(["failed", "cancelled"]),
    };
  }

  executor(): SqlExecutor {
    return this.boss.getDb() as SqlExecutor;
  }

  async stop(): Promise<void> {
    await this.boss.stop({ graceful: false, close: true, wait: true });
  }
}

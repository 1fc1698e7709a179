/**
 * The store's side of a fleet crawl (PostgreSQL): which sites go into the shared job queue, under a
 * lock every worker takes, and which crawls a database holds. The queue itself is `src/fleet/`.
 */
import type { CrawlStore } from "../crawl-store.ts";
import { PostgresSql, type SqlExecutor } from "../sql.ts";

/**
 * Takes up to `room(executor)` sites not yet queued (pending or running, in list order), hands them
 * to `enqueue` and flags them `queued`, all in one transaction under the crawl's advisory lock, so
 * two workers topping up at once never enqueue a site twice. Returns how many were queued.
 */
export async function queueSites(
  store: CrawlStore,
  room: (executor: SqlExecutor) => Promise<number>,
  enqueue: (sites: Array<{ id: number; site: string }>, executor: SqlExecutor) => Promise<unknown>,
): Promise<number> {
  const crawlId = store.postgres?.id;
  if (crawlId === undefined) throw new Error("a queue needs a PostgreSQL crawl");
  return store.sql.transaction(async (tx) => {
    const executor = tx.executor;
    if (!executor) throw new Error("a queue needs a PostgreSQL crawl");
    await tx.run("SELECT pg_advisory_xact_lock(8410003, ?)", [crawlId]);
    const limit = await room(executor);
    if (limit <= 0) return 0;
    const sites = await tx.all<{ id: number; site: string }>(
      "SELECT id, site FROM sites WHERE queued = 0 AND status IN ('pending', 'running') ORDER BY position LIMIT ?",
      [limit],
    );
    if (sites.length === 0) return 0;
    await enqueue(sites, executor);
    for (let i = 0; i < sites.length; i += 1000) {
      const ids = sites.slice(i, i + 1000).map((s) => s.id);
      await tx.run(`UPDATE sites SET queued = 1 WHERE id IN (${ids.map(() => "?").join(", ")})`, ids);
    }
    return sites.length;
  });
}

/** Failed sites back to pending and out of the queue's books, to be crawled again. */
export async function retryFailedSites(store: CrawlStore): Promise<void> {
  await store.sql.run("UPDATE sites SET status = 'pending', queued = 0 WHERE status = 'failed'");
}

/** The ids of the crawls a PostgreSQL database holds. */
export async function crawlIdsIn(url: string): Promise<number[]> {
  const admin = new PostgresSql(url, null, 1);
  try {
    return (await admin.all<{ id: number }>("SELECT id FROM earshot_crawls ORDER BY id")).map((r) => r.id);
  } finally {
    await admin.close();
  }
}

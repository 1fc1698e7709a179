import { parseArgs } from "node:util";
import { crawlIdsIn } from "../store/fleet/fleet-sites.ts";
import { CrawlQueue } from "../store/fleet/queue.ts";
import { sitesFinishedSince } from "../store/reads/report-reads.ts";
import { openCrawl } from "./export-command.ts";
import { UsageError } from "./usage.ts";

/** `earshot status --db postgres://… [--crawl ID] [--json]`, or `earshot status DIR`: a crawl's progress. */
export async function statusCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { db: { type: "string" }, crawl: { type: "string" }, json: { type: "boolean" } },
  });
  const target = values.db ?? positionals[0];
  if (!target || positionals.length > (values.db ? 0 : 1))
    throw new UsageError("usage: earshot status --db postgres://… [--crawl ID] | earshot status DIR");
  const store = await openCrawl(target, values.crawl);
  try {
    const counts = await store.counts();
    const running = counts.running;
    const since = Date.now() - 5 * 60_000;
    const recent = await sitesFinishedSince(store, since);
    const perMinute = recent / 5;
    let queue = null;
    let crawls: number[] = [];
    if (store.postgres) {
      const q = await CrawlQueue.open(store.postgres.url, store.postgres.id, { supervise: false });
      try {
        queue = await q.counts();
      } finally {
        await q.stop();
      }
      crawls = await crawlIdsIn(store.postgres.url);
    }
    const status = {
      crawl: store.postgres?.id ?? null,
      where: store.path,
      sites: {
        total: counts.total,
        ok: counts.ok,
        failed: counts.failed,
        inFlight: running,
        toGo: counts.pending - running,
      },
      pages: counts.pages,
      requests: counts.requests,
      queue,
      sitesPerMinute: perMinute,
      etaMinutes: perMinute > 0 ? Math.ceil(counts.pending / perMinute) : null,
      crawls,
    };
    if (values.json) {
      process.stdout.write(`${JSON.stringify(status)}\n`);
      return 0;
    }
    const lines = [
      `${status.crawl ? `crawl ${status.crawl} in ` : ""}${status.where}`,
      `sites: ${counts.total} total, ${counts.ok} ok, ${counts.failed} failed, ${running} in flight, ${status.sites.toGo} to go`,
      `pages: ${counts.pages}; requests: ${counts.requests}`,
    ];
    if (queue) {
      lines.push(
        `queue: ${queue.queued} waiting, ${queue.active} taken by workers, ${queue.completed} completed, ${queue.failed} failed`,
      );
    }
    lines.push(
      `rate: ${perMinute.toFixed(1)} sites/min over the last 5 minutes` +
        (status.etaMinutes !== null
          ? `; about ${status.etaMinutes} min to go`
          : counts.pending > 0
            ? "; no site finished lately"
            : "; finished"),
    );
    if (crawls.length > 1) lines.push(`crawls in this database: ${crawls.join(", ")} (--crawl ID)`);
    process.stdout.write(`${lines.join("\n")}\n`);
    return 0;
  } finally {
    await store.close();
  }
}

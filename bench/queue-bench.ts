/**
 * `npm run bench:queue -- [--jobs 1000000] [--workers 8] [--seconds 30] [--crawl-sites 30]`
 *
 * 1. Enqueues N site jobs into a fresh PostgreSQL database (pg-boss, as `crawl --db --enqueue-only`
 *    does) and measures how fast they go in.
 * 2. Measures claim + complete throughput with empty crawls: W concurrent loops, each taking one job
 *    and completing it in a transaction that also updates the site row, as a worker does.
 * 3. Crawls a small fixture web into PostgreSQL with a real worker and reports the database size per
 *    crawled site.
 * Prints the figures; asserts nothing.
 */
import { execFile } from "node:child_process";
import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs, promisify } from "node:util";
import pg from "pg";
import { readSettings } from "../src/crawl/settings.ts";
import { demoSiteList, demoSites } from "../src/fixture-web/demo-web.ts";
import { generatedSiteList, generatedSites } from "../src/fixture-web/generated-web.ts";
import { FixtureWeb } from "../src/fixture-web/server.ts";
import { enqueueSites, topUpQueue } from "../src/fleet/worker.ts";
import { CrawlStore } from "../src/store/crawl-store.ts";
import { CrawlQueue } from "../src/store/fleet/queue.ts";

const { values } = parseArgs({
  options: {
    jobs: { type: "string" },
    workers: { type: "string" },
    seconds: { type: "string" },
    "crawl-sites": { type: "string" },
    admin: { type: "string" },
  },
});
const JOBS = Number(values.jobs ?? "1000000");
const WORKERS = Number(values.workers ?? "8");
const SECONDS = Number(values.seconds ?? "30");
const CRAWL_SITES = Number(values["crawl-sites"] ?? "30");
const ADMIN = values.admin ?? process.env.EARSHOT_TEST_PG ?? "postgres://postgres@127.0.0.1:5432/test";

async function freshDatabase(name: string): Promise<string> {
  const admin = new pg.Client({ connectionString: ADMIN });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(ADMIN);
  url.pathname = `/${name}`;
  return url.toString();
}

async function databaseSize(url: string, schema: string | null): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const { rows } = schema
    ? await client.query<{ n: string }>(
        "SELECT COALESCE(SUM(pg_total_relation_size(c.oid)), 0) AS n FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relkind = 'r'",
        [schema],
      )
    : await client.query<{ n: string }>("SELECT pg_database_size(current_database()) AS n");
  await client.end();
  return Number(rows[0]?.n ?? 0);
}

const mb = (bytes: number) => `${(bytes / 1048576).toFixed(1)} MB`;

// 1. Enqueue.
const queueUrl = await freshDatabase("earshot_bench_queue");
const store = await CrawlStore.openPostgres(queueUrl, { create: true, fingerprint: "bench" });
const crawlId = store.postgres?.id as number;
let t = performance.now();
const BATCH = 20_000;
for (let i = 0; i < JOBS; i += BATCH) {
  const n = Math.min(BATCH, JOBS - i);
  await store.addSites(
    Array.from({ length: n }, (_, k) => ({
      site: `site-${i + k}.bench.test`,
      inputUrl: `https://site-${i + k}.bench.test/`,
      rank: i + k + 1,
    })),
  );
}
const addSeconds = (performance.now() - t) / 1000;
const config = readSettings({ concurrency: "4" }, true);
await store.setMeta("config", JSON.stringify(config));
t = performance.now();
await enqueueSites(store, config, false);
const enqueueSeconds = (performance.now() - t) / 1000;
const queue = await CrawlQueue.open(queueUrl, crawlId, { supervise: false });
console.log(
  `enqueue: ${JOBS} sites added to the crawl in ${addSeconds.toFixed(1)} s (${Math.round(JOBS / addSeconds)} sites/s); ` +
    `first window of ${await queue.queuedCount()} jobs queued in ${enqueueSeconds.toFixed(1)} s; ` +
    `database ${mb(await databaseSize(queueUrl, null))}`,
);

// 2. Claim + complete with empty crawls.
let done = 0;
const stopAt = Date.now() + SECONDS * 1000;
t = performance.now();
await Promise.all(
  Array.from({ length: WORKERS }, async () => {
    while (Date.now() < stopAt) {
      const job = await queue.claim();
      if (!job) {
        // The window is drained: top it up from the sites table, as a worker does.
        if ((await topUpQueue(store, queue, config)) === 0) return;
        continue;
      }
      await store.sql.transaction(async (tx) => {
        await tx.run("UPDATE sites SET status = 'ok', pages = 0, finished_at = ? WHERE id = ?", [
          Date.now(),
          job.data.siteId,
        ]);
        await queue.complete(job.id, tx);
      });
      done++;
    }
  }),
);
const claimSeconds = (performance.now() - t) / 1000;
const perSecond = done / claimSeconds;
console.log(
  `claim+complete: ${done} jobs in ${claimSeconds.toFixed(1)} s with ${WORKERS} loops = ${perSecond.toFixed(0)} jobs/s ` +
    `(a million jobs: ${(JOBS / perSecond / 60).toFixed(0)} min of queue work)`,
);
await queue.stop();
await store.close();

// 3. Database size per crawled site, from a real crawl of the fixture web.
const crawlUrl = await freshDatabase("earshot_bench_crawl");
const web = new FixtureWeb([...demoSites(), ...generatedSites(Math.max(0, CRAWL_SITES - 5))]);
await web.start();
const list = join(tmpdir(), `earshot-bench-sites-${process.pid}.txt`);
writeFileSync(list, [...demoSiteList(), ...generatedSiteList(Math.max(0, CRAWL_SITES - 5))].join("\n"));
t = performance.now();
await promisify(execFile)(
  join(import.meta.dirname, "..", "bin", "earshot"),
  [
    "crawl",
    "--list",
    list,
    "--db",
    crawlUrl,
    "--proxy",
    web.proxyUrl,
    "--ignore-https-errors",
    "--pages-per-site",
    "3",
    "--dwell",
    "1",
    "--concurrency",
    "4",
    "--quiet",
  ],
  { maxBuffer: 16 * 1024 * 1024 },
);
const crawlSeconds = (performance.now() - t) / 1000;
await web.stop();
const crawled = await CrawlStore.openPostgres(crawlUrl, {});
const counts = await crawled.counts();
const bytes = await databaseSize(crawlUrl, crawled.postgres?.schema ?? null);
await crawled.close();
console.log(
  `crawl: ${counts.ok} sites, ${counts.pages} pages, ${counts.requests} requests in ${crawlSeconds.toFixed(0)} s by one worker ` +
    `(concurrency 4, 3 pages/site): ${((counts.pages / crawlSeconds) * 60).toFixed(1)} pages/min; ` +
    `crawl tables ${mb(bytes)} = ${(bytes / 1024 / Math.max(1, counts.ok)).toFixed(0)} KiB per site, ` +
    `${(bytes / 1024 / Math.max(1, counts.pages)).toFixed(0)} KiB per page`,
);

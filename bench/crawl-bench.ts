/**
 * Crawl throughput on a generated local web: pages per minute, CPU seconds per page, database size
 * per page. A script that prints figures, never a test.
 *
 *   npm run bench -- [--sites N] [--concurrency C] [--pages-per-site P] [--dwell SEC]
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import Database from "better-sqlite3";
import { generatedSiteList, generatedSites } from "../src/fixture-web/generated-web.ts";
import { FixtureWeb } from "../src/fixture-web/server.ts";

const { values } = parseArgs({
  options: {
    sites: { type: "string", default: "50" },
    concurrency: { type: "string", default: "4" },
    "pages-per-site": { type: "string", default: "2" },
    dwell: { type: "string", default: "1" },
  },
});
const sites = Number(values.sites);
const root = resolve(import.meta.dirname, "..");
const web = new FixtureWeb(generatedSites(sites));
await web.start();
const work = mkdtempSync(join(tmpdir(), "earshot-bench-"));
const list = join(work, "sites.txt");
writeFileSync(list, generatedSiteList(sites).join("\n"));
const out = join(work, "crawl");

const args = [
  "crawl",
  "--list",
  list,
  "--out",
  out,
  "--proxy",
  web.proxyUrl,
  "--ignore-https-errors",
  "--quiet",
  "--concurrency",
  String(values.concurrency),
  "--pages-per-site",
  String(values["pages-per-site"]),
  "--dwell",
  String(values.dwell),
];
const started = process.hrtime.bigint();
const proxyCpuBefore = process.cpuUsage();
const cpuBefore = await machineCpu();
const code = await new Promise<number | null>((done) => {
  const child = spawn(join(root, "bin", "earshot"), args, { stdio: "inherit" });
  child.on("exit", done);
});
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
const cpu = (await machineCpu()) - cpuBefore;
const proxyCpu = process.cpuUsage(proxyCpuBefore);
await web.stop();

const db = new Database(join(out, "earshot.sqlite"), { readonly: true });
const pages = (db.prepare("SELECT COUNT(*) AS n FROM pages").get() as { n: number }).n;
const requests = (db.prepare("SELECT COUNT(*) AS n FROM requests").get() as { n: number }).n;
const ok = (db.prepare("SELECT COUNT(*) AS n FROM sites WHERE status = 'ok'").get() as { n: number }).n;
db.close();
const bytes = ["earshot.sqlite", "earshot.sqlite-wal"].reduce((sum, f) => {
  try {
    return sum + statSync(join(out, f)).size;
  } catch {
    return sum;
  }
}, 0);
console.log(
  JSON.stringify(
    {
      exitCode: code,
      sites,
      sitesOk: ok,
      concurrency: Number(values.concurrency),
      pagesPerSite: Number(values["pages-per-site"]),
      dwellSec: Number(values.dwell),
      pages,
      requests,
      wallSeconds: Number(seconds.toFixed(1)),
      pagesPerMinute: Number(((pages / seconds) * 60).toFixed(1)),
      machineCpuSecondsPerPage: Number((cpu / pages).toFixed(2)),
      cpuBusyShare: Number((cpu / (seconds * (await import("node:os")).availableParallelism())).toFixed(2)),
      fixtureWebCpuSeconds: Number(((proxyCpu.user + proxyCpu.system) / 1e6).toFixed(1)),
      databaseKiBPerPage: Number((bytes / 1024 / pages).toFixed(1)),
    },
    null,
    2,
  ),
);
rmSync(work, { recursive: true, force: true });

/**
 * Busy CPU seconds of the whole machine (from /proc/stat): the crawl, its browser's many processes
 * (renderers are not all reaped by our process, so per-process accounting undercounts) and the
 * fixture web. Run the benchmark on an otherwise idle machine.
 */
async function machineCpu(): Promise<number> {
  const { readFileSync } = await import("node:fs");
  const fields = (readFileSync("/proc/stat", "utf8").split("\n")[0] ?? "")
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
  const total = fields.reduce((a, b) => a + b, 0);
  return (total - idle) / 100;
}

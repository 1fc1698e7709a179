/**
 * Crawl throughput and memory on a generated local web (sites with 5-15 third-party tags each). A
 * script that prints figures, never a test.
 *
 *   npm run bench -- [--sites 200] [--concurrency 4] [--pages-per-site 1] [--dwell 1]
 *       (a) a bare Playwright loop capturing nothing, (b) `earshot crawl`, (c) `earshot crawl --interact`:
 *       pages/min, machine CPU s/page, peak memory (PSS) of all processes, database per page, b/a
 *   npm run bench -- --peer [--sites 100]                   home pages at tracker-radar-collector's defaults
 *       (dwell 2.5 s, timeout 30 s, 0.8 × cores in parallel): the bare loop and the crawl
 *   npm run bench -- --modes crawl [--sites 80]             only some of the three loops (bare,crawl,interact)
 *   npm run bench -- --sweep 1,2,4,8,12,16 [--sites 40]    the crawl at each concurrency
 *   npm run bench -- --soak 2000                            RSS at each 10% of 2,000 pages, default concurrency;
 *                                                          exits 1 when it keeps growing
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import Database from "better-sqlite3";
import { generatedSiteList, generatedSites } from "../src/fixture-web/generated-web.ts";
import { FixtureWeb } from "../src/fixture-web/server.ts";
import { cpuByKindSampler, machineCpuSeconds, rssSampler, treeRss } from "./process-tree.ts";

const { values } = parseArgs({
  options: {
    sites: { type: "string" },
    concurrency: { type: "string", default: "4" },
    "pages-per-site": { type: "string", default: "1" },
    dwell: { type: "string", default: "1" },
    timeout: { type: "string", default: "30" },
    sweep: { type: "string" },
    soak: { type: "string" },
    /** Which of the three loops to run (all by default): bare,crawl,interact. */
    modes: { type: "string", default: "bare,crawl,interact" },
    /** The bare loop and the crawl at DuckDuckGo's tracker-radar-collector's defaults. */
    peer: { type: "boolean", default: false },
  },
});
if (values.peer) {
  // tracker-radar-collector's defaults (crawler.js, crawlerConductor.js): home pages only, 30 s to
  // load, 2.5 s more on the page, a crawler per 0.8 cores (at least one).
  values["pages-per-site"] = "1";
  values.dwell = "2.5";
  values.timeout = "30";
  values.concurrency = String(Math.max(1, Math.floor(availableParallelism() * 0.8)));
  values.modes = "bare,crawl";
}
const root = resolve(import.meta.dirname, "..");
const pagesPerSite = Number(values["pages-per-site"]);
const soakPages = values.soak ? Number(values.soak) : null;
const sites = Number(
  values.sites ?? (soakPages ? Math.ceil(soakPages / pagesPerSite) : values.sweep ? 40 : 200),
);
const web = new FixtureWeb(generatedSites(sites));
await web.start();
const work = mkdtempSync(join(tmpdir(), "earshot-bench-"));
const list = join(work, "sites.txt");
writeFileSync(list, generatedSiteList(sites).join("\n"));
const MB = 1024 * 1024;

interface Run {
  mode: string;
  concurrency: string;
  pages: number;
  seconds: number;
  pagesPerMinute: number;
  cpuSecondsPerPage: number;
  peakRssMB: number;
  dbKiBPerPage: number | null;
  /** CPU seconds per page by kind of process (node, browser, renderers, ...). */
  cpuPerPageByProcess: Record<string, number>;
}

function start(command: string, args: string[]): { child: ChildProcess; done: Promise<string> } {
  const child = spawn(command, args, { stdio: ["ignore", "pipe", "inherit"] });
  let stdout = "";
  child.stdout?.on("data", (d) => {
    stdout += d;
  });
  const done = new Promise<string>((ok, fail) =>
    child.on("exit", (code) => (code === 0 ? ok(stdout) : fail(new Error(`${command} exited ${code}`)))),
  );
  return { child, done };
}

/** What both the bare loop and the crawl are given: pages per site, dwell, navigation timeout. */
const visitArgs = [
  "--pages-per-site",
  String(pagesPerSite),
  "--dwell",
  String(values.dwell),
  "--timeout",
  String(values.timeout),
];

function crawlArgs(out: string, concurrency: string | null, extra: string[] = []): string[] {
  return [
    "crawl",
    "--list",
    list,
    "--out",
    out,
    "--proxy",
    web.proxyUrl,
    "--ignore-https-errors",
    "--quiet",
    ...(concurrency ? ["--concurrency", concurrency] : []),
    ...visitArgs,
    ...extra,
  ];
}

function dbFigures(out: string): { pages: number; bytes: number } {
  const db = new Database(join(out, "earshot.sqlite"), { readonly: true });
  const pages = (db.prepare("SELECT COUNT(*) AS n FROM pages").get() as { n: number }).n;
  db.close();
  const bytes = ["earshot.sqlite", "earshot.sqlite-wal"].reduce((sum, f) => {
    try {
      return sum + statSync(join(out, f)).size;
    } catch {
      return sum;
    }
  }, 0);
  return { pages, bytes };
}

async function measure(
  mode: string,
  concurrency: string,
  command: string,
  args: string[],
  out: string | null,
) {
  const cpu = machineCpuSeconds();
  const t = performance.now();
  const { child, done } = start(command, args);
  const sampler = rssSampler(child.pid as number);
  const cpuSampler = cpuByKindSampler(child.pid as number);
  const stdout = await done;
  const peak = sampler.stop();
  const byKind = cpuSampler.stop();
  const seconds = (performance.now() - t) / 1000;
  const used = machineCpuSeconds() - cpu;
  const figures = out ? dbFigures(out) : { pages: (JSON.parse(stdout) as { pages: number }).pages, bytes: 0 };
  const run: Run = {
    mode,
    concurrency,
    pages: figures.pages,
    seconds: Number(seconds.toFixed(1)),
    pagesPerMinute: Number(((figures.pages / seconds) * 60).toFixed(1)),
    cpuSecondsPerPage: Number((used / Math.max(1, figures.pages)).toFixed(2)),
    peakRssMB: Math.round(peak / MB),
    dbKiBPerPage: out ? Number((figures.bytes / 1024 / Math.max(1, figures.pages)).toFixed(1)) : null,
    cpuPerPageByProcess: Object.fromEntries(
      Object.entries(byKind)
        .sort((a, b) => b[1] - a[1])
        .map(([kind, s]) => [kind, Number((s / Math.max(1, figures.pages)).toFixed(3))]),
    ),
  };
  console.log(JSON.stringify(run));
  return run;
}

const earshot = join(root, "bin", "earshot");

/** The baseline: the bare Playwright loop over the same sites and settings. */
function measureBare(): Promise<Run> {
  return measure(
    "bare Playwright loop",
    String(values.concurrency),
    process.execPath,
    [
      "--import",
      "tsx",
      join(root, "bench", "bare-loop.ts"),
      "--list",
      list,
      "--proxy",
      web.proxyUrl,
      "--concurrency",
      String(values.concurrency),
      ...visitArgs,
    ],
    null,
  );
}
const concurrency = String(values.concurrency);
try {
  if (soakPages) {
    // Memory soak: the default concurrency (none given), RSS of everything at each tenth of the pages.
    const out = join(work, "soak");
    const { child, done } = start(earshot, crawlArgs(out, null));
    const readings: Array<{ pages: number; rssMB: number }> = [];
    let next = 0.1;
    const timer = setInterval(() => {
      let pages = 0;
      try {
        pages = dbFigures(out).pages;
      } catch {
        return;
      }
      while (pages >= soakPages * next && next <= 1.0001) {
        readings.push({ pages, rssMB: Math.round(treeRss(child.pid as number) / MB) });
        console.log(
          `soak: ${Math.round(next * 100)}% (${pages} pages): memory (PSS) ${readings.at(-1)?.rssMB} MB`,
        );
        next += 0.1;
      }
    }, 2000);
    await done;
    clearInterval(timer);
    // Growing means: each of the last five readings above the one before, and the last 30% above the first.
    const last = readings.slice(-5);
    const growing =
      last.length === 5 &&
      last.every((r, i) => i === 0 || r.rssMB > (last[i - 1]?.rssMB ?? 0)) &&
      (readings.at(-1)?.rssMB ?? 0) > (readings[0]?.rssMB ?? 0) * 1.3;
    console.log(JSON.stringify({ soakPages, readings, growing }));
    if (growing) process.exitCode = 1;
  } else if (values.sweep) {
    const runs: Run[] = [];
    for (const c of values.sweep.split(",")) {
      const out = join(work, `sweep-${c}`);
      runs.push(await measure("crawl", c, earshot, crawlArgs(out, c), out));
    }
    console.log("\nconcurrency  pages/min  CPU s/page  peak PSS MB");
    for (const r of runs)
      console.log(
        `${r.concurrency.padStart(11)}  ${String(r.pagesPerMinute).padStart(9)}  ${String(r.cpuSecondsPerPage).padStart(10)}  ${String(r.peakRssMB).padStart(11)}`,
      );
  } else {
    const modes = new Set(String(values.modes).split(","));
    const runs: Run[] = [];
    if (modes.has("bare")) runs.push(await measureBare());
    if (modes.has("crawl"))
      runs.push(
        await measure(
          "earshot crawl",
          concurrency,
          earshot,
          crawlArgs(join(work, "full"), concurrency),
          join(work, "full"),
        ),
      );
    if (modes.has("interact")) {
      const out = join(work, "interact");
      runs.push(
        await measure(
          "earshot crawl --interact",
          concurrency,
          earshot,
          crawlArgs(out, concurrency, ["--interact"]),
          out,
        ),
      );
    }
    console.log(
      `\n${sites} sites, concurrency ${concurrency}, ${pagesPerSite} page(s) a site, dwell ${values.dwell} s, ${availableParallelism()} cores`,
    );
    for (const r of runs) {
      console.log(
        `${r.mode.padEnd(26)} ${String(r.pagesPerMinute).padStart(6)} pages/min  ${String(r.cpuSecondsPerPage).padStart(5)} CPU s/page  ${String(r.peakRssMB).padStart(5)} MB peak PSS` +
          (r.dbKiBPerPage !== null ? `  ${r.dbKiBPerPage} KiB/page in the database` : ""),
      );
    }
    const bare = runs.find((r) => r.mode === "bare Playwright loop");
    for (const [label, mode] of [
      ["full capture", "earshot crawl"],
      ["with interaction", "earshot crawl --interact"],
    ]) {
      const run = runs.find((r) => r.mode === mode);
      if (bare && run)
        console.log(
          `${label} / bare loop: ${(run.pagesPerMinute / bare.pagesPerMinute).toFixed(2)} of the pages per minute (target ≥ 0.90)`,
        );
    }
  }
} finally {
  await web.stop();
  rmSync(work, { recursive: true, force: true });
}

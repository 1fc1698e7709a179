/**
 * How fast the command line answers, as a ratio to a bare `node -e 0` on the same machine (median
 * of several runs each): `earshot --help` (target ≤ 2×), `earshot decode --url …` (≤ 4×),
 * `earshot export` of a small crawl (≤ 5×). Needs the build (`npm run build`).
 *
 *   npm run bench:cli [-- --runs 9]
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { writeSyntheticCrawl } from "./synthetic-crawl.ts";

const root = join(import.meta.dirname, "..");
const earshot = join(root, "bin", "earshot");
const { values } = parseArgs({ options: { runs: { type: "string" } } });
const runs = Number(values.runs ?? 9);

function median(command: string, args: string[]): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = process.hrtime.bigint();
    const r = spawnSync(command, args, { stdio: ["ignore", "ignore", "pipe"] });
    if (r.status !== 0) throw new Error(`${command} ${args.join(" ")} failed: ${r.stderr.toString().trim()}`);
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] ?? 0;
}

const dir = mkdtempSync(join(tmpdir(), "earshot-cli-bench-"));
try {
  const crawl = join(dir, "crawl");
  await writeSyntheticCrawl(crawl, 20, 5);
  const bare = median(process.execPath, ["-e", "0"]);
  const cases: Array<[string, string[], number]> = [
    ["earshot --help", ["--help"], 2],
    [
      "earshot decode --url …",
      ["decode", "--url", "https://www.facebook.com/tr/?id=1234567890&ev=PageView"],
      4,
    ],
    ["earshot export (20 sites)", ["export", crawl, "--table", "findings"], 5],
  ];
  console.log(`node -e 0: ${bare.toFixed(0)} ms (median of ${runs})`);
  console.log("command                        ms   ratio  target");
  for (const [label, args, target] of cases) {
    const ms = median(earshot, args);
    const ratio = ms / bare;
    console.log(
      `${label.padEnd(28)} ${ms.toFixed(0).padStart(5)}  ${ratio.toFixed(2).padStart(5)}×  ≤ ${target}× ${ratio <= target ? "met" : "NOT met"}`,
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

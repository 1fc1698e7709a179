/**
 * `npm run bench:report -- [--sites 20000] [--dir DIR]`: builds a synthetic crawl (not crawled) and
 * times `earshot report` on it, printing the figures the report issue asks for (time, file size).
 */
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { writeReport } from "../src/cli/report-command.ts";
import { writeSyntheticCrawl } from "./synthetic-crawl.ts";

const { values } = parseArgs({ options: { sites: { type: "string" }, dir: { type: "string" } } });
const sites = Number(values.sites ?? "20000");
const dir = values.dir ?? mkdtempSync(join(tmpdir(), "earshot-report-bench-"));
let t = performance.now();
const written = await writeSyntheticCrawl(dir, sites);
const generated = (performance.now() - t) / 1000;
const dbSize = statSync(join(dir, "earshot.sqlite")).size;
console.log(
  `synthetic crawl: ${written.sites} sites, ${written.pages} pages in ${generated.toFixed(1)} s; database ${(dbSize / 1048576).toFixed(1)} MB`,
);
t = performance.now();
const file = join(dir, "report.html");
const { bytes } = await writeReport(dir, file);
const seconds = (performance.now() - t) / 1000;
console.log(`report: ${file}`);
console.log(`report time: ${seconds.toFixed(1)} s (target < 30 s)`);
console.log(`report size: ${(bytes / 1048576).toFixed(1)} MB (target < 20 MB)`);
console.log(`peak RSS: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
if (!values.dir) rmSync(dir, { recursive: true, force: true });

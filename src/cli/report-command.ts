import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { type CrawlDiff, diffCrawls, diffVariants, loadSiteViews } from "../report/diff.ts";
import { renderReport } from "../report/html-report.ts";
import { DEFAULT_REPORT_OPTIONS, loadReportData } from "../report/model.ts";
import type { CrawlStore } from "../store/crawl-store.ts";
import { openCrawl } from "./export-command.ts";
import { UsageError } from "./usage.ts";

/** `earshot report DIR [-o FILE.html]`: the self-contained HTML report (default DIR/report.html). */
export async function reportCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      o: { type: "string", short: "o" },
      output: { type: "string" },
      "detail-budget-mb": { type: "string" },
      quiet: { type: "boolean", short: "q" },
      crawl: { type: "string" },
      compare: { type: "string" },
      "compare-crawl": { type: "string" },
    },
  });
  const dir = positionals[0];
  if (!dir || positionals.length > 1) throw new UsageError("usage: earshot report DIR [-o FILE.html]");
  let budget = DEFAULT_REPORT_OPTIONS.detailBudget;
  if (values["detail-budget-mb"] !== undefined) {
    const mb = Number(values["detail-budget-mb"]);
    if (!Number.isFinite(mb) || mb < 0)
      throw new UsageError(
        `--detail-budget-mb must be a number of at least 0, not "${values["detail-budget-mb"]}"`,
      );
    budget = mb * 1024 * 1024;
  }
  const target =
    values.o ?? values.output ?? (dir.includes("://") ? "report.html" : join(dir, "report.html"));
  const html = await writeReport(dir, target, budget, values.crawl, values.compare, values["compare-crawl"]);
  if (!values.quiet)
    process.stderr.write(`earshot: wrote ${target} (${(html / 1024 / 1024).toFixed(1)} MB)\n`);
  return 0;
}

/** Writes the report of the crawl at `dir` to `target`; returns its size in bytes. */
export async function writeReport(
  dir: string,
  target: string,
  detailBudget = DEFAULT_REPORT_OPTIONS.detailBudget,
  crawl?: string,
  compare?: string,
  compareCrawl?: string,
): Promise<number> {
  const store = await openCrawl(dir, crawl);
  try {
    const data = await loadReportData(store, { detailBudget });
    data.overview.changes = await changesFor(store, dir, compare, compareCrawl);
    const html = await renderReport(data);
    writeFileSync(target, html);
    return Buffer.byteLength(html);
  } finally {
    await store.close();
  }
}

/** The report's "what changed" section: against `--compare DIR`, or between a comparison crawl's two runs. */
async function changesFor(
  store: CrawlStore,
  dir: string,
  compare: string | undefined,
  compareCrawl: string | undefined,
): Promise<CrawlDiff | null> {
  if (compare !== undefined) {
    const other = await openCrawl(compare, compareCrawl);
    try {
      return diffCrawls(await loadSiteViews(other), await loadSiteViews(store), {
        before: compare,
        after: dir,
      });
    } finally {
      await other.close();
    }
  }
  return diffVariants(store);
}

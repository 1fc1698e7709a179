import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { renderReport } from "../report/html-report.ts";
import { DEFAULT_REPORT_OPTIONS, loadReportData } from "../report/model.ts";
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
  const html = await writeReport(dir, target, budget, values.crawl);
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
): Promise<number> {
  const store = await openCrawl(dir, crawl);
  try {
    const html = await renderReport(await loadReportData(store, { detailBudget }));
    writeFileSync(target, html);
    return Buffer.byteLength(html);
  } finally {
    await store.close();
  }
}

import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { type CrawlDiff, diffCrawls, diffVariants, loadSiteViews } from "../report/diff.ts";
import {
  embedScreenshots,
  evidenceBaseFor,
  linkEvidenceFrom,
  linkedEvidence,
} from "../report/evidence-files.ts";
import { renderReport } from "../report/html-report.ts";
import { DEFAULT_REPORT_OPTIONS, loadReportData } from "../report/model.ts";
import type { CrawlStore } from "../store/crawl-store.ts";
import { openCrawl } from "./export-command.ts";
import { UsageError } from "./usage.ts";

/** A size option in megabytes, as bytes. */
function megabytes(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const mb = Number(value);
  if (!Number.isFinite(mb) || mb < 0)
    throw new UsageError(`--${name} must be a number of at least 0, not "${value}"`);
  return mb * 1024 * 1024;
}

/** `earshot report DIR [-o FILE.html]`: the self-contained HTML report (default DIR/report.html). */
export async function reportCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      o: { type: "string", short: "o" },
      output: { type: "string" },
      "detail-budget-mb": { type: "string" },
      "embed-evidence-mb": { type: "string" },
      quiet: { type: "boolean", short: "q" },
      crawl: { type: "string" },
      compare: { type: "string" },
      "compare-crawl": { type: "string" },
    },
  });
  const dir = positionals[0];
  if (!dir || positionals.length > 1) throw new UsageError("usage: earshot report DIR [-o FILE.html]");
  const budget = megabytes(
    "detail-budget-mb",
    values["detail-budget-mb"],
    DEFAULT_REPORT_OPTIONS.detailBudget,
  );
  const embed = megabytes("embed-evidence-mb", values["embed-evidence-mb"], 0);
  const target =
    values.o ?? values.output ?? (dir.includes("://") ? "report.html" : join(dir, "report.html"));
  const written = await writeReport(
    dir,
    target,
    budget,
    values.crawl,
    values.compare,
    values["compare-crawl"],
    embed,
  );
  if (!values.quiet) {
    process.stderr.write(`earshot: wrote ${target} (${(written.bytes / 1024 / 1024).toFixed(1)} MB)\n`);
    if (written.evidence) process.stderr.write(`earshot: ${written.evidence}\n`);
  }
  return 0;
}

/** One line on where the report's evidence is, so a reader who moves or sends the report keeps it. */
function evidenceLine(
  base: string,
  files: { linked: number; missing: number },
  embedded: { embedded: number; bytes: number; left: number },
): string | null {
  if (files.linked === 0) return null;
  const inside =
    embedded.embedded > 0
      ? ` ${embedded.embedded} screenshot${embedded.embedded === 1 ? "" : "s"} carried inside (${(embedded.bytes / 1024 / 1024).toFixed(1)} MB)${embedded.left > 0 ? `, ${embedded.left} more over the budget` : ""};`
      : "";
  const missing =
    files.missing > 0 ? ` ${files.missing} of them are missing from the crawl's directory;` : "";
  const where = base === "" ? "evidence/ beside it" : `${decodeURIComponent(base)}evidence/`;
  return `the report links ${files.linked} evidence files at ${where};${missing}${inside} to send the report on with its screenshots, copy that folder beside it or add --embed-evidence-mb N`;
}

/**
 * Writes the report of the crawl at `dir` to `target`, its evidence linked from where it is written
 * and, within `embedBudget` bytes, carried inside; returns its size and a line on its evidence.
 */
export async function writeReport(
  dir: string,
  target: string,
  detailBudget = DEFAULT_REPORT_OPTIONS.detailBudget,
  crawl?: string,
  compare?: string,
  compareCrawl?: string,
  embedBudget = 0,
): Promise<{ bytes: number; evidence: string | null }> {
  const store = await openCrawl(dir, crawl);
  try {
    const data = await loadReportData(store, { detailBudget });
    data.overview.changes = await changesFor(store, dir, compare, compareCrawl);
    const local = !dir.includes("://");
    let evidence: string | null = null;
    if (local) {
      const base = evidenceBaseFor(target, dir);
      const embedded = embedScreenshots(data, dir, embedBudget);
      evidence = evidenceLine(base, linkedEvidence(data, dir), embedded);
      linkEvidenceFrom(data, base);
    }
    const html = await renderReport(data);
    writeFileSync(target, html);
    return { bytes: Buffer.byteLength(html), evidence };
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

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { categoryLabel } from "../classify/category-labels.ts";
import type { VisitStep } from "../crawl/visit-site.ts";
import { loadOverview, loadSiteDetail, SERVE_DETAIL } from "../report/model.ts";
import { companyLabel } from "../report/query.ts";
import type { SiteDetail } from "../report/types.ts";
import { CrawlStore } from "../store/crawl-store.ts";
import { clip } from "../util/bound.ts";
import { CRAWL_OPTIONS, type CrawlValues, crawlWith } from "./crawl-command.ts";
import { UsageError } from "./usage.ts";

const PHASES: Record<string, string> = {
  before_consent: "before consent",
  after_consent: "after consent",
  no_consent_prompt: "",
};

/** ANSI styling, or none (not a terminal, NO_COLOR set). */
interface Paint {
  bold(text: string): string;
  company(text: string): string;
  warn(text: string): string;
  dim(text: string): string;
}

function paint(color: boolean): Paint {
  const wrap = (code: string) => (text: string) => (color ? `\u001b[${code}m${text}\u001b[0m` : text);
  return { bold: wrap("1"), company: wrap("1;33"), warn: wrap("35"), dim: wrap("2") };
}

/** Crawled text printed to a terminal: control characters (escape sequences) removed, length bounded. */
function safe(text: string | null | undefined, limit = 200): string {
  return clip(text ?? "", limit) ?? "";
}

/** The audit of one site as terminal text. */
export function formatInspection(detail: SiteDetail, p: Paint): string {
  const lines: string[] = [];
  const row = detail.site;
  lines.push(
    p.bold(`${safe(row.site)}: ${row.pages} page${row.pages === 1 ? "" : "s"} visited, `) +
      p.bold(`${row.companies.length} compan${row.companies.length === 1 ? "y" : "ies"} received data`),
  );
  if (row.status === "failed") lines.push(p.warn(`The site could not be crawled: ${safe(row.error)}`));
  if (row.companies.length)
    lines.push(`Companies: ${row.companies.map((c) => p.company(companyLabel(c))).join(", ")}`);
  if (detail.nature.categories.length)
    lines.push(
      p.warn(
        `What this site is: ${detail.nature.categories.map(categoryLabel).join(", ")} (${safe(detail.nature.evidence, 160)}): every page of it tells a tracker so`,
      ),
    );
  for (const page of detail.pages) {
    lines.push("", p.bold(`${page.depth === 0 ? "Home page" : "Subpage"}: ${safe(page.url, 300)}`));
    if (page.title) lines.push(`  Title: ${safe(page.title)}`);
    if (page.sensitive.length)
      lines.push(
        p.warn(
          `  Sensitive: ${page.sensitive.map(categoryLabel).join(", ")} (${safe(page.sensitiveEvidence, 160)})`,
        ),
      );
    if (page.consent?.prompted)
      lines.push(
        `  Consent banner: ${safe(page.consent.cmp ?? "unknown")}, ${page.consent.action ?? "left alone"}`,
      );
    // A page that did not load (or a home page that was an error or a wall) showed nothing to observe.
    const notLoaded =
      page.status === "failed" || page.status === "crashed" || (page.depth === 0 && row.status === "failed");
    if (notLoaded)
      lines.push(
        p.warn(
          `  Not loaded (${safe(row.error ?? page.status, 40)}): nothing on this page could be observed.`,
        ),
      );
    else if (page.companies.length === 0) lines.push(p.dim("  No company received data from this page."));
    for (const company of page.companies) {
      lines.push(`  ${p.company(companyLabel(company.entity))} learned:`);
      for (const item of company.learned) lines.push(`    - ${safe(item, 300)}`);
      for (const f of company.findings) {
        const parts = [
          f.tracker,
          f.pixelIds.length ? `ID ${f.pixelIds.join(", ")}` : "",
          f.events.length ? `events ${f.events.join(", ")}` : "",
          `${f.requests} request${f.requests === 1 ? "" : "s"}`,
          PHASES[f.phase] ?? f.phase,
        ].filter(Boolean);
        lines.push(p.dim(`      ${safe(parts.join(" · "), 400)}`));
      }
    }
  }
  return `${lines.join("\n")}\n`;
}

const STEP_WORDS: Record<VisitStep["kind"], string> = {
  loading: "loading",
  consent: "reading the page, its consent banner, waiting for late trackers",
  interaction: "scrolling, clicking, filling forms",
  leaving: "leaving (goodbye beacons)",
  analysing: "analysing what was sent",
};

/** Prints each step of the visit as it starts, with the seconds since the inspection began. */
function stepPrinter(startedAt: number, write: (line: string) => void): (step: VisitStep) => void {
  return (step) => {
    const seconds = ((step.at - startedAt) / 1000).toFixed(1).padStart(5);
    const where = step.kind === "loading" ? ` ${safe(step.url, 200)}` : "";
    write(`${seconds} s  ${STEP_WORDS[step.kind]}${where}\n`);
  };
}

/**
 * `earshot inspect URL`: crawls one site as a visitor (interaction on), then says per company what it
 * learned. Crawl options pass through; `--json` prints the site's details as `earshot serve` does.
 */
export async function inspectCommand(argv: string[], signal: AbortSignal): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      ...CRAWL_OPTIONS,
      json: { type: "boolean" },
      passive: { type: "boolean" },
      verbose: { type: "boolean" },
    },
  });
  if (positionals.length !== 1) throw new UsageError("usage: earshot inspect URL [--json] [crawl options]");
  if (values.list) throw new UsageError("inspect takes one URL, not --list (use earshot crawl for lists)");
  const keep = values.out;
  const dir = keep ?? mkdtempSync(join(tmpdir(), "earshot-inspect-"));
  const { json: _json, passive, verbose, ...crawlValues } = values;
  const forwarded: CrawlValues = {
    ...crawlValues,
    out: dir,
    interact: !passive,
    "pages-per-site": values["pages-per-site"] ?? "3",
    quiet: !verbose,
  };
  try {
    const onStep = stepPrinter(Date.now(), (line) => process.stderr.write(line));
    const { exitCode } = await crawlWith(forwarded, [positionals[0] as string], signal, onStep);
    if (exitCode !== 0) return exitCode;
    const store = await CrawlStore.open(dir);
    let detail: SiteDetail | null = null;
    try {
      const { sites } = await loadOverview(store);
      const row = sites[0];
      detail = row ? await loadSiteDetail(store, row.site, row, SERVE_DETAIL) : null;
    } finally {
      await store.close();
    }
    if (!detail) throw new Error("the crawl recorded no site");
    if (values.json) process.stdout.write(`${JSON.stringify(detail, null, 2)}\n`);
    else {
      const color = process.stdout.isTTY === true && !process.env.NO_COLOR;
      process.stdout.write(formatInspection(detail, paint(color || Boolean(process.env.FORCE_COLOR))));
      if (keep) process.stdout.write(`\nThe crawl is in ${keep} (earshot report ${keep}).\n`);
    }
    return detail.site.status === "ok" ? 0 : 1;
  } finally {
    if (!keep) rmSync(dir, { recursive: true, force: true });
  }
}

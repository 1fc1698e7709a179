import { basename } from "node:path";
import { parseArgs } from "node:util";
import { analyseSite } from "../analyze/analyze-page.ts";
import type { AnalysisOptions } from "../analyze/findings.ts";
import { HarError, readHar } from "../capture/har-import.ts";
import { type HarVisit, harVisit } from "../capture/har-visit.ts";
import { DEFAULT_IDENTITY, type Identity, loadIdentity } from "../crawl/identity.ts";
import { CrawlStore } from "../store/crawl-store.ts";
import { appendMeta, type ImportRecord, readMeta, writeMeta } from "../store/meta.ts";
import { loadTrackerDbOption, recordTrackerDb } from "../store/tracker-db-choice.ts";
import { UsageError } from "./usage.ts";
import { TOOL_VERSION } from "./version.ts";

/**
 * `earshot import FILE.har... --out DIR [--site NAME] [--identity FILE] [--tracker-db FILE]`: HAR
 * captures made anywhere (a browser's network panel, WebPageTest, Blacklight, a proxy) become a crawl
 * directory that every other command reads. Each file is one visit of one site, written in one
 * transaction; a second visit of a site joins the first; a bad file is named in one line and the
 * others still import.
 */
export async function importCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      out: { type: "string" },
      site: { type: "string" },
      identity: { type: "string" },
      "tracker-db": { type: "string" },
      quiet: { type: "boolean" },
    },
  });
  if (positionals.length === 0) throw new UsageError("import needs one or more HAR files");
  if (!values.out) throw new UsageError("import needs --out DIR");
  const site = values.site?.trim().toLowerCase() || null;
  if (site !== null && !/^[a-z0-9.-]+$/.test(site))
    throw new UsageError(`--site must be a host name, not "${values.site}"`);
  let identity: Identity = DEFAULT_IDENTITY;
  if (values.identity) {
    try {
      identity = loadIdentity(values.identity);
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
  }
  const trackerDb = loadTrackerDbOption(values["tracker-db"]);
  const store = await CrawlStore.open(values.out);
  const say = (line: string) => {
    if (!values.quiet) process.stderr.write(`${line}\n`);
  };
  try {
    await writeMeta(store, "identity", identity);
    if ((await readMeta(store, "tool_version")) === null)
      await writeMeta(store, "tool_version", TOOL_VERSION);
    if ((await readMeta(store, "created_at")) === null) await writeMeta(store, "created_at", Date.now());
    if (trackerDb && values["tracker-db"]) await recordTrackerDb(store, values["tracker-db"], trackerDb);
    let done = 0;
    for (const file of positionals) {
      const started = Date.now();
      const outcome = await importFile(store, file, site, { identity, trackerDb }).catch((error: unknown) => {
        if (!(error instanceof HarError)) throw error;
        process.stderr.write(`earshot: ${file}: ${error.message}; skipped\n`);
        return null;
      });
      if (!outcome) continue;
      done++;
      if ("earlier" in outcome) {
        say(
          `${basename(file)}: already imported (as ${outcome.earlier.file}, sha256 ${outcome.earlier.sha256.slice(0, 12)}…, site ${outcome.earlier.sites.join(", ")}); skipped`,
        );
        continue;
      }
      await appendMeta(store, "imports", outcome.record);
      for (const line of importSummary(outcome.record, Date.now() - started)) say(line);
    }
    if (done === 0) throw new UsageError("no HAR file could be imported");
    return 0;
  } finally {
    await store.close();
  }
}

/** What the import says of one file: the counts, the site, each page and what a page was inferred from. */
export function importSummary(record: ImportRecord, ms: number): string[] {
  const by = record.creator ? ` (made by ${record.creator.name} ${record.creator.version})`.trimEnd() : "";
  const skipped = Object.entries(record.skipped ?? {});
  const skips = skipped.length
    ? `, ${skipped.reduce((n, [, k]) => n + k, 0)} skipped (${skipped.map(([why, k]) => `${k} ${why}`).join("; ")})`
    : ", none skipped";
  const visit = (record.visit ?? 1) > 1 ? ` (visit ${record.visit})` : "";
  const rate = Math.round(record.requests / Math.max(0.001, ms / 1000));
  return [
    `imported ${record.file}${by}: ${record.pages} pages of site ${record.sites.join(", ")}${visit}, ${record.requests} requests of ${record.entries ?? record.requests} entries${skips}, ${record.frames ?? 0} frame documents kept as frames, ${rate} requests/s`,
    ...(record.pageUrls ?? []).map(
      (p, i) =>
        `  page ${i + 1}: ${p.url}${p.inferredFrom ? ` (no document in the capture: inferred from ${p.inferredFrom})` : ""}`,
    ),
  ];
}

type Outcome = { record: ImportRecord } | { earlier: ImportRecord };

async function importFile(
  store: CrawlStore,
  file: string,
  site: string | null,
  options: AnalysisOptions,
): Promise<Outcome> {
  const har = await readHar(file);
  const earlier = ((await readMeta(store, "imports")) ?? []).find((r) => r.sha256 === har.sha256);
  if (earlier) return { earlier };
  const visit = harVisit(har, site);
  if (visit.site.pages.length === 0) throw new HarError("no request with an http(s) address in it");
  const number = await writeVisit(store, visit, options);
  return {
    record: {
      file: basename(file),
      sha256: har.sha256,
      creator: har.creator,
      pages: visit.site.pages.length,
      requests: visit.notes.imported,
      sites: [visit.site.site],
      at: Date.now(),
      entries: visit.notes.entries,
      skipped: visit.notes.skipped,
      frames: visit.notes.frames,
      pageUrls: visit.notes.pages.slice(0, 200),
      visit: number,
    },
  };
}

/**
 * One visit, analysed as a crawl analyses a site and written in one transaction: the site's first,
 * or another visit joining the pages it already has. Returns which visit of the site it is.
 */
async function writeVisit(store: CrawlStore, visit: HarVisit, options: AnalysisOptions): Promise<number> {
  const result = visit.site;
  await store.addSites([{ site: result.site, inputUrl: result.inputUrl, rank: null, list: "import" }]);
  const row = await store.siteByName(result.site);
  if (!row) throw new Error(`site ${result.site} was not added`);
  const analysis = analyseSite(result, options);
  if (row.status !== "ok") {
    await store.writeSite(row.id, result, analysis);
    return 1;
  }
  // The site is there already (an earlier capture, or a crawl of it): this visit joins it.
  await store.addVisit(row.id, result, analysis);
  const imported = ((await readMeta(store, "imports")) ?? []).filter((r) => r.sites.includes(result.site));
  return Math.max(2, imported.length + 1);
}

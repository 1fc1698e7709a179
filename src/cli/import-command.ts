import { basename } from "node:path";
import { parseArgs } from "node:util";
import { analyseSite } from "../analyze/analyze-page.ts";
import { HarError, harSites, readHar } from "../capture/har.ts";
import type { SiteResult } from "../capture/types.ts";
import { DEFAULT_IDENTITY, type Identity, loadIdentity } from "../crawl/identity.ts";
import type { AnalysisOptions } from "../decode/findings.ts";
import { CrawlStore } from "../store/crawl-store.ts";
import { appendMeta, type ImportRecord, readMeta, writeMeta } from "../store/meta.ts";
import { loadTrackerDbOption, recordTrackerDb } from "../store/tracker-db-choice.ts";
import { UsageError } from "./usage.ts";
import { TOOL_VERSION } from "./version.ts";

/** What one imported file became, as recorded in the crawl's metadata. */
/**
 * `earshot import FILE.har... --out DIR [--site NAME] [--identity FILE] [--tracker-db FILE]`: HAR
 * captures made anywhere (a browser's network panel, WebPageTest, Blacklight) become a crawl directory
 * that every other command reads. Each site is written in one transaction; a bad file is named in one
 * line and the others still import.
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
  try {
    await writeMeta(store, "identity", identity);
    if ((await readMeta(store, "tool_version")) === null)
      await writeMeta(store, "tool_version", TOOL_VERSION);
    if ((await readMeta(store, "created_at")) === null) await writeMeta(store, "created_at", Date.now());
    if (trackerDb && values["tracker-db"]) await recordTrackerDb(store, values["tracker-db"], trackerDb);
    let imported = 0;
    for (const file of positionals) {
      const started = Date.now();
      const record = await importFile(store, file, site, { identity, trackerDb }).catch((error: unknown) => {
        if (!(error instanceof HarError)) throw error;
        process.stderr.write(`earshot: ${file}: ${error.message}; skipped\n`);
        return null;
      });
      if (!record) continue;
      imported++;
      await appendMeta(store, "imports", record);
      if (!values.quiet) {
        const seconds = Math.max(0.001, (Date.now() - started) / 1000);
        const by = record.creator
          ? ` (made by ${record.creator.name} ${record.creator.version})`.trimEnd()
          : "";
        process.stderr.write(
          `imported ${basename(file)}${by}: ${record.pages} pages, ${record.requests} requests, ${record.sites.length} site(s), ${Math.round(record.requests / seconds)} requests/s\n`,
        );
      }
    }
    if (imported === 0) throw new UsageError("no HAR file could be imported");
    return 0;
  } finally {
    await store.close();
  }
}

async function importFile(
  store: CrawlStore,
  file: string,
  site: string | null,
  options: AnalysisOptions,
): Promise<ImportRecord> {
  const har = await readHar(file);
  if (har.dropped > 0)
    process.stderr.write(
      `earshot: ${file}: ${har.dropped} entries beyond the first ${har.entries.length} left out\n`,
    );
  const sites = harSites(har, site);
  if (sites.length === 0) throw new HarError("no page with an http(s) address in it");
  for (const result of sites) await writeImportedSite(store, result, options);
  return {
    file: basename(file),
    sha256: har.sha256,
    creator: har.creator,
    pages: sites.reduce((n, s) => n + s.pages.length, 0),
    requests: sites.reduce((n, s) => n + s.pages.reduce((m, p) => m + p.requests.length, 0), 0),
    sites: sites.map((s) => s.site),
    at: Date.now(),
  };
}

/** One site, analysed as a crawl analyses it and written in one transaction (replacing an earlier import). */
async function writeImportedSite(
  store: CrawlStore,
  result: SiteResult,
  options: AnalysisOptions,
): Promise<void> {
  await store.addSites([{ site: result.site, inputUrl: result.inputUrl, rank: null, list: "import" }]);
  const row = await store.siteByName(result.site);
  if (!row) throw new Error(`site ${result.site} was not added`);
  await store.writeSite(row.id, result, analyseSite(result, options));
}

import { readFileSync } from "node:fs";
import { availableParallelism, freemem } from "node:os";
import { basename, dirname } from "node:path";
import { parseArgs } from "node:util";
import { browserVersion, crawlUserAgent, findChromium } from "../crawl/browser.ts";
import { type CrawlConfig, siteDeadlineSec } from "../crawl/config.ts";
import type { ConsentMode } from "../crawl/consent.ts";
import { type CrawlOptions, runCrawl } from "../crawl/crawler.ts";
import { DEFAULT_IDENTITY, type Identity, loadIdentity } from "../crawl/identity.ts";
import { Progress } from "../crawl/progress.ts";
import { normaliseSite, type ParsedList, parseSiteList, type SiteEntry } from "../crawl/site-list.ts";
import type { ScreenshotMode } from "../crawl/visit-site.ts";
import { enqueueSites, runWorker } from "../fleet/worker.ts";
import { type ListProvenance, readProvenance } from "../lists/lists.ts";
import { CrawlStore, redact } from "../store/crawl-store.ts";
import { isPostgresUrl } from "../store/sql.ts";
import { loadTrackerDbOption, recordTrackerDb } from "../store/tracker-db-choice.ts";
import { sha256Hex } from "../util/bound.ts";
import { UsageError } from "./usage.ts";

/** A site and the list it came from. */
type ListedSite = SiteEntry & { list: string };

export const TOOL_VERSION = "0.1.0";

export const CRAWL_OPTIONS = {
  list: { type: "string", multiple: true },
  "list-name": { type: "string" },
  out: { type: "string" },
  db: { type: "string" },
  "enqueue-only": { type: "boolean" },
  "job-timeout": { type: "string" },
  "per-host": { type: "string" },
  rate: { type: "string" },
  "max-attempts": { type: "string" },
  crawl: { type: "string" },
  concurrency: { type: "string" },
  "pages-per-site": { type: "string" },
  timeout: { type: "string" },
  dwell: { type: "string" },
  proxy: { type: "string" },
  "ignore-https-errors": { type: "boolean" },
  gpc: { type: "boolean" },
  consent: { type: "string" },
  screenshots: { type: "string" },
  interact: { type: "boolean" },
  "compare-consent": { type: "boolean" },
  "compare-gpc": { type: "boolean" },
  identity: { type: "string" },
  "retry-failed": { type: "boolean" },
  "allow-private": { type: "boolean" },
  "user-agent": { type: "string" },
  "sites-per-browser": { type: "string" },
  "tracker-db": { type: "string" },
  quiet: { type: "boolean", short: "q" },
} as const;

function number(
  name: string,
  text: string | undefined,
  fallback: number,
  min: number,
  integer: boolean,
): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value < min || (integer && !Number.isInteger(value))) {
    throw new UsageError(
      `--${name} must be ${integer ? "a whole number" : "a number"} of at least ${min}, not "${text}"`,
    );
  }
  return value;
}

/**
 * Concurrency that gets near the best throughput without tuning: three sites per core, bounded by
 * memory (400 MB a site in flight) and 16. Measured on two cores (`npm run bench -- --sweep`): pages
 * per minute rise to 3 sites per core and stay flat to 16 in flight, while memory keeps growing.
 */
export function defaultConcurrency(): number {
  const byMemory = Math.floor(freemem() / (400 * 1024 * 1024));
  return Math.max(1, Math.min(availableParallelism() * 3, byMemory, 16));
}

export interface CrawlCommandResult {
  exitCode: number;
}

export async function crawlCommand(argv: string[], signal: AbortSignal): Promise<CrawlCommandResult> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: CRAWL_OPTIONS,
    allowPositionals: true,
    strict: true,
  });
  if (values.db && values.out)
    throw new UsageError("use either --out DIR (SQLite) or --db postgres://… (a fleet)");
  if (!values.out && !values.db)
    throw new UsageError("crawl needs --out DIR (or --db postgres://… for a fleet)");
  if (values.db && !isPostgresUrl(values.db))
    throw new UsageError(`--db must be a postgres:// URL, not "${values.db.slice(0, 80)}"`);
  const fleetOnly = ["enqueue-only", "job-timeout", "per-host", "rate", "max-attempts", "crawl"] as const;
  for (const name of fleetOnly) {
    if (!values.db && values[name] !== undefined)
      throw new UsageError(`--${name} is for fleet crawls (--db postgres://…)`);
  }
  const consent = values.consent ?? "ignore";
  if (!["accept", "reject", "ignore"].includes(consent)) {
    throw new UsageError(`--consent must be accept, reject or ignore, not "${consent}"`);
  }
  if (values.proxy && !/^(https?|socks5?):\/\/[^\s/]+/.test(values.proxy)) {
    throw new UsageError(`--proxy must be a URL like http://host:port, not "${values.proxy}"`);
  }
  if (values["compare-consent"] && values["compare-gpc"])
    throw new UsageError("--compare-consent and --compare-gpc each crawl every site twice: choose one");
  if (values["compare-consent"] && values.consent !== undefined)
    throw new UsageError("--compare-consent rejects then accepts on every site: leave out --consent");
  if (values["compare-gpc"] && values.gpc)
    throw new UsageError("--compare-gpc crawls with GPC off then on: leave out --gpc");
  const compare = values["compare-consent"] ? "consent" : values["compare-gpc"] ? "gpc" : null;
  const screenshots = values.screenshots ?? "evidence";
  if (!["all", "evidence", "none"].includes(screenshots))
    throw new UsageError(`--screenshots must be all, evidence or none, not "${screenshots}"`);
  const identity: Identity = values.identity
    ? wrapUsage(() => loadIdentity(values.identity as string))
    : DEFAULT_IDENTITY;
  const quiet = values.quiet ?? false;
  const warn = (text: string) => process.stderr.write(`earshot: ${text}\n`);

  const options: CrawlOptions = {
    executable: "",
    concurrency: number("concurrency", values.concurrency, defaultConcurrency(), 1, true),
    pagesPerSite: number("pages-per-site", values["pages-per-site"], 3, 1, true),
    timeoutMs: number("timeout", values.timeout, 30, 1, false) * 1000,
    dwellMs: number("dwell", values.dwell, 3, 0, false) * 1000,
    proxy: values.proxy ?? null,
    ignoreHttpsErrors: values["ignore-https-errors"] ?? false,
    gpc: values.gpc ?? false,
    userAgent: values["user-agent"] ?? null,
    retryFailed: values["retry-failed"] ?? false,
    sitesPerBrowser: number("sites-per-browser", values["sites-per-browser"], 200, 1, true),
    trackerDb: loadTrackerDbOption(values["tracker-db"]),
    identity,
    interact: values.interact ?? false,
    consent: consent as ConsentMode,
    compare,
    // Evidence files live beside a SQLite crawl; a PostgreSQL crawl has no directory to keep them in.
    screenshots: values.db ? "none" : (screenshots as ScreenshotMode),
  };
  const config: CrawlConfig = {
    concurrency: options.concurrency,
    pagesPerSite: options.pagesPerSite,
    timeoutSec: options.timeoutMs / 1000,
    dwellSec: options.dwellMs / 1000,
    proxy: options.proxy,
    ignoreHttpsErrors: options.ignoreHttpsErrors,
    gpc: options.gpc,
    consent,
    interact: values.interact ?? false,
    userAgent: options.userAgent,
    compare,
  };
  if (values.db) {
    config.jobTimeoutSec = number(
      "job-timeout",
      values["job-timeout"],
      siteDeadlineSec(config) + 60,
      5,
      true,
    );
    config.perHost = number("per-host", values["per-host"], 1, 1, true);
    config.pagesPerMinute = values.rate === undefined ? null : number("rate", values.rate, 0, 1, false);
    config.maxAttempts = number("max-attempts", values["max-attempts"], 3, 1, true);
  }

  const {
    sites,
    listText,
    lists: listRecords,
  } = readSites(values.list ?? [], positionals, values["allow-private"] ?? false, warn, values["list-name"]);
  options.executable = findChromium();

  let store: CrawlStore;
  if (values.db) {
    // Rerunning the same command (same list, same options) resumes the same crawl.
    const fingerprint = sha256Hex(`${listText}\n${JSON.stringify({ ...config, concurrency: null })}`);
    const crawlId = values.crawl === undefined ? null : number("crawl", values.crawl, 1, 1, true);
    store = await CrawlStore.openPostgres(values.db, {
      crawlId,
      fingerprint,
      create: crawlId === null,
    }).catch((error: unknown) => {
      throw new UsageError(
        `cannot open ${redact(values.db ?? "")}: ${error instanceof Error ? error.message : error}`,
      );
    });
  } else {
    store = await CrawlStore.open(values.out as string);
  }
  try {
    const added = await store.addSites(sites);
    const now = Date.now();
    if (!(await store.getMeta("created_at"))) await store.setMeta("created_at", String(now));
    const version = browserVersion(options.executable);
    await store.setMeta("config", JSON.stringify(config));
    await store.setMeta("identity", JSON.stringify(identity));
    await store.setMeta("tool_version", TOOL_VERSION);
    const userAgent = crawlUserAgent(options.executable, options.userAgent);
    await store.setMeta("browser", JSON.stringify({ executable: options.executable, version, userAgent }));
    await store.setMeta("vantage", JSON.stringify({ proxy: options.proxy }));
    if (options.trackerDb && values["tracker-db"])
      await recordTrackerDb(store, values["tracker-db"], options.trackerDb);
    const lists = JSON.parse((await store.getMeta("lists")) ?? "[]") as unknown[];
    for (const list of listRecords) lists.push({ ...list, at: now });
    if (listRecords.length > 0) (lists[lists.length - 1] as { added?: number }).added = added;
    await store.setMeta("lists", JSON.stringify(lists));

    if (store.postgres) {
      const toGo = await enqueueSites(store, config, options.retryFailed);
      const crawlId = store.postgres.id;
      if (!quiet)
        warn(`crawl ${crawlId} in ${store.path}: ${toGo} sites to crawl (${added} new), queued for workers`);
      if (values["enqueue-only"]) {
        process.stdout.write(`${crawlId}\n`);
        return { exitCode: 0 };
      }
      await store.close();
      const outcome = await runWorker(
        values.db as string,
        crawlId,
        { concurrency: options.concurrency, quiet, executable: options.executable },
        signal,
      );
      return { exitCode: outcome.interrupted ? 130 : 0 };
    }

    const toCrawl = (await store.sitesToCrawl({ retryFailed: options.retryFailed })).length;
    const counts = await store.counts();
    if (!quiet) {
      const resumed = counts.total - toCrawl;
      warn(
        `crawling ${toCrawl} sites into ${store.path}` +
          (resumed > 0 ? ` (${resumed} already done, skipped)` : "") +
          ` with ${version}, concurrency ${options.concurrency}`,
      );
    }
    const mode = quiet ? "quiet" : process.stderr.isTTY ? "tty" : "lines";
    const progress = new Progress(toCrawl, process.stderr, mode);
    const runStarted = Date.now();
    options.evidenceDir = dirname(store.path);
    const outcome = await runCrawl(store, options, progress, signal);
    const runs = JSON.parse((await store.getMeta("runs")) ?? "[]") as unknown[];
    runs.push({
      startedAt: runStarted,
      endedAt: Date.now(),
      crawled: outcome.crawled,
      interrupted: outcome.interrupted,
      config,
      browser: version,
    });
    await store.setMeta("runs", JSON.stringify(runs));
    const after = await store.counts();
    if (!quiet || outcome.interrupted) {
      warn(
        `${outcome.interrupted ? "interrupted" : "done"}: ${after.ok} ok, ${after.failed} failed, ${after.pending} to go; ` +
          `${after.pages} pages, ${after.requests} requests in ${store.path}` +
          (outcome.interrupted ? " (rerun the same command to resume)" : ""),
      );
    }
    return { exitCode: outcome.interrupted ? 130 : 0 };
  } finally {
    // A database that refused writes may refuse closing too; the first error is the one to report.
    await store.close().catch(() => {});
  }
}

function wrapUsage<T>(fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

/** One list a crawl read: where from, its checksum, and the provenance line `earshot lists` wrote. */
interface ListRecord {
  source: string;
  label: string;
  sha256: string;
  sites: number;
  provenance: ListProvenance | null;
}

function readSites(
  listPaths: string[],
  positionals: string[],
  allowPrivate: boolean,
  warn: (text: string) => void,
  listName: string | undefined,
): { sites: ListedSite[]; listText: string; lists: ListRecord[] } {
  if (listName !== undefined && !/^[\w .+-]{1,40}$/.test(listName)) {
    throw new UsageError(
      `--list-name must be 1-40 letters, digits, spaces or ._+-, not "${listName.slice(0, 60)}"`,
    );
  }
  if (listName !== undefined && listPaths.length > 1)
    throw new UsageError("--list-name names one list; with several --list, each is named after its file");
  const sites: ListedSite[] = [];
  const seen = new Set<string>();
  const add = (entry: SiteEntry, list: string) => {
    if (seen.has(entry.site)) return;
    seen.add(entry.site);
    sites.push({ ...entry, list: listName ?? list });
  };
  let listText = positionals.join("\n");
  const lists: ListRecord[] = [];
  for (const arg of positionals) {
    const entry = normaliseSite(arg, { allowPrivate });
    if (typeof entry === "string") throw new UsageError(`site "${arg.slice(0, 100)}": ${entry}`);
    add({ ...entry, rank: null }, "command line");
  }
  if (positionals.length > 0) {
    lists.push({
      source: "arguments",
      label: "command line",
      sha256: sha256Hex(positionals.join("\n")),
      sites: positionals.length,
      provenance: null,
    });
  }
  for (const listPath of listPaths) {
    let text: string;
    try {
      text = readFileSync(listPath === "-" ? 0 : listPath, "utf8");
    } catch (error) {
      throw new UsageError(
        `cannot read --list ${listPath}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
      );
    }
    listText += `\n${text}`;
    const listSource = listPath === "-" ? "stdin" : listPath;
    const parsed: ParsedList = parseSiteList(text, { allowPrivate });
    for (const bad of parsed.bad.slice(0, 20)) warn(`${listSource}:${bad.line}: ${bad.reason}: ${bad.text}`);
    if (parsed.bad.length > 20) warn(`${listSource}: ${parsed.bad.length - 20} more bad lines not shown`);
    for (const look of parsed.lookalikes.slice(0, 20))
      warn(`${listSource}:${look.line}: crawled, but ${look.reason}: ${look.text}`);
    if (parsed.sites.length === 0) {
      throw new UsageError(
        `no usable site in ${listSource} (${parsed.format} format, ${parsed.bad.length} bad line${parsed.bad.length === 1 ? "" : "s"})`,
      );
    }
    // Sites are grouped by list in reports: the file's name says which list (top sites, .gov, ...).
    const label = listPath === "-" ? "stdin" : basename(listPath).replace(/\.[^.]*$/, "") || "list";
    for (const entry of parsed.sites) add(entry, label);
    lists.push({
      source: listSource,
      label: listName ?? label,
      sha256: sha256Hex(text),
      sites: parsed.sites.length,
      provenance: readProvenance(text),
    });
  }
  if (sites.length === 0) throw new UsageError("no sites given: name sites or use --list FILE");
  return { sites, listText, lists };
}

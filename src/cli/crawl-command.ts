import { readFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { parseArgs } from "node:util";
import type { TrackerDb } from "../attribute/tracker-db.ts";
import { browserVersion, crawlUserAgent, findChromium } from "../crawl/browser.ts";
import { CnameResolver, parseDnsServer } from "../crawl/cname.ts";
import type { CrawlOptions, CrawlRuntime } from "../crawl/config.ts";
import { runCrawl } from "../crawl/crawler.ts";
import { DEFAULT_IDENTITY, type Identity, loadIdentity } from "../crawl/identity.ts";
import { Progress } from "../crawl/progress.ts";
import { NO_SANDBOX_WARNING, type SandboxPlan, sandboxPlan } from "../crawl/sandbox.ts";
import { readSettings, settingFlags } from "../crawl/settings.ts";
import { normaliseSite, type ParsedList, parseSiteList, type SiteEntry } from "../crawl/site-list.ts";
import { enqueueSites, runWorker } from "../fleet/worker.ts";
import { readProvenance } from "../lists/lists.ts";
import { pendingSites } from "../pipeline/keep-site.ts";
import { linkProfiles } from "../pipeline/link-profiles.ts";
import { CrawlStore, redact } from "../store/crawl-store.ts";
import { appendMeta, type ListRecord, readMeta, writeMeta } from "../store/meta.ts";
import { isPostgresUrl } from "../store/sql.ts";
import { loadTrackerDbOption, recordTrackerDb } from "../store/tracker-db-choice.ts";
import { sha256Hex } from "../util/bound.ts";
import { crawlIdOption } from "./export-command.ts";
import { UsageError } from "./usage.ts";
import { TOOL_VERSION } from "./version.ts";

/** The visitor's cookies and storage between the sites of a persistent crawl, in the crawl's folder. */
const VISITOR_FILE = "visitor-profile.json";

/** A site and the list it came from. */
type ListedSite = SiteEntry & { list: string };

export { TOOL_VERSION };

/** The crawl command's own flags: what to crawl, where to keep it, with what; not settings of the crawl. */
const COMMAND_FLAGS = {
  list: { type: "string", multiple: true },
  "list-name": { type: "string" },
  out: { type: "string" },
  db: { type: "string" },
  "enqueue-only": { type: "boolean" },
  crawl: { type: "string" },
  identity: { type: "string" },
  "retry-failed": { type: "boolean" },
  "allow-private": { type: "boolean" },
  "no-sandbox": { type: "boolean" },
  "dns-server": { type: "string" },
  "tracker-db": { type: "string" },
  quiet: { type: "boolean", short: "q" },
} as const;

/** Every flag of `crawl` (and of `inspect`, which passes them on): its own and the settings'. */
export const CRAWL_OPTIONS = { ...settingFlags(), ...COMMAND_FLAGS };

export interface CrawlCommandResult {
  exitCode: number;
}

/** The crawl command's options as parsed (what `inspect` and `demo` hand it too). */
export type CrawlValues = ReturnType<typeof parseCrawlArgs>["values"];

function parseCrawlArgs(argv: string[]) {
  return parseArgs({ args: argv, options: CRAWL_OPTIONS, allowPositionals: true, strict: true });
}

/** Everything a crawl needs, checked: one-line errors for bad options before anything is touched. */
interface CrawlPlan {
  values: CrawlValues;
  /** The settings (recorded with the crawl: what a fleet's workers crawl with) and this machine's runtime. */
  options: CrawlOptions;
  trackerDb: TrackerDb | null;
  sites: ListedSite[];
  listText: string;
  lists: Array<Omit<ListRecord, "at">>;
}

export async function crawlCommand(argv: string[], signal: AbortSignal): Promise<CrawlCommandResult> {
  const { values, positionals } = parseCrawlArgs(argv);
  return crawlWith(values, positionals, signal);
}

/** Crawls `sites` (names or URLs) with already-parsed options. */
export async function crawlWith(
  values: CrawlValues,
  sites: string[],
  signal: AbortSignal,
  /** Told of each step of each page's visit (`earshot inspect`). */
  onStep?: CrawlRuntime["onStep"],
): Promise<CrawlCommandResult> {
  checkTarget(values);
  const plan = planCrawl(values, sites);
  plan.options.runtime.executable = findChromium();
  plan.options.runtime.onStep = onStep ?? null;
  plan.options.runtime.sandbox = browserSandbox(values["no-sandbox"] ?? false);
  const store = await openTarget(plan);
  try {
    const added = await store.addSites(plan.sites);
    await recordCrawl(store, plan, added);
    if (store.postgres) return await crawlAsFleet(store, plan, added, signal);
    return await crawlHere(store, plan, signal);
  } finally {
    // A database that refused writes may refuse closing too; the first error is the one to report.
    await store.close().catch(() => {});
  }
}

function checkTarget(values: CrawlValues): void {
  if (values.db && values.out)
    throw new UsageError("use either --out DIR (SQLite) or --db postgres://… (a fleet)");
  if (!values.out && !values.db)
    throw new UsageError("crawl needs --out DIR (or --db postgres://… for a fleet)");
  if (values.db && !isPostgresUrl(values.db))
    throw new UsageError(`--db must be a postgres:// URL, not "${values.db.slice(0, 80)}"`);
  const fleetOnly = ["enqueue-only", "crawl"] as const;
  for (const name of fleetOnly) {
    if (!values.db && values[name] !== undefined)
      throw new UsageError(`--${name} is for fleet crawls (--db postgres://…)`);
  }
}

function planCrawl(values: CrawlValues, positionals: string[]): CrawlPlan {
  const settings = readSettings(values, values.db !== undefined);
  // Evidence files live beside a SQLite crawl; a PostgreSQL crawl has no directory to keep them in.
  if (values.db) settings.screenshots = "none";
  const identity: Identity = values.identity
    ? wrapUsage(() => loadIdentity(values.identity as string))
    : DEFAULT_IDENTITY;
  const trackerDb = loadTrackerDbOption(values["tracker-db"]);
  const runtime = { executable: "", identity, cnames: cnameResolver(values["dns-server"]) };
  const { sites, listText, lists } = readSites(
    values.list ?? [],
    positionals,
    values["allow-private"] ?? false,
    warn,
    values["list-name"],
  );
  return { values, options: { settings, runtime }, trackerDb, sites, listText, lists };
}

/** `--dns-server HOST:PORT` (or `none`: no lookups); without it, the system's resolvers. */
export function cnameResolver(server: string | undefined): CnameResolver | null {
  if (server === "none") return null;
  return new CnameResolver(server === undefined ? null : wrapUsage(() => parseDnsServer(server)));
}

/** The sandbox plan for this machine's browsers; without the sandbox only when asked, and said so. */
export function browserSandbox(noSandbox: boolean): SandboxPlan {
  if (noSandbox) process.stderr.write(`${NO_SANDBOX_WARNING}\n`);
  return wrapUsage(() => sandboxPlan(noSandbox));
}

function warn(text: string): void {
  process.stderr.write(`earshot: ${text}\n`);
}

async function openTarget(plan: CrawlPlan): Promise<CrawlStore> {
  const { values } = plan;
  if (!values.db) return CrawlStore.open(values.out as string);
  const url = values.db;
  // Rerunning the same command (same list, same options) resumes the same crawl.
  const fingerprint = sha256Hex(
    `${plan.listText}\n${JSON.stringify({ ...plan.options.settings, concurrency: null })}`,
  );
  const crawlId = crawlIdOption(values.crawl);
  return CrawlStore.openPostgres(url, { crawlId, fingerprint, create: crawlId === null }).catch(
    (error: unknown) => {
      throw new UsageError(`cannot open ${redact(url)}: ${error instanceof Error ? error.message : error}`);
    },
  );
}

/** What the crawl was asked to do, with what: recorded before the first site is visited. */
async function recordCrawl(store: CrawlStore, plan: CrawlPlan, added: number): Promise<void> {
  const { settings, runtime } = plan.options;
  const now = Date.now();
  if ((await readMeta(store, "created_at")) === null) await writeMeta(store, "created_at", now);
  await writeMeta(store, "config", settings);
  await writeMeta(store, "identity", runtime.identity);
  await writeMeta(store, "tool_version", TOOL_VERSION);
  await writeMeta(store, "browser", {
    executable: runtime.executable,
    version: browserVersion(runtime.executable),
    userAgent: crawlUserAgent(runtime.executable, settings.userAgent),
    sandbox: runtime.sandbox?.sandbox ?? true,
    runsAs: runtime.sandbox?.user?.name ?? null,
  });
  await writeMeta(store, "vantage", { proxy: settings.proxy, dnsServer: plan.values["dns-server"] ?? null });
  const trackerDbPath = plan.values["tracker-db"];
  if (plan.trackerDb && trackerDbPath) await recordTrackerDb(store, trackerDbPath, plan.trackerDb);
  const lists: ListRecord[] = plan.lists.map((list) => ({ ...list, at: now }));
  const last = lists[lists.length - 1];
  if (last) last.added = added;
  if (lists.length > 0) await appendMeta(store, "lists", ...lists);
}

/** A PostgreSQL crawl: its sites queued, then crawled by this machine as one of the fleet's workers. */
async function crawlAsFleet(
  store: CrawlStore,
  plan: CrawlPlan,
  added: number,
  signal: AbortSignal,
): Promise<CrawlCommandResult> {
  const { values } = plan;
  const { settings, runtime } = plan.options;
  const quiet = values.quiet ?? false;
  const toGo = await enqueueSites(store, settings, values["retry-failed"] ?? false);
  const crawlId = store.postgres?.id as number;
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
    { concurrency: settings.concurrency, quiet, executable: runtime.executable, sandbox: runtime.sandbox },
    signal,
  );
  return { exitCode: outcome.interrupted ? 130 : 0 };
}

/** A SQLite crawl on this machine: pending sites crawled, each kept as it finishes, the run recorded. */
async function crawlHere(
  store: CrawlStore,
  plan: CrawlPlan,
  signal: AbortSignal,
): Promise<CrawlCommandResult> {
  const { options } = plan;
  const { settings } = options;
  const retryFailed = plan.values["retry-failed"] ?? false;
  const quiet = plan.values.quiet ?? false;
  const version = browserVersion(options.runtime.executable);
  const toCrawl = (await store.sitesToCrawl({ retryFailed })).length;
  if (!quiet) {
    const resumed = (await store.counts()).total - toCrawl;
    warn(
      `crawling ${toCrawl} sites into ${store.path}` +
        (resumed > 0 ? ` (${resumed} already done, skipped)` : "") +
        ` with ${version}, concurrency ${settings.concurrency}`,
    );
  }
  const progress = new Progress(
    toCrawl,
    process.stderr,
    quiet ? "quiet" : process.stderr.isTTY ? "tty" : "lines",
  );
  const startedAt = Date.now();
  const sites = await pendingSites(store, retryFailed, {
    trackerDb: plan.trackerDb,
    identity: options.runtime.identity,
    evidenceDir: dirname(store.path),
    screenshots: settings.screenshots,
  });
  if (settings.profile === "persistent") {
    options.runtime.visitor = {
      stateFile: join(dirname(store.path), VISITOR_FILE),
      controlSites: new Set(plan.sites.slice(0, settings.controlSites).map((s) => s.site)),
    };
  }
  const outcome = await runCrawl(sites, options, progress, signal);
  const linked = await linkProfiles(store);
  await appendMeta(store, "runs", {
    startedAt,
    endedAt: Date.now(),
    crawled: outcome.crawled,
    interrupted: outcome.interrupted,
    config: settings,
    browser: version,
  });
  const after = await store.counts();
  if (!quiet || outcome.interrupted) {
    warn(
      `${outcome.interrupted ? "interrupted" : "done"}: ${after.ok} ok, ${after.failed} failed, ${after.pending} to go; ` +
        `${after.pages} pages, ${after.requests} requests in ${store.path}` +
        (linked > 0 ? `; ${linked} identifiers link sites (export --table profiles)` : "") +
        (outcome.interrupted ? " (rerun the same command to resume)" : ""),
    );
  }
  return { exitCode: outcome.interrupted ? 130 : 0 };
}

function wrapUsage<T>(fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

function readSites(
  listPaths: string[],
  positionals: string[],
  allowPrivate: boolean,
  warn: (text: string) => void,
  listName: string | undefined,
): { sites: ListedSite[]; listText: string; lists: Array<Omit<ListRecord, "at">> } {
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
  const lists: Array<Omit<ListRecord, "at">> = [];
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

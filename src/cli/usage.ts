import { settingsHelp } from "../crawl/settings.ts";
import { UsageError } from "../util/usage-error.ts";

export { UsageError };

/** The crawl command's own flags; the crawl's settings' lines come from their declaration. */
export const CRAWL_OPTIONS_HELP = `  --list FILE              site list: plain, Tranco rank,domain CSV, or the .gov registry CSV; - for stdin;
                           repeat for several lists (each is named after its file in reports)
  --list-name NAME         the list's name in reports (default: the file's name without extension)
  --out DIR                crawl directory (SQLite database); rerunning resumes
${settingsHelp(false)}
  --dns-server HOST:PORT   resolve first-party hosts' CNAME chains (cloaked trackers) with this server;
                           none: no lookups (default: the system's resolvers, made on this machine)
  --identity FILE          synthetic identity JSON {email, phone, firstName, lastName, address}
  --tracker-db FILE        a Disconnect services.json, Tracker Radar entity map or tds.json, or Ghostery
                           TrackerDB export, used before the built-in third-party-web data
  --retry-failed           crawl sites recorded as failed again
  --allow-private          allow localhost and private-network addresses in the list
  --no-sandbox             run Chromium without its sandbox (warned and recorded; as root Earshot
                           otherwise runs the browser as the unprivileged account earshot or nobody)
  --quiet                  no progress output`;

export const FLEET_OPTIONS_HELP = `fleet options (with --db postgres://...; DIR in export, report, serve, analyze may be such a URL, with --crawl ID):
  --enqueue-only           create the crawl and queue its sites; print the crawl id (workers do the crawling)
${settingsHelp(true)}
  --crawl ID               resume that crawl (default: the crawl of the same list and options, else a new one)`;

export const USAGE = `usage:
  earshot crawl SITES... [--list FILE] --out DIR [options]
  earshot crawl SITES... [--list FILE] --db postgres://... [--enqueue-only] [options]   a fleet crawl
  earshot worker --db postgres://... [--crawl ID] [--concurrency N] [--dns-server HOST:PORT]   crawl queued sites (any number, any machine)
  earshot status --db postgres://... [--crawl ID] [--json]            a crawl's progress (or: earshot status DIR)
  earshot export DIR --table TABLE [--format jsonl|csv|parquet] [-o FILE] [--keep-values]
                    TABLE: sites, pages, requests, cookies, findings, storage, events, websockets, collected, matrix,
                    syncs, profiles
  earshot export DIR --har OUTDIR   one HAR 1.2 file per page
  earshot report DIR [-o FILE.html] [--compare DIR_B] [--detail-budget-mb N]   self-contained HTML report (default DIR/report.html)
  earshot serve DIR [--port N] [--host 127.0.0.1]             the report's views as a local web app
  earshot inspect URL [--json] [--passive] [--out DIR] [crawl options]   audit one site in the terminal
  earshot decode --url URL [--method GET|POST] [--body TEXT | --body-file FILE] [--page-url URL]
  earshot decode --stdin        JSON lines {"url","method","body","headers","pageUrl"} in, one decoded object a line out
  earshot import FILE.har... --out DIR [--site NAME] [--identity FILE] [--tracker-db FILE]   HAR captures made elsewhere, as a crawl
  earshot analyze DIR               recompute findings from the stored capture
  earshot lists tranco|dotgov|top-sites [--top N] [--sample N --seed S] [--from FILE|--url URL] [--federal] [--type T,...] [-o FILE]
  earshot diff DIR_A DIR_B [--json]   what changed between two crawls (or: earshot diff DIR for a comparison crawl)
  earshot demo [--out DIR]          crawl the built-in demo web (no network needed)

crawl options:
${CRAWL_OPTIONS_HELP}

${FLEET_OPTIONS_HELP}`;

/** A mistake in how the command was called or in its input: exit status 2, one line. */
export class UsageError extends Error {}

export const USAGE = `usage:
  earshot crawl SITES... [--list FILE] --out DIR [options]
  earshot export DIR --table TABLE [--format jsonl|csv] [-o FILE] [--keep-values]
                    TABLE: sites, pages, requests, cookies, findings, storage, events, websockets
  earshot export DIR --har OUTDIR   one HAR 1.2 file per page
  earshot report DIR [-o FILE.html] [--detail-budget-mb N]   self-contained HTML report (default DIR/report.html)
  earshot serve DIR [--port N] [--host 127.0.0.1]             the report's views as a local web app
  earshot inspect URL [--json] [--passive] [--out DIR] [crawl options]   audit one site in the terminal
  earshot decode --url URL [--method GET|POST] [--body TEXT | --body-file FILE] [--page-url URL]
  earshot analyze DIR               recompute findings from the stored capture
  earshot demo [--out DIR]          crawl the built-in demo web (no network needed)

crawl options:
  --list FILE              site list: plain, Tranco rank,domain CSV, or the .gov registry CSV; - for stdin
  --list-name NAME         the list's name in reports (default: the file's name without extension)
  --out DIR                crawl directory (SQLite database); rerunning resumes
  --concurrency N          sites in flight at once (default: from cores and memory)
  --pages-per-site N       home page plus up to N-1 subpages, sensitive-looking first (default 3)
  --timeout SEC            per-page navigation limit (default 30)
  --dwell SEC              time on each page after load (default 3)
  --proxy URL              send all browser traffic through this HTTP(S) proxy
  --ignore-https-errors    accept any TLS certificate, browser-wide
  --gpc                    send Global Privacy Control (Sec-GPC header, navigator.globalPrivacyControl)
  --consent accept|reject|ignore   consent banners: accept, reject, or leave them (default ignore)
  --interact               scroll, fill forms with the synthetic identity and submit them, click buttons
  --identity FILE          synthetic identity JSON {email, phone, firstName, lastName, address}
  --tracker-db FILE        a Disconnect services.json, Tracker Radar entity map or tds.json, or Ghostery
                           TrackerDB export, used before the built-in third-party-web data
  --retry-failed           crawl sites recorded as failed again
  --allow-private          allow localhost and private-network addresses in the list
  --user-agent UA          override the browser's user agent
  --quiet                  no progress output`;

/**
 * `earshot serve`: the report's views as a local web app over the crawl database, with a JSON API
 * (`/api/overview`, `/api/sites?q=&company=&category=&list=&sort=&desc=&page=`, `/api/site?name=`)
 * and the crawl's evidence files (`/evidence/SITE/FILE`).
 * Bound to 127.0.0.1 by default; requests naming another Host are refused (DNS rebinding), and every
 * response carries a strict Content-Security-Policy.
 */
import { readFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import type { CrawlStore } from "../store/crawl-store.ts";
import { clientBundle } from "./client-bundle.ts";
import { contentSecurityPolicy, htmlShell } from "./html-report.ts";
import { loadOverview, loadSiteDetail, SERVE_DETAIL } from "./model.ts";
import { parseSiteQuery, querySites } from "./query.ts";
import type { Overview, SiteRow } from "./types.ts";

/** The overview is recomputed at most this often (a crawl may still be writing to the database). */
const REFRESH_MS = 10_000;

export interface ServeOptions {
  host: string;
  port: number;
  /** The crawl's directory, whose `evidence/` files (screenshots, HTML as text) are served. */
  crawlDir?: string | null;
}

export interface RunningServer {
  url: string;
  server: Server;
  close(): Promise<void>;
}

const SECURITY_HEADERS = {
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "cross-origin-opener-policy": "same-origin",
  "cross-origin-resource-policy": "same-origin",
  "x-frame-options": "DENY",
};

const CSP = `${contentSecurityPolicy("'self'", "'self'", "'self'")}; frame-ancestors 'none'`;

function send(res: ServerResponse, status: number, type: string, body: string | Buffer, csp = CSP): void {
  res.writeHead(status, {
    "content-type": type,
    "content-security-policy": csp,
    "cache-control": "no-store",
    ...SECURITY_HEADERS,
  });
  res.end(body);
}

/** An evidence file's type: a screenshot as an image, captured HTML as plain text (never run). */
const EVIDENCE_TYPES: Array<[RegExp, string]> = [
  [/\.jpe?g$/, "image/jpeg"],
  [/\.png$/, "image/png"],
  [/\.txt$/, "text/plain; charset=utf-8"],
];

/** `/evidence/SITE/FILE` from the crawl's directory: plain names only, known kinds only. */
async function sendEvidence(crawlDir: string | null | undefined, path: string, res: ServerResponse) {
  const match = /^\/evidence\/([A-Za-z0-9_-][A-Za-z0-9._-]*)\/([A-Za-z0-9_-][A-Za-z0-9._-]*)$/.exec(path);
  const type = match ? EVIDENCE_TYPES.find(([re]) => re.test(path))?.[1] : undefined;
  if (!crawlDir || !match || !type) return send(res, 404, "text/plain; charset=utf-8", "not found\n");
  let body: Buffer;
  try {
    body = await readFile(join(crawlDir, "evidence", match[1] ?? "", match[2] ?? ""));
  } catch {
    return send(res, 404, "text/plain; charset=utf-8", "not found\n");
  }
  send(res, 200, type, body, "default-src 'none'; sandbox");
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  send(res, status, "application/json; charset=utf-8", JSON.stringify(value));
}

type Routes = Record<string, (url: URL, res: ServerResponse) => Promise<void> | void>;

/** The app's pages and its JSON API, over a crawl whose overview is read again every `REFRESH_MS`. */
async function routesFor(store: CrawlStore): Promise<Routes> {
  const bundle = await clientBundle();
  let cache: { at: number; overview: Overview; sites: SiteRow[]; byName: Map<string, SiteRow> } | null = null;
  const data = async () => {
    if (!cache || Date.now() - cache.at > REFRESH_MS) {
      const { overview, sites } = await loadOverview(store);
      cache = { at: Date.now(), overview, sites, byName: new Map(sites.map((s) => [s.site, s])) };
    }
    return cache;
  };
  const page = htmlShell({
    csp: null,
    head: '<link rel="stylesheet" href="/app.css">',
    body: '<script src="/app.js" defer></script>',
  });
  return {
    "/": (_url, res) => send(res, 200, "text/html; charset=utf-8", page),
    "/app.js": (_url, res) => send(res, 200, "text/javascript; charset=utf-8", bundle.js),
    "/app.css": (_url, res) => send(res, 200, "text/css; charset=utf-8", bundle.css),
    "/api/overview": async (_url, res) => sendJson(res, 200, (await data()).overview),
    "/api/sites": async (url, res) =>
      sendJson(res, 200, querySites((await data()).sites, parseSiteQuery(url.searchParams))),
    "/api/site": async (url, res) => {
      const name = url.searchParams.get("name") ?? "";
      const row = (await data()).byName.get(name);
      const detail = row ? await loadSiteDetail(store, name, row, SERVE_DETAIL) : null;
      if (detail) sendJson(res, 200, detail);
      else sendJson(res, 404, { error: "no such site" });
    },
  };
}

/** On loopback only the names of loopback are accepted (against DNS rebinding); bound elsewhere, the user chose to expose it. */
function allowedHostsFor(host: string, hostName: string, port: number): Set<string> {
  if (!["127.0.0.1", "localhost", "::1"].includes(host)) return new Set();
  return new Set([`${hostName}:${port}`, `localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`]);
}

export async function serveCrawl(store: CrawlStore, options: ServeOptions): Promise<RunningServer> {
  const routes = await routesFor(store);
  let allowedHosts = new Set<string>();
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    if (allowedHosts.size > 0 && !allowedHosts.has(String(req.headers.host ?? "").toLowerCase()))
      return send(res, 421, "text/plain; charset=utf-8", "unknown host\n");
    if (req.method !== "GET" && req.method !== "HEAD")
      return send(res, 405, "text/plain; charset=utf-8", "method not allowed\n");
    const url = new URL(req.url ?? "/", "http://localhost");
    if (url.pathname.startsWith("/evidence/")) return sendEvidence(options.crawlDir, url.pathname, res);
    const route = Object.hasOwn(routes, url.pathname) ? routes[url.pathname] : undefined;
    if (!route) return send(res, 404, "text/plain; charset=utf-8", "not found\n");
    try {
      await route(url, res);
    } catch (error) {
      sendJson(res, 500, { error: error instanceof Error ? error.message.split("\n")[0] : "error" });
    }
  };
  const server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const hostName = options.host.includes(":") ? `[${options.host}]` : options.host;
  allowedHosts = allowedHostsFor(options.host, hostName, port);
  return {
    url: `http://${hostName}:${port}/`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

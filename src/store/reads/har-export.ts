import { pageFileName, safeFileName } from "../../util/file-names.ts";
/**
 * HAR 1.2 (http://www.softwareishard.com/blog/har-12-spec/) of each page, so the evidence opens in any
 * browser's network panel and HAR tool. Earshot's own readings ride along as `_earshot` fields
 * (custom fields start with an underscore, as the spec allows).
 */

import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { attributeStored } from "../../attribute/attribution.ts";
import type { TrackerDb } from "../../attribute/tracker-db.ts";
import type { CnameChains, ConsentRecord } from "../../capture/types.ts";
import { phaseOf } from "../../classify/consent-state.ts";
import { parseJson } from "../../util/json.ts";
import type { CrawlStore } from "../crawl-store.ts";
import { readMeta } from "../meta.ts";
import { postDataSql } from "../schema.ts";

interface NameValue {
  name: string;
  value: string;
}

export interface HarEntry {
  pageref: string;
  startedDateTime: string;
  time: number;
  request: {
    method: string;
    url: string;
    httpVersion: string;
    cookies: NameValue[];
    headers: NameValue[];
    queryString: NameValue[];
    postData?: { mimeType: string; text: string };
    headersSize: number;
    bodySize: number;
  };
  response: {
    status: number;
    statusText: string;
    httpVersion: string;
    cookies: NameValue[];
    headers: NameValue[];
    content: { size: number; mimeType: string };
    redirectURL: string;
    headersSize: number;
    bodySize: number;
  };
  cache: Record<string, never>;
  timings: { send: number; wait: number; receive: number };
  serverIPAddress?: string;
  _initiator?: string | null;
  _resourceType: string;
  _error?: string;
  _webSocketMessages?: Array<{ type: "send" | "receive"; time: number; opcode: number; data: string }>;
  _earshot: {
    party: string;
    entity: string | null;
    tracker: string | null;
    phase: string;
    targetKind: string;
    /** A first-party host that is an alias of a tracker's servers: its CNAME chain. */
    cname?: string[];
  };
}

export interface Har {
  log: {
    version: "1.2";
    creator: { name: string; version: string };
    browser?: { name: string; version: string };
    pages: Array<{
      startedDateTime: string;
      id: string;
      title: string;
      pageTimings: { onContentLoad: number; onLoad: number };
      _earshot: { site: string; depth: number; status: string; sensitive: string[] };
    }>;
    entries: HarEntry[];
  };
}

function headerList(text: string | null): NameValue[] {
  const object = parseJson<Record<string, unknown>>(text, {});
  return Object.entries(object && typeof object === "object" ? object : {}).flatMap(([name, value]) =>
    // Headers that repeat (Set-Cookie) were joined with newlines when captured.
    String(value)
      .split("\n")
      .map((v) => ({ name, value: v })),
  );
}

function iso(ms: number): string {
  return new Date(Number.isFinite(ms) ? ms : 0).toISOString();
}

function httpVersion(protocol: string | null): string {
  if (!protocol) return "HTTP/1.1";
  if (protocol === "h2") return "HTTP/2";
  if (protocol === "h3") return "HTTP/3";
  return protocol.toUpperCase();
}

/** What every entry of a page's HAR needs to know about the page. */
interface HarPageContext {
  pageref: string;
  url: string;
  startedAt: number;
  consent: ConsentRecord | null;
  trackerDb: TrackerDb | null;
  cnames: CnameChains | null;
}

type Row = Record<string, string | number | null>;

function requestEntry(r: Row, page: HarPageContext): HarEntry {
  const url = String(r.url);
  const requestHeaders = headerList(r.request_headers as string | null);
  const cookieHeader = requestHeaders.find((h) => h.name.toLowerCase() === "cookie")?.value ?? "";
  let queryString: NameValue[] = [];
  try {
    queryString = [...new URL(url).searchParams].map(([name, value]) => ({ name, value }));
  } catch {
    // Not a URL the WHATWG parser accepts: no query string.
  }
  const postData = r.body as string | null;
  const contentType =
    requestHeaders.find((h) => h.name.toLowerCase() === "content-type")?.value ?? "application/octet-stream";
  const headerMap = parseJson<Record<string, string>>(r.request_headers as string | null, {});
  const stored = { url, method: String(r.method), postData, requestHeaders: headerMap };
  const who = attributeStored(stored, page.url, page.trackerDb, page.cnames);
  const entry: HarEntry = {
    pageref: page.pageref,
    startedDateTime: iso(Number(r.sent_at)),
    time: 0,
    request: {
      method: String(r.method),
      url,
      httpVersion: httpVersion(r.protocol as string | null),
      cookies: cookieHeader
        ? cookieHeader.split(/;\s*/).map((pair) => {
            const i = pair.indexOf("=");
            return i < 0 ? { name: pair, value: "" } : { name: pair.slice(0, i), value: pair.slice(i + 1) };
          })
        : [],
      headers: requestHeaders,
      queryString,
      ...(postData !== null ? { postData: { mimeType: contentType, text: postData } } : {}),
      headersSize: -1,
      bodySize: postData !== null ? Number(r.post_data_length ?? postData.length) : 0,
    },
    response: {
      status: r.status === null ? 0 : Number(r.status),
      statusText: "",
      httpVersion: httpVersion(r.protocol as string | null),
      cookies: [],
      headers: headerList(r.response_headers as string | null),
      content: { size: Math.max(0, Number(r.encoded_size ?? 0)), mimeType: String(r.mime_type ?? "") },
      redirectURL: String(r.redirected_to ?? ""),
      headersSize: -1,
      bodySize: r.encoded_size === null ? -1 : Number(r.encoded_size),
    },
    cache: {},
    timings: { send: 0, wait: 0, receive: 0 },
    _initiator: r.initiator_url as string | null,
    _resourceType: String(r.resource_type),
    _earshot: {
      party: who.party,
      entity: who.entity,
      tracker: who.tracker,
      phase: phaseOf(page.consent, Number(r.sent_at)),
      targetKind: String(r.target_kind),
      ...(who.cname ? { cname: who.cname } : {}),
    },
  };
  if (r.remote_ip) entry.serverIPAddress = String(r.remote_ip);
  if (r.error) entry._error = String(r.error);
  return entry;
}

type Frame = { direction: string; opcode: number; payload: string; at: number };

/** A WebSocket as Chromium's own HAR export has it: an entry with its frames in _webSocketMessages. */
function socketEntry(w: Row, frames: Frame[], page: HarPageContext): HarEntry {
  const url = String(w.url);
  return {
    pageref: page.pageref,
    startedDateTime: iso(frames[0]?.at ?? page.startedAt),
    time: 0,
    request: {
      method: "GET",
      url,
      httpVersion: "HTTP/1.1",
      cookies: [],
      headers: [],
      queryString: [],
      headersSize: -1,
      bodySize: 0,
    },
    response: {
      status: w.status === null ? 0 : Number(w.status),
      statusText: "",
      httpVersion: "HTTP/1.1",
      cookies: [],
      headers: [],
      content: { size: 0, mimeType: "" },
      redirectURL: "",
      headersSize: -1,
      bodySize: -1,
    },
    cache: {},
    timings: { send: 0, wait: 0, receive: 0 },
    _initiator: w.initiator_url as string | null,
    _resourceType: "websocket",
    _webSocketMessages: frames.map((f) => ({
      type: f.direction === "sent" ? "send" : "receive",
      time: f.at / 1000,
      opcode: f.opcode,
      data: f.payload,
    })),
    _earshot: {
      party: attributeStored({ url, method: "GET", postData: null }, page.url, page.trackerDb).party,
      entity: null,
      tracker: null,
      phase: phaseOf(page.consent, frames[0]?.at ?? page.startedAt),
      targetKind: "page",
    },
  };
}

/** The HAR of one stored page. */
export async function pageHar(
  store: CrawlStore,
  pageId: number,
  creatorVersion: string,
  trackerDb: TrackerDb | null = null,
): Promise<Har | null> {
  const sql = store.sql;
  const page = await sql.get<{
    id: number;
    url: string;
    title: string | null;
    depth: number;
    status: string;
    started_at: number;
    sensitive: string;
    consent: string | null;
    cnames: string | null;
    site: string;
  }>(
    `SELECT p.id, p.url, p.title, p.depth, p.status, p.started_at, p.sensitive, p.consent, p.cnames, s.site FROM pages p
       JOIN sites s ON s.id = p.site_id WHERE p.id = ?`,
    [pageId],
  );
  if (!page) return null;
  const context: HarPageContext = {
    pageref: `page_${page.id}`,
    url: page.url,
    startedAt: page.started_at,
    consent: parseJson<ConsentRecord | null>(page.consent, null),
    trackerDb,
    cnames: page.cnames ? parseJson<CnameChains>(page.cnames, {}) : null,
  };
  const rows = await sql.all<Row>(
    `SELECT requests.*, ${postDataSql()} AS body FROM requests WHERE page_id = ? ORDER BY id`,
    [pageId],
  );
  const entries = rows.map((r) => requestEntry(r, context));
  const sockets = await sql.all<Row>("SELECT * FROM websockets WHERE page_id = ? ORDER BY id", [pageId]);
  const frames = await sql.all<Frame & { websocket_id: number }>(
    `SELECT f.websocket_id, f.direction, f.opcode, f.payload, f.at FROM websocket_frames f
       JOIN websockets w ON w.id = f.websocket_id WHERE w.page_id = ? ORDER BY f.id`,
    [pageId],
  );
  const framesOf = new Map<number, Frame[]>();
  for (const f of frames) {
    const list = framesOf.get(f.websocket_id) ?? [];
    list.push(f);
    framesOf.set(f.websocket_id, list);
  }
  for (const w of sockets) entries.push(socketEntry(w, framesOf.get(Number(w.id)) ?? [], context));
  const browser = (await readMeta(store, "browser")) ?? { version: null };
  return {
    log: {
      version: "1.2",
      creator: { name: "Earshot", version: creatorVersion },
      ...(browser.version ? { browser: { name: "Chromium", version: browser.version } } : {}),
      pages: [
        {
          startedDateTime: iso(page.started_at),
          id: context.pageref,
          title: page.title ?? page.url,
          pageTimings: { onContentLoad: -1, onLoad: -1 },
          _earshot: {
            site: page.site,
            depth: page.depth,
            status: page.status,
            sensitive: parseJson<string[]>(page.sensitive, []),
          },
        },
      ],
      entries,
    },
  };
}

/** Writes one HAR file per page into `dir` (`SITE/NN-PATH.har`); returns how many. */
export async function writeHarFiles(
  store: CrawlStore,
  dir: string,
  creatorVersion: string,
  trackerDb: TrackerDb | null = null,
): Promise<number> {
  const pages = await store.sql.all<{ id: number; url: string; site: string }>(
    "SELECT p.id, p.url, s.site FROM pages p JOIN sites s ON s.id = p.site_id ORDER BY s.position, p.id",
  );
  let count = 0;
  let site = "";
  let index = 0;
  for (const p of pages) {
    if (p.site !== site) {
      site = p.site;
      index = 0;
    }
    index++;
    const har = await pageHar(store, p.id, creatorVersion, trackerDb);
    if (!har) continue;
    const siteDir = join(dir, safeFileName(p.site));
    mkdirSync(siteDir, { recursive: true });
    writeFileSync(join(siteDir, `${pageFileName(index, p.url)}.har`), JSON.stringify(har, null, 1));
    count++;
  }
  return count;
}

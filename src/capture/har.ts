import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { createRequire } from "node:module";
import { bound, boundHeaders, clip } from "../util/bound.ts";
import { LIMITS } from "../util/limits.ts";
import { hostOf } from "../util/text.ts";
import { htmlToPageText } from "./html-text.ts";
import { newCapturedRequest } from "./request.ts";
import type { CapturedCookie, CapturedRequest, CapturedWebSocket, PageCapture, SiteResult } from "./types.ts";

const require = createRequire(import.meta.url);
// stream-json is CommonJS: its parser turns the file into tokens without holding it in memory.
const { parser } = require("stream-json") as { parser(options?: object): NodeJS.ReadWriteStream };
const Assembler = require("stream-json/Assembler") as new () => {
  current: unknown;
  done: boolean;
  consume(token: { name: string; value?: unknown }): void;
};

// Entries of one file held at once (each bounded like a captured request): a million is about 2 GB.
const MAX_ENTRIES = 1_000_000;

/** A HAR file that cannot be imported, with the reason in a few words. */
export class HarError extends Error {}

type Json = Record<string, unknown>;

/** What a HAR file holds, with its entries already turned into Earshot's records. */
export interface HarCapture {
  creator: { name: string; version: string } | null;
  sha256: string;
  pages: Array<{ id: string; title: string | null; startedAt: number }>;
  entries: HarRecord[];
  /** Entries beyond MAX_ENTRIES, left out. */
  dropped: number;
}

/** One HAR entry as a captured request, with what it says of its page, cookies and document. */
export interface HarRecord {
  pageref: string | null;
  request: CapturedRequest;
  cookies: CapturedCookie[];
  /** The HTML of a document response, when the HAR kept it (bounded). */
  html: string | null;
  webSocket: CapturedWebSocket | null;
}

const obj = (v: unknown): Json => (v && typeof v === "object" && !Array.isArray(v) ? (v as Json) : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const text = (v: unknown): string | null => (typeof v === "string" ? v : null);
const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);

/**
 * Reads a HAR 1.2 file as a stream: entries are assembled and converted one at a time, so a 100 MB
 * capture full of response bodies never sits in memory whole. Throws HarError for a file that is not
 * JSON, is cut short, or is not a HAR.
 */
export async function readHar(path: string): Promise<HarCapture> {
  const hash = createHash("sha256");
  const top = new Assembler();
  const entries: HarRecord[] = [];
  let dropped = 0;
  // Where the tokens are: each open container with the key it sits under, to find log.entries[i].
  const stack: Array<{ key: string | null; array: boolean }> = [];
  let key: string | null = null;
  let entry: InstanceType<typeof Assembler> | null = null;
  let entryDepth = 0;
  const inEntries = () =>
    stack.length === 3 && stack[1]?.key === "log" && stack[2]?.key === "entries" && stack[2].array;
  const onToken = (token: { name: string; value?: unknown }) => {
    if (entry) {
      entry.consume(token);
      if (token.name === "startObject" || token.name === "startArray") entryDepth++;
      else if (token.name === "endObject" || token.name === "endArray") entryDepth--;
      if (entryDepth === 0) {
        if (entries.length < MAX_ENTRIES) entries.push(harRecord(obj(entry.current), entries.length));
        else dropped++;
        entry = null;
      }
      return;
    }
    if (token.name === "startObject" && inEntries()) {
      entry = new Assembler();
      entry.consume(token);
      entryDepth = 1;
      return;
    }
    top.consume(token);
    if (token.name === "keyValue") key = String(token.value);
    else if (token.name === "startObject" || token.name === "startArray") {
      stack.push({ key, array: token.name === "startArray" });
      key = null;
    } else if (token.name === "endObject" || token.name === "endArray") stack.pop();
  };
  await new Promise<void>((resolve, reject) => {
    const file = createReadStream(path);
    const tokens = parser({ streamValues: false });
    file.on("data", (chunk) => hash.update(chunk));
    file.on("error", (error: NodeJS.ErrnoException) =>
      reject(new HarError(`cannot read it (${error.code})`)),
    );
    tokens.on("data", onToken);
    tokens.on("error", (error: Error) => reject(new HarError(`not valid JSON (${shortReason(error)})`)));
    tokens.on("end", () => resolve());
    file.pipe(tokens);
  });
  if (!top.done) throw new HarError("the file ends before its JSON does (truncated?)");
  const log = obj(obj(top.current).log);
  if (!Object.keys(log).length) throw new HarError('no "log" object: not a HAR file');
  if (!Array.isArray(log.entries)) throw new HarError('no "log.entries": not a HAR file');
  const creator = obj(log.creator);
  return {
    creator: text(creator.name)
      ? { name: String(creator.name), version: String(creator.version ?? "") }
      : null,
    sha256: hash.digest("hex"),
    pages: arr(log.pages).map((p) => ({
      id: String(obj(p).id ?? ""),
      title: text(obj(p).title),
      startedAt: Date.parse(String(obj(p).startedDateTime ?? "")) || 0,
    })),
    entries,
    dropped,
  };
}

function shortReason(error: Error): string {
  return (error.message.split("\n")[0] ?? "").slice(0, 120);
}

function headerMap(list: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const h of arr(list)) {
    const name = text(obj(h).name)?.toLowerCase();
    const value = text(obj(h).value);
    // HTTP/2 pseudo-headers (:authority, :path) are how Chrome writes the request line: not headers.
    if (!name || value === null || name.startsWith(":")) continue;
    out[name] = out[name] ? `${out[name]}${name === "cookie" ? "; " : ", "}${value}` : value;
  }
  return boundHeaders(out, LIMITS.headersPerMessage, LIMITS.headerValue);
}

/** The body as sent: `postData.text`, or its `params` form-encoded (some writers keep only those). */
function postBody(postData: Json): string | null {
  const raw = text(postData.text);
  if (raw !== null && raw !== "") return raw;
  const params = arr(postData.params);
  if (params.length === 0) return null;
  return params
    .map(
      (p) =>
        `${encodeURIComponent(String(obj(p).name ?? ""))}=${encodeURIComponent(String(obj(p).value ?? ""))}`,
    )
    .join("&");
}

const RESOURCE_BY_MIME: Array<[RegExp, string]> = [
  [/html/, "document"],
  [/javascript|ecmascript/, "script"],
  [/css/, "stylesheet"],
  [/^image\//, "image"],
  [/font/, "font"],
];

function resourceTypeOf(entry: Json, mime: string | null): string {
  const given = text(entry._resourceType);
  if (given) return given.toLowerCase();
  for (const [pattern, type] of RESOURCE_BY_MIME) if (mime && pattern.test(mime)) return type;
  return "other";
}

function harRecord(entry: Json, index: number): HarRecord {
  const req = obj(entry.request);
  const res = obj(entry.response);
  const url = clip(text(req.url) ?? "", LIMITS.url) ?? "";
  const headers = headerMap(req.headers);
  const sentCookies = arr(req.cookies).map(obj);
  if (!headers.cookie && sentCookies.length > 0)
    headers.cookie = sentCookies
      .map((c) => `${c.name}=${c.value}`)
      .join("; ")
      .slice(0, LIMITS.headerValue);
  const body = postBody(obj(req.postData));
  const kept = body === null ? null : bound(body, LIMITS.postBody);
  const answered = Object.keys(res).length > 0;
  const responseHeaders = answered ? headerMap(res.headers) : null;
  const mime = text(obj(res.content).mimeType) ?? responseHeaders?.["content-type"] ?? null;
  const status = num(res.status);
  const initiator = obj(entry._initiator);
  const request = newCapturedRequest({
    requestId: `har-${index}`,
    targetKind: "page",
    url,
    method: (text(req.method) ?? "GET").toUpperCase(),
    resourceType: resourceTypeOf(entry, mime),
    requestHeaders: headers,
    postData: kept?.text ?? null,
    postDataLength: kept?.length ?? null,
    postDataSha256: kept?.sha256 ?? null,
    initiatorType: text(initiator.type),
    initiatorUrl: clip(text(initiator.url) ?? stackUrl(initiator.stack), LIMITS.url),
    sentAt: Date.parse(String(entry.startedDateTime ?? "")) || 0,
    // Status 0 is how HAR writers record a request that got no response.
    status: status && status > 0 ? status : null,
    responseHeaders,
    remoteIp: clip(text(entry.serverIPAddress), 64),
    mimeType: clip(mime, 200),
    fromCache: Boolean(entry._fromCache),
    error: clip(text(res._error) ?? (status === 0 ? "no response" : null), LIMITS.errorText),
    redirectedTo: clip(text(res.redirectURL) || null, LIMITS.url),
  });
  return {
    pageref: text(entry.pageref),
    request,
    cookies: cookiesOf(sentCookies, arr(res.cookies).map(obj), url),
    html: request.resourceType === "document" ? documentHtml(obj(res.content)) : null,
    webSocket: webSocketOf(entry, url),
  };
}

function stackUrl(stack: unknown): string | null {
  for (let s = obj(stack); Object.keys(s).length; s = obj(s.parent)) {
    const frame = arr(s.callFrames)
      .map(obj)
      .find((f) => text(f.url));
    if (frame) return text(frame.url);
  }
  return null;
}

/** Cookies the request sent and the response set, as cookie records (the HAR has no cookie jar). */
function cookiesOf(sent: Json[], set: Json[], url: string): CapturedCookie[] {
  const host = hostOf(url);
  if (host === null) return [];
  const cookie = (c: Json, setBy: string | null): CapturedCookie | null => {
    const name = text(c.name);
    const value = text(c.value) ?? "";
    if (!name) return null;
    const kept = bound(value, LIMITS.cookieValue);
    const expires = Date.parse(String(c.expires ?? ""));
    return {
      name: clip(name, 256) ?? name,
      domain: text(c.domain) ?? host,
      path: text(c.path) ?? "/",
      value: kept.text,
      valueLength: kept.length,
      valueSha256: kept.sha256,
      expires: Number.isFinite(expires) ? Math.floor(expires / 1000) : null,
      httpOnly: Boolean(c.httpOnly),
      secure: Boolean(c.secure),
      sameSite: text(c.sameSite),
      setBy,
    };
  };
  return [...sent.map((c) => cookie(c, null)), ...set.map((c) => cookie(c, url))].filter(
    (c): c is CapturedCookie => c !== null,
  );
}

function documentHtml(content: Json): string | null {
  const body = text(content.text);
  if (!body) return null;
  const html = content.encoding === "base64" ? Buffer.from(body, "base64").toString("utf8") : body;
  return html.slice(0, LIMITS.evidenceHtml);
}

function webSocketOf(entry: Json, url: string): CapturedWebSocket | null {
  const messages = arr(entry._webSocketMessages).map(obj);
  if (!/^wss?:/.test(url) && messages.length === 0) return null;
  return {
    requestId: `har-ws-${url.length}-${messages.length}`,
    url,
    initiatorUrl: null,
    status: num(obj(entry.response).status),
    frames: messages.slice(0, LIMITS.webSocketFramesPerSocket).map((m) => {
      const payload = bound(String(m.data ?? ""), LIMITS.webSocketFramePayload);
      return {
        direction: m.type === "send" ? "sent" : "received",
        opcode: num(m.opcode) ?? 1,
        payload: payload.text,
        payloadLength: payload.length,
        at: Math.round((num(m.time) ?? 0) * 1000),
      };
    }),
    droppedFrames: Math.max(0, messages.length - LIMITS.webSocketFramesPerSocket),
    error: null,
  };
}

/** Top-level documents in order: where each page of a HAR without `pages` starts. */
function isTopDocument(r: CapturedRequest): boolean {
  const dest = r.requestHeaders["sec-fetch-dest"];
  return r.resourceType === "document" && (dest === undefined || dest === "document");
}

/**
 * The pages of a HAR: each top-level document starts one (a redirect's next hop does not), within
 * each `log.pages` entry when there are some (Playwright keeps one per tab, Chrome one per navigation).
 */
function pageGroups(har: HarCapture): Array<{ title: string | null; records: HarRecord[] }> {
  const byPage = new Map<string, HarRecord[]>();
  for (const r of har.entries) {
    const id = har.pages.some((p) => p.id === r.pageref) ? (r.pageref ?? "") : (har.pages.at(-1)?.id ?? "");
    const list = byPage.get(id);
    if (list) list.push(r);
    else byPage.set(id, [r]);
  }
  const titles = new Map(har.pages.map((p) => [p.id, p.title]));
  const groups: Array<{ title: string | null; records: HarRecord[] }> = [];
  for (const [id, records] of byPage) {
    const mine: typeof groups = [];
    let lastDocument: CapturedRequest | null = null;
    for (const r of records) {
      const starts =
        isTopDocument(r.request) && !(lastDocument && lastDocument.redirectedTo === r.request.url);
      if (starts || mine.length === 0) mine.push({ title: null, records: [] });
      if (isTopDocument(r.request)) lastDocument = r.request;
      mine[mine.length - 1]?.records.push(r);
    }
    // A page's title in the HAR names its first navigation.
    if (mine[0]) mine[0].title = titles.get(id) ?? null;
    groups.push(...mine);
  }
  return groups;
}

/** The page a group of entries makes: its document, requests, cookies and text. */
function pageOf(group: { title: string | null; records: HarRecord[] }, depth: number): PageCapture {
  const records = group.records.slice(0, LIMITS.requestsPerPage);
  const requests = records.map((r) => r.request);
  // The page is where its top document ended up: the last hop of the first document's redirects.
  const first = requests.find(isTopDocument) ?? requests[0];
  let doc = first;
  while (doc?.redirectedTo) {
    const next = requests.find((r) => r.url === doc?.redirectedTo && r !== doc);
    if (!next) break;
    doc = next;
  }
  const url = doc?.url ?? "about:blank";
  const html = records.find((r) => r.request === doc)?.html ?? null;
  const text = html ? htmlToPageText(html) : null;
  const cookies = new Map<string, CapturedCookie>();
  for (const c of records.flatMap((r) => r.cookies))
    if (cookies.size < LIMITS.cookiesPerPage) cookies.set(`${c.domain} ${c.name}`, c);
  const times = requests.map((r) => r.sentAt).filter((t) => t > 0);
  // Chrome titles pages with their address; a real title is better evidence.
  const title = text?.title ?? (group.title && group.title !== url ? group.title : null);
  return {
    depth,
    requestedUrl: first?.url ?? url,
    finalUrl: url,
    title: clip(title, LIMITS.title),
    content: text?.content ?? { headings: [], description: null, text: "" },
    consent: null,
    status: "ok",
    httpStatus: doc?.status ?? null,
    error: null,
    startedAt: times.length ? Math.min(...times) : 0,
    endedAt: times.length ? Math.max(...times) : 0,
    requests,
    cookies: [...cookies.values()],
    storage: [],
    webSockets: records.map((r) => r.webSocket).filter((w): w is CapturedWebSocket => w !== null),
    events: [],
  };
}

/** The host a page is of, lowercased: the name a site is known by. */
export function siteOfUrl(url: string): string | null {
  try {
    const u = new URL(url);
    return /^https?:$/.test(u.protocol) ? u.hostname.toLowerCase() : null;
  } catch {
    return null;
  }
}

/** A HAR's pages as sites: by the host of each page, or all under `site` when one is given. */
export function harSites(har: HarCapture, site: string | null): SiteResult[] {
  const bySite = new Map<string, SiteResult>();
  for (const group of pageGroups(har)) {
    const page = pageOf(group, 0);
    const name = site ?? siteOfUrl(page.finalUrl);
    if (!name) continue;
    let result = bySite.get(name);
    if (result) page.depth = 1;
    else {
      result = {
        site: name,
        inputUrl: page.requestedUrl,
        finalUrl: page.finalUrl,
        status: "ok",
        error: null,
        errorDetail: null,
        pages: [],
        startedAt: page.startedAt,
        endedAt: page.endedAt,
      };
      bySite.set(name, result);
    }
    result.pages.push(page);
    result.endedAt = Math.max(result.endedAt, page.endedAt);
  }
  return [...bySite.values()];
}

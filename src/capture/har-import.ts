import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { createRequire } from "node:module";
import { bound, boundHeaders, clip } from "../util/bound.ts";
import { LIMITS } from "../util/limits.ts";
import { hostOf } from "../util/text.ts";
import { newCapturedRequest } from "./request.ts";
import type { CapturedCookie, CapturedRequest, CapturedWebSocket } from "./types.ts";

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

/** One HAR entry as a captured request, with what it says of its page, frame, cookies and document. */
export interface HarRecord {
  /** Position in the file (entries are read in file order). */
  index: number;
  pageref: string | null;
  /** The frame that made it, where the producer names frames (Playwright's `_frameref`, `_frameId`). */
  frameRef: string | null;
  /** WebPageTest's mark on the page's own document. */
  isBasePage: boolean;
  /** The producer itself called it a document (`_resourceType`, `_request_type`), not a guess from its answer. */
  declaredDocument: boolean;
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
    let first = true;
    file.on("data", (data: string | Buffer) => {
      const chunk = typeof data === "string" ? Buffer.from(data) : data;
      hash.update(chunk);
      // A byte-order mark is allowed before a HAR's JSON (the spec says to ignore it); the parser is not told of it.
      const bom = first && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf;
      first = false;
      // Backpressure as pipe() would: the parser's buffer never holds more than a chunk or two.
      if (!tokens.write(bom ? chunk.subarray(3) : chunk)) {
        file.pause();
        tokens.once("drain", () => file.resume());
      }
    });
    file.on("end", () => tokens.end());
    file.on("error", (error: NodeJS.ErrnoException) =>
      reject(new HarError(`cannot read it (${error.code})`)),
    );
    tokens.on("data", onToken);
    tokens.on("error", (error: Error) => reject(new HarError(`not valid JSON (${shortReason(error)})`)));
    tokens.on("end", () => resolve());
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
    out[name] = out[name] ? `${out[name]}${name === "cookie" ? "; " : "\n"}${value}` : value;
  }
  return boundHeaders(out, LIMITS.headersPerMessage, LIMITS.headerValue);
}

/** The body as sent: `postData.text`, or its `params` form-encoded (some writers keep only those). */
function postBody(postData: Json): string | null {
  const raw = text(postData.text);
  if (raw !== null && raw !== "")
    return postData.encoding === "base64" ? Buffer.from(raw, "base64").toString("utf8") : raw;
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

/** Sec-Fetch-Dest as the browser sent it, in CDP's resource types. */
const RESOURCE_BY_DEST: Record<string, string> = {
  document: "document",
  iframe: "document",
  frame: "document",
  script: "script",
  style: "stylesheet",
  image: "image",
  font: "font",
  audio: "media",
  video: "media",
  track: "media",
  manifest: "manifest",
  worker: "script",
  sharedworker: "script",
  serviceworker: "script",
};

/**
 * What kind of resource an entry fetched: the producer's word (`_resourceType`, WebPageTest's
 * `_request_type`), else what the browser said it wanted (Sec-Fetch-Dest, Accept), else the answer's
 * type. Not the answer's type first: a tracker's image pixel that redirects answers with text/html.
 */
function resourceTypeOf(entry: Json, headers: Record<string, string>, mime: string | null): string {
  const given = text(entry._resourceType) ?? text(entry._request_type);
  if (given) return given.toLowerCase();
  const dest = headers["sec-fetch-dest"];
  if (dest && RESOURCE_BY_DEST[dest]) return RESOURCE_BY_DEST[dest];
  if (dest === "empty") return headers["x-requested-with"] ? "xhr" : "fetch";
  const accept = headers.accept ?? "";
  if (/^image\//.test(accept)) return "image";
  if (/^text\/css/.test(accept)) return "stylesheet";
  for (const [pattern, type] of RESOURCE_BY_MIME) if (mime && pattern.test(mime)) return type;
  return "other";
}

/** The initiator in each producer's shape: an object (DevTools, Firefox), or chrome-har's and WebPageTest's fields. */
function initiatorOf(entry: Json): { type: string | null; url: string | null; stack: string | null } {
  const given = entry._initiator;
  const detail = parseJson(text(entry._initiator_detail));
  const initiator = given && typeof given === "object" ? obj(given) : detail;
  const top = topFrame(initiator.stack);
  const url =
    text(initiator.url) ??
    top?.url ??
    (typeof given === "string" && given ? given : null) ??
    text(entry._initiator_url);
  const fn = top?.functionName ?? text(entry._initiator_function_name) ?? text(entry._initiator_function);
  const line = top?.line ?? num(entry._initiator_line);
  const stack = url && (fn || line !== null) ? `${fn ?? ""}@${url}:${line ?? 0}` : null;
  return { type: text(initiator.type) ?? text(entry._initiator_type), url, stack };
}

function parseJson(value: string | null): Json {
  if (!value) return {};
  try {
    return obj(JSON.parse(value));
  } catch {
    return {};
  }
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
  const mime = text(obj(res.content).mimeType) || responseHeaders?.["content-type"] || null;
  const status = num(res.status);
  const initiator = initiatorOf(entry);
  const request = newCapturedRequest({
    requestId: `har-${index}`,
    targetKind: "page",
    url,
    method: (text(req.method) ?? "GET").toUpperCase(),
    resourceType: resourceTypeOf(entry, headers, mime),
    requestHeaders: headers,
    postData: kept?.text ?? null,
    postDataLength: kept?.length ?? null,
    postDataSha256: kept?.sha256 ?? null,
    initiatorType: initiator.type,
    initiatorUrl: clip(initiator.url, LIMITS.url),
    initiatorStack: clip(initiator.stack, LIMITS.url),
    sentAt: Date.parse(String(entry.startedDateTime ?? "")) || 0,
    // Status 0 (or -1) is how HAR writers record a request that got no response.
    status: status && status > 0 ? status : null,
    responseHeaders,
    remoteIp: clip(text(entry.serverIPAddress)?.replace(/^\[|\]$/g, "") || null, 64),
    mimeType: clip(mime, 200),
    protocol: clip(text(res.httpVersion) || text(req.httpVersion) || null, 32),
    fromCache: Boolean(entry._fromCache) || Object.keys(obj(obj(entry.cache).beforeRequest)).length > 0,
    encodedSize: num(res._transferSize),
    error: clip(
      text(res._error) ?? text(entry._error) ?? (status === 0 || status === -1 ? "no response" : null),
      LIMITS.errorText,
    ),
    redirectedTo: redirectTarget(url, text(res.redirectURL) || responseHeaders?.location || null, status),
  });
  const frameRef = text(entry._frameref) ?? text(entry._frameId) ?? text(entry._frame_id);
  request.frameId = clip(frameRef, 128);
  return {
    index,
    pageref: text(entry.pageref),
    frameRef,
    isBasePage: entry._is_base_page === true || entry._is_base_page === "true",
    declaredDocument: /^document$/i.test(text(entry._resourceType) ?? text(entry._request_type) ?? ""),
    request,
    cookies: cookiesOf(sentCookies, setCookies(res, responseHeaders), url),
    html: request.resourceType === "document" ? documentHtml(obj(res.content)) : null,
    webSocket: webSocketOf(entry, url, index),
  };
}

/** Where a redirect went, resolved against the request (writers keep the Location as sent, often relative). */
function redirectTarget(url: string, location: string | null, status: number | null): string | null {
  if (!location || status === null || status < 300 || status >= 400) return null;
  try {
    return clip(new URL(location, url).href, LIMITS.url);
  } catch {
    return null;
  }
}

function topFrame(stack: unknown): { url: string; functionName: string | null; line: number | null } | null {
  for (let s = obj(stack); Object.keys(s).length; s = obj(s.parent)) {
    const frame = arr(s.callFrames)
      .map(obj)
      .find((f) => text(f.url));
    if (frame)
      return {
        url: String(frame.url),
        functionName: text(frame.functionName) || null,
        line: num(frame.lineNumber),
      };
  }
  return null;
}

/**
 * The cookies a response set: the writer's `cookies`, else its Set-Cookie headers (proxies and some
 * writers keep only those; several may be joined by new lines).
 */
function setCookies(res: Json, headers: Record<string, string> | null): Json[] {
  const listed = arr(res.cookies).map(obj);
  if (listed.length > 0 || !headers?.["set-cookie"]) return listed;
  return headers["set-cookie"]
    .split("\n")
    .map(parseSetCookie)
    .filter((c): c is Json => c !== null);
}

function parseSetCookie(line: string): Json | null {
  const [pair, ...attributes] = line.split(";");
  const eq = pair?.indexOf("=") ?? -1;
  if (!pair || eq <= 0) return null;
  const cookie: Json = { name: pair.slice(0, eq).trim(), value: pair.slice(eq + 1).trim() };
  for (const attribute of attributes) {
    const [key = "", ...rest] = attribute.split("=");
    const name = key.trim().toLowerCase();
    const value = rest.join("=").trim();
    if (name === "domain") cookie.domain = value;
    else if (name === "path") cookie.path = value;
    else if (name === "expires") cookie.expires = value;
    else if (name === "max-age" && Number.isFinite(Number(value)))
      cookie.expires = new Date(Date.now() + Number(value) * 1000).toISOString();
    else if (name === "httponly") cookie.httpOnly = true;
    else if (name === "secure") cookie.secure = true;
    else if (name === "samesite") cookie.sameSite = value;
  }
  return cookie;
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

function webSocketOf(entry: Json, url: string, index: number): CapturedWebSocket | null {
  const messages = arr(entry._webSocketMessages).map(obj);
  if (!/^wss?:/.test(url) && messages.length === 0) return null;
  return {
    requestId: `har-${index}`,
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

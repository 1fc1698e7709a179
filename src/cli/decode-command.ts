import { readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { findingsForPage } from "../analyze/findings.ts";
import { attributeRequest } from "../attribute/attribute-request.ts";
import { newCapturedRequest } from "../capture/request.ts";
import { DEFAULT_IDENTITY } from "../crawl/identity.ts";
import { decodeRequest, decoderInput, meaningsOf } from "../decode/index.ts";
import type { DecoderInput } from "../decode/types.ts";
import { UsageError } from "./usage.ts";

/** One request to decode, as `--url …` gives it or as one line of `--stdin`. */
interface RequestToDecode {
  url: string;
  method: string;
  body: string | null;
  headers: Record<string, string>;
  pageUrl: string | null;
  /** The same, parsed for the decoders. */
  input: DecoderInput;
}

/** A request to decode from its parts, or why it is not one (the method, or the address). */
function toRequest(
  url: string,
  method: string,
  body: string | null,
  headers: Record<string, string>,
  pageUrl: string | null,
): RequestToDecode | "method" | "url" {
  if (!/^[A-Z]+$/.test(method)) return "method";
  const input = decoderInput(url, method, body, headers);
  if (!input) return "url";
  return { url, method, body, headers, pageUrl, input };
}

/**
 * `earshot decode --url URL [--method M] [--body TEXT | --body-file FILE] [--page-url URL]`:
 * one JSON object, in the vocabulary of a finding, or {"vendor": null}.
 * `earshot decode --stdin`: JSON lines in (`{"url","method","body","headers","pageUrl"}`), one JSON
 * object a line out, in the same order; a line that is not a request gets `{"line": N, "error": …}`.
 */
export async function decodeCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      url: { type: "string" },
      method: { type: "string" },
      body: { type: "string" },
      "body-file": { type: "string" },
      "page-url": { type: "string" },
      stdin: { type: "boolean" },
    },
  });
  if (values.stdin) {
    if (values.url) throw new UsageError("give --url or --stdin, not both");
    return decodeLines();
  }
  if (!values.url) throw new UsageError("decode needs --url URL (or --stdin for JSON lines)");
  if (values.body !== undefined && values["body-file"] !== undefined) {
    throw new UsageError("give --body or --body-file, not both");
  }
  let body = values.body ?? null;
  if (values["body-file"] !== undefined) {
    try {
      body = readFileSync(values["body-file"], "utf8");
    } catch (error) {
      throw new UsageError(
        `cannot read --body-file ${values["body-file"]}: ${(error as NodeJS.ErrnoException).code}`,
      );
    }
  }
  const method = (values.method ?? (body ? "POST" : "GET")).toUpperCase();
  const request = toRequest(values.url, method, body, {}, values["page-url"] ?? null);
  if (request === "method") throw new UsageError(`--method must be an HTTP method, not "${values.method}"`);
  if (request === "url") throw new UsageError(`--url is not an http(s) URL: ${values.url.slice(0, 200)}`);
  process.stdout.write(`${JSON.stringify(decodeOne(request))}\n`);
  return 0;
}

/** What one request carried, in the vocabulary of a finding; `{vendor: null}` when no decoder knows it. */
export function decodeOne(request: RequestToDecode): Record<string, unknown> {
  const { url, method, body, headers } = request;
  const beacon = decodeRequest(request.input);
  if (!beacon) return { vendor: null };
  const pageUrl = request.pageUrl ?? beacon.pageUrl ?? "";
  const who = attributeRequest(url, pageUrl || url, beacon);
  // The same analysis a crawl runs, over a page of one request.
  const [finding] = findingsForPage(
    {
      pageUrl,
      title: null,
      content: { headings: [], description: null, text: "" },
      cookies: [],
      storage: [],
      requests: [
        newCapturedRequest({
          requestId: "decode",
          targetKind: "page",
          documentUrl: pageUrl || null,
          url,
          method,
          resourceType: "other",
          requestHeaders: headers,
          postData: body,
          postDataLength: body?.length ?? null,
          sentAt: 0,
        }),
      ],
    },
    // Leaks of the built-in synthetic identity are reported as a crawl would report them.
    { identity: DEFAULT_IDENTITY },
  );
  const dataShared = (finding?.dataShared ?? []).filter((d) => headers["user-agent"] || d !== "user_agent");
  return {
    vendor: beacon.vendor,
    entity: beacon.entity,
    tracker: beacon.tracker,
    kind: beacon.kind,
    party: pageUrl ? who.party : null,
    pixelIds: beacon.pixelIds,
    events: beacon.events,
    dataShared,
    leaks: finding?.leaks ?? [],
    identifiers: (finding?.identifiers ?? []).map((i) => ({
      name: i.name,
      source: i.source,
      value: i.value,
    })),
    pageUrl: beacon.pageUrl,
    referrer: beacon.referrer,
    pageTitle: beacon.pageTitle,
    details: beacon.details,
    meanings: meaningsOf(beacon),
  };
}

/** A line of `--stdin` as a request, or why it is not one. */
function parseLine(line: string): RequestToDecode | string {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return "not JSON";
  }
  if (!value || typeof value !== "object" || Array.isArray(value)) return "not a JSON object";
  const v = value as Record<string, unknown>;
  if (typeof v.url !== "string") return 'no "url" string';
  const body = typeof v.body === "string" ? v.body : null;
  const method = typeof v.method === "string" ? v.method.toUpperCase() : body ? "POST" : "GET";
  const headers: Record<string, string> = {};
  if (v.headers && typeof v.headers === "object" && !Array.isArray(v.headers)) {
    for (const [name, text] of Object.entries(v.headers))
      if (typeof text === "string") headers[name.toLowerCase()] = text;
  }
  const request = toRequest(v.url, method, body, headers, typeof v.pageUrl === "string" ? v.pageUrl : null);
  if (request === "method") return '"method" is not an HTTP method';
  if (request === "url") return '"url" is not an http(s) URL';
  return request;
}

/** JSON lines in, one JSON line out for each, written in large chunks with backpressure. */
async function decodeLines(): Promise<number> {
  const lines = createInterface({ input: process.stdin, crlfDelay: Number.POSITIVE_INFINITY });
  let chunk: string[] = [];
  let n = 0;
  let bad = 0;
  const flush = async () => {
    if (chunk.length === 0) return;
    const text = chunk.join("");
    chunk = [];
    if (!process.stdout.write(text)) await new Promise((resolve) => process.stdout.once("drain", resolve));
  };
  for await (const line of lines) {
    n++;
    if (!line.trim()) continue;
    const request = parseLine(line);
    if (typeof request === "string") {
      bad++;
      chunk.push(`${JSON.stringify({ line: n, error: request })}\n`);
    } else chunk.push(`${JSON.stringify({ line: n, ...decodeOne(request) })}\n`);
    if (chunk.length >= 2000) await flush();
  }
  await flush();
  if (bad > 0)
    process.stderr.write(`earshot: decode: ${bad} of ${n} lines were not requests (see "error")\n`);
  return 0;
}

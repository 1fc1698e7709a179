import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { attributeRequest } from "../attribute/attribute-request.ts";
import { newCapturedRequest } from "../capture/request.ts";
import { DEFAULT_IDENTITY } from "../crawl/identity.ts";
import { findingsForPage } from "../decode/findings.ts";
import { decodeRequest, decoderInput } from "../decode/index.ts";
import { UsageError } from "./usage.ts";

/**
 * `earshot decode --url URL [--method M] [--body TEXT | --body-file FILE] [--page-url URL]`:
 * one JSON object, in the vocabulary of a finding, or {"vendor": null}.
 */
export function decodeCommand(argv: string[]): number {
  const { values } = parseArgs({
    args: argv,
    options: {
      url: { type: "string" },
      method: { type: "string" },
      body: { type: "string" },
      "body-file": { type: "string" },
      "page-url": { type: "string" },
    },
  });
  if (!values.url) throw new UsageError("decode needs --url URL");
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
  if (!/^[A-Z]+$/.test(method))
    throw new UsageError(`--method must be an HTTP method, not "${values.method}"`);
  const input = decoderInput(values.url, method, body);
  if (!input) throw new UsageError(`--url is not an http(s) URL: ${values.url.slice(0, 200)}`);
  const beacon = decodeRequest(input);
  if (!beacon) {
    process.stdout.write(`${JSON.stringify({ vendor: null })}\n`);
    return 0;
  }
  const pageUrl = values["page-url"] ?? beacon.pageUrl ?? "";
  const who = attributeRequest(values.url, pageUrl || values.url, beacon);
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
          url: values.url,
          method,
          resourceType: "other",
          postData: body,
          postDataLength: body?.length ?? null,
          sentAt: 0,
        }),
      ],
    },
    // Leaks of the built-in synthetic identity are reported as a crawl would report them.
    { identity: DEFAULT_IDENTITY },
  );
  const dataShared = (finding?.dataShared ?? []).filter((d) => d !== "user_agent");
  process.stdout.write(
    `${JSON.stringify({
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
    })}\n`,
  );
  return 0;
}

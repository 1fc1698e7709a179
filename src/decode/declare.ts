import { decodeUriSafe } from "../util/text.ts";
import { addUnique, allParams, customParams, hostIs, identify, matching, newBeacon } from "./params.ts";
import type { Beacon, Decoder, DecoderInput, DecoderNames, VendorExample } from "./types.ts";

/**
 * A vendor's wire format as data: where its requests go, which parameters name the account and the
 * event, and which carry the page, identifiers and personal data. Most pixels are a GET with query
 * parameters (or the same as a form body), so most vendors are one of these; formats that need code
 * (JSON batches, compressed bodies) write a `Decoder` by hand.
 */
export interface PixelFormat {
  /** Hosts (and their subdomains) the vendor's requests go to. */
  hosts: string[];
  /** Paths of the requests that carry data. */
  beacon: RegExp;
  /** Paths of its script or configuration: a loader names the account but carries no event. */
  loader?: RegExp;
  /** Parameters of `;k=v` (Quantcast, Floodlight) or `/k=v` (Lotame) in the path. */
  pathParams?: ";" | "/";
  /** Parameters that name the account, pixel or advertiser; a value may list several, comma-separated. */
  account?: string[];
  /** The account when the URL names it elsewhere (a path segment, a subdomain). */
  accountFrom?: (url: URL) => string | null | undefined;
  /** Parameters whose value is the event name, in order of preference: the first non-empty one wins. */
  event?: string[];
  /** The event when the request names none, for endpoints that only ever report one thing. */
  impliedEvent?: string;
  pageUrl?: string[];
  referrer?: string[];
  title?: string[];
  /** Parameters that carry a persistent identifier, with the cookie the vendor keeps it in (or null). */
  ids?: Record<string, string | null>;
  email?: string[];
  phone?: string[];
  /** Parameters that are custom data (products, values, segments, free-form fields). */
  custom?: RegExp;
  /** The loader's parameters that name the account. */
  loaderAccount?: string[];
}

/** Parameters of the path, `;k=v;k2=v2` or `/k=v/k2=v2`, URL-decoded; empty values dropped. */
export function pathParams(pathname: string, separator: ";" | "/"): Map<string, string> {
  const params = new Map<string, string>();
  for (const part of pathname.split(separator)) {
    const eq = part.indexOf("=");
    if (eq <= 0) continue;
    const value = decodeUriSafe(part.slice(eq + 1));
    if (value) params.set(part.slice(0, eq), value);
  }
  return params;
}

function first(params: Map<string, string>, names: string[] | undefined): string | null {
  for (const name of names ?? []) {
    const value = params.get(name);
    if (value) return value;
  }
  return null;
}

function accounts(params: Map<string, string>, names: string[] | undefined): string[] {
  const out: string[] = [];
  for (const name of names ?? [])
    for (const id of (params.get(name) ?? "").split(",")) addUnique(out, id.trim());
  return out;
}

/** Reads a declared pixel's parameters into a beacon. */
function readPixel(beacon: Beacon, format: PixelFormat, params: Map<string, string>, url: URL): void {
  addUnique(beacon.pixelIds, ...accounts(params, format.account), format.accountFrom?.(url));
  addUnique(beacon.events, first(params, format.event) ?? format.impliedEvent);
  beacon.pageUrl = first(params, format.pageUrl);
  beacon.referrer = first(params, format.referrer);
  beacon.pageTitle = first(params, format.title);
  for (const [param, cookie] of Object.entries(format.ids ?? {}))
    identify(beacon, param, params.get(param), cookie ?? undefined);
  for (const name of format.email ?? []) matching(beacon, "email", params.get(name) ?? null);
  for (const name of format.phone ?? []) matching(beacon, "phone", params.get(name) ?? null);
  const custom = format.custom;
  if (custom) customParams(beacon, params, (k) => custom.test(k));
}

/** A decoder from a declared format (and the vendor's recorded requests, which its tests replay). */
export function declarePixel(
  names: DecoderNames,
  format: PixelFormat,
  examples: VendorExample[] = [],
): Decoder {
  return {
    ...names,
    examples,
    decode(input: DecoderInput): Beacon | null {
      const { url } = input;
      if (!hostIs(url, ...format.hosts)) return null;
      if (format.loader?.test(url.pathname)) {
        const beacon = newBeacon(this, "loader");
        const params = allParams(input);
        addUnique(beacon.pixelIds, ...accounts(params, format.loaderAccount), format.accountFrom?.(url));
        return beacon;
      }
      if (!format.beacon.test(url.pathname)) return null;
      const params = allParams(input);
      if (format.pathParams) {
        for (const [k, v] of pathParams(url.pathname, format.pathParams))
          if (!params.has(k)) params.set(k, v);
      }
      const beacon = newBeacon(this);
      readPixel(beacon, format, params, url);
      return beacon;
    },
  };
}

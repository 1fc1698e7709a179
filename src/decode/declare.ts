import { decodeUriSafe } from "../util/text.ts";
import { addUnique, allParams, customParams, hostIs, identify, matching, newBeacon } from "./params.ts";
import type { Beacon, Decoder, DecoderInput, DecoderNames, VendorExample } from "./types.ts";

/**
 * A vendor's wire format as data: where its requests go, which parameters name the account and the
 * event, and which carry the page, identifiers and personal data, with what each one means. Most
 * pixels are a GET with query parameters (or the same as a form body), so most vendors are this and
 * nothing else. Formats that need code (JSON batches, compressed bodies, relays on any host) add a
 * `read` hook that runs after the declared fields, as Omnibug's providers do; each says why.
 */
export interface PixelFormat {
  /** Hosts (and their subdomains) the vendor's requests go to. */
  hosts: string[];
  /** The host must also match this (a vendor whose other hosts only serve scripts or pages). */
  hostname?: RegExp;
  /**
   * Requests on any other host that may be the vendor's too (self-hosted analytics, server-side
   * relays): a cheap test; the beacon path must still match and `read` may still refuse them.
   */
  elsewhere?: (input: DecoderInput) => boolean;
  /** Paths of the requests that carry data. */
  beacon: RegExp;
  /** Paths of its script or configuration: a loader names the account but carries no event. */
  loader?: RegExp;
  /** Scripts, configuration and ID syncs on hosts of their own, or named otherwise than `loader`. */
  loaders?: LoaderFormat[];
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
  /**
   * What the vendor's parameters (and the keys of what `read` keeps) mean, for a reader of a
   * finding: `ud[em]` is "hashed email". A key ending in `*` covers every key it begins.
   */
  labels?: Record<string, string>;
  /**
   * What the declaration cannot say, as code: runs after the declared fields are read. Returns
   * false when the request turns out not to be the vendor's (a lookalike on another host).
   */
  read?: (beacon: Beacon, request: PixelRequest) => boolean | undefined;
}

/** A script, configuration or sync request: it names the account and reports no event. */
export interface LoaderFormat {
  /** Its hosts (default: the format's). */
  hosts?: string[];
  /** On any host (a self-hosted tool's script): the path is the tell. */
  anyHost?: boolean;
  path: RegExp;
  /** Parameters that name the account. */
  account?: string[];
  /** The account from elsewhere in the URL (a path segment). */
  accountFrom?: (url: URL) => string | null | undefined;
  /** The product the loader is for, when the vendor's one script serves several. */
  tracker?: (url: URL) => string | null;
}

/** A request as a `read` hook sees it: the input and its parameters (query, form body, path). */
export interface PixelRequest {
  input: DecoderInput;
  url: URL;
  params: Map<string, string>;
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

/** The format's loaders: its own `loader` (on its hosts, named by `loaderAccount`) and any others. */
function loadersOf(format: PixelFormat): LoaderFormat[] {
  const own: LoaderFormat[] = format.loader
    ? [{ path: format.loader, account: format.loaderAccount, accountFrom: format.accountFrom }]
    : [];
  return [...own, ...(format.loaders ?? [])];
}

function loaderBeacon(decoder: Decoder, loader: LoaderFormat, input: DecoderInput): Beacon {
  const beacon = newBeacon(decoder, "loader");
  const params = allParams(input);
  addUnique(beacon.pixelIds, ...accounts(params, loader.account), loader.accountFrom?.(input.url));
  beacon.tracker = loader.tracker?.(input.url) ?? beacon.tracker;
  return beacon;
}

/** The request's parameters: query, form body, and those of the path where the format has them. */
function requestParams(format: PixelFormat, input: DecoderInput): Map<string, string> {
  const params = allParams(input);
  if (format.pathParams) {
    for (const [k, v] of pathParams(input.url.pathname, format.pathParams))
      if (!params.has(k)) params.set(k, v);
  }
  return params;
}

/** What `matching` keeps, the same for every vendor. */
const MATCHING_LABELS: Record<string, string> = {
  "matching.email": "email address for matching (plain or hashed)",
  "matching.phone": "phone number for matching (plain or hashed)",
  "matching.name": "the visitor's name for matching (plain or hashed)",
  "matching.address": "the visitor's address for matching (plain or hashed)",
};

/** The meaning of each declared parameter, from the field it is declared in. */
function declaredLabels(names: DecoderNames, format: PixelFormat): Record<string, string> {
  const labels: Record<string, string> = { ...MATCHING_LABELS };
  const put = (keys: string[] | undefined, meaning: string) => {
    for (const key of keys ?? []) labels[key] = meaning;
  };
  put(format.account, `the site's account or pixel ID at ${names.entity}`);
  put(format.loaderAccount, `the site's account or pixel ID at ${names.entity}`);
  put(format.event, "the event");
  put(format.pageUrl, "the page's address");
  put(format.referrer, "the page the visitor came from");
  put(format.title, "the page's title");
  put(format.email, "email address (plain or hashed)");
  put(format.phone, "phone number (plain or hashed)");
  for (const [param, cookie] of Object.entries(format.ids ?? {}))
    labels[param] = cookie
      ? `${names.entity}'s ID for this browser (the ${cookie} cookie)`
      : "an ID of the visitor";
  return labels;
}

/** Looks a key up in labels: exactly, else by the longest `prefix*` that begins it. */
export function labelOf(labels: Readonly<Record<string, string>>, key: string): string | null {
  if (Object.hasOwn(labels, key)) return labels[key] ?? null;
  let best: string | null = null;
  let length = -1;
  for (const [pattern, meaning] of Object.entries(labels)) {
    if (!pattern.endsWith("*") || !key.startsWith(pattern.slice(0, -1)) || pattern.length <= length) continue;
    best = meaning;
    length = pattern.length;
  }
  return best;
}

/**
 * A decoder from a declared format and the vendor's recorded requests (at least one, which the
 * tests replay): loaders first, each on its hosts; then beacons on the vendor's hosts (or, where
 * the format says so, elsewhere), read as declared, then by the format's hook.
 */
export function declarePixel(names: DecoderNames, format: PixelFormat, examples: VendorExample[]): Decoder {
  const loaders = loadersOf(format);
  const labels = { ...declaredLabels(names, format), ...format.labels };
  return {
    ...names,
    examples,
    meaningOf: (key) =>
      labelOf(labels, key) ?? (format.custom?.test(key) ? "custom data the site sent with the event" : null),
    decode(input: DecoderInput): Beacon | null {
      const { url } = input;
      const own = hostIs(url, ...format.hosts) && (format.hostname?.test(url.hostname) ?? true);
      for (const loader of loaders) {
        const onHost = loader.anyHost || (loader.hosts ? hostIs(url, ...loader.hosts) : own);
        if (onHost && loader.path.test(url.pathname)) return loaderBeacon(this, loader, input);
      }
      if (!own && !format.elsewhere?.(input)) return null;
      if (!format.beacon.test(url.pathname)) return null;
      const params = requestParams(format, input);
      const beacon = newBeacon(this);
      readPixel(beacon, format, params, url);
      if (format.read?.(beacon, { input, url, params }) === false) return null;
      return beacon;
    },
  };
}

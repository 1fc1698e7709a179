import { addUnique, allParams, detail, hostIs, identify, newBeacon, share } from "../params.ts";
import type { Beacon, Decoder, DecoderInput } from "../types.ts";

/** Each line of a batched body is one hit with its own parameters; a body-less request is one hit. */
function bodyHits(body: string | null): URLSearchParams[] {
  const lines = (body ?? "").split(/\r?\n/).filter((l) => l.includes("="));
  return lines.length > 0 ? lines.map((l) => new URLSearchParams(l)) : [new URLSearchParams()];
}

/**
 * One hit of the Measurement Protocol, GA4 (`v=2`, `en`, `ep.*`) or Universal (`v=1`, `t`, `ea`, `cd1`):
 * real tags mix them (GA4 payloads POSTed to /collect, `t=pageview` hits sent to /g/collect by old
 * gtag versions and proxies), so one reader takes both.
 */
function readHit(beacon: Beacon, params: Map<string, string>): void {
  addUnique(beacon.pixelIds, params.get("tid"));
  const type = params.get("t");
  addUnique(beacon.events, params.get("en") ?? (type === "event" ? (params.get("ea") ?? type) : type));
  beacon.pageUrl ??=
    params.get("dl") ||
    (params.get("dh") && params.get("dp") ? `https://${params.get("dh")}${params.get("dp")}` : null);
  beacon.referrer ??= params.get("dr") || null;
  beacon.pageTitle ??= params.get("dt") || null;
  identify(beacon, "cid", params.get("cid"), "_ga");
  identify(beacon, "uid", params.get("uid"));
  identify(beacon, "sid", params.get("sid"));
  for (const [key, value] of params) {
    if (/^(ep|epn|up|upn)\./.test(key) || /^(cd|cm|cg)\d+$|^e[cal]$/.test(key)) {
      share(beacon, "custom_data");
      detail(beacon, key, value);
    }
    if (key === "em") detail(beacon, "em", value);
  }
  if (params.get("em")) share(beacon, "hashed_email");
}

/** Every hit of a request: the query's parameters under each line of the body (empty values dropped). */
function readHits(beacon: Beacon, input: DecoderInput): void {
  const query = allParams({ ...input, body: null });
  for (const hit of bodyHits(input.body)) {
    const params = new Map(query);
    for (const [k, v] of hit) if (v !== "") params.set(k, v);
    readHit(beacon, params);
  }
}

// Hosts whose /g/collect is not GA4 (Clarity and Transcend proxy the path for their own data).
const NOT_GA4 = ["clarity.ms", "transcend.io"];

/**
 * Google Analytics 4: /g/collect on Google's hosts or on any first-party host (server-side tagging
 * serves the same path from the site's own domain, an App Engine or Cloud Run app included).
 */
export const ga4: Decoder = {
  id: "ga4",
  entity: "Google",
  tracker: "Google Analytics 4",
  decode(input: DecoderInput): Beacon | null {
    const { url } = input;
    if (!/\/g\/collect\/?$/.test(url.pathname) || hostIs(url, ...NOT_GA4)) return null;
    // Elsewhere than Google's hosts, the path alone is not enough when the query speaks another protocol.
    const google = hostIs(url, "google-analytics.com", "analytics.google.com", "doubleclick.net");
    const query = url.searchParams;
    if (!google && query.size > 0 && !["v", "tid", "en", "cid"].some((k) => query.has(k))) return null;
    const beacon = newBeacon(this);
    // A POST body holds one event per line, each with its own parameters on top of the query's.
    readHits(beacon, input);
    return beacon;
  },
};

/**
 * Universal Analytics (v=1), sunset in 2023 but still seen: /collect, /r/collect, /j/collect on Google's
 * hosts (stats.g.doubleclick.net too). A GA4 payload (`v=2`) sent there is GA4's.
 */
export const universalAnalytics: Decoder = {
  id: "universal-analytics",
  entity: "Google",
  tracker: "Google Analytics (Universal)",
  decode(input: DecoderInput): Beacon | null {
    const { url } = input;
    const googleHost = hostIs(url, "google-analytics.com", "analytics.google.com", "stats.g.doubleclick.net");
    if (!googleHost || !/^\/(?:[rj]\/)?collect\/?$/.test(url.pathname)) return null;
    const beacon = newBeacon(this);
    readHits(beacon, input);
    const version = allParams(input).get("v");
    if (version === "2" || beacon.pixelIds.some((id) => id.startsWith("G-"))) {
      beacon.vendor = ga4.id;
      beacon.tracker = ga4.tracker;
    }
    return beacon;
  },
};

/** Google's tag loaders (gtag.js, gtm.js): name the measurement, ads or container ID. */
export const googleTagLoader: Decoder = {
  id: "google-tag",
  entity: "Google",
  tracker: "Google Tag Manager",
  decode(input: DecoderInput): Beacon | null {
    const { url } = input;
    if (!hostIs(url, "googletagmanager.com") || !/^\/(?:gtag\/js|gtm\.js)$/.test(url.pathname)) return null;
    const id = url.searchParams.get("id");
    const beacon = newBeacon(this, "loader");
    if (id?.startsWith("G-")) beacon.tracker = ga4.tracker;
    else if (id?.startsWith("AW-")) beacon.tracker = "Google Ads";
    addUnique(beacon.pixelIds, id);
    return beacon;
  },
};

import { addUnique, allParams, detail, hostIs, identify, newBeacon, share } from "../params.ts";
import type { Beacon, Decoder, DecoderInput } from "../types.ts";

/** Each line of a batched body is one hit with its own parameters; a body-less request is one hit. */
function bodyHits(body: string | null): URLSearchParams[] {
  const lines = (body ?? "").split(/\r?\n/).filter((l) => l.includes("="));
  return lines.length > 0 ? lines.map((l) => new URLSearchParams(l)) : [new URLSearchParams()];
}

/** Google Analytics 4: /g/collect on Google's hosts or on a first-party server-side tagging host. */
export const ga4: Decoder = {
  id: "ga4",
  entity: "Google",
  tracker: "Google Analytics 4",
  decode(input: DecoderInput): Beacon | null {
    const { url } = input;
    if (!url.pathname.endsWith("/g/collect")) return null;
    const query = url.searchParams;
    // Server-side tagging endpoints live on any host; require GA4's own parameters there.
    if (
      !hostIs(url, "google-analytics.com", "analytics.google.com", "doubleclick.net") &&
      !query.get("tid")?.startsWith("G-")
    ) {
      return null;
    }
    const beacon = newBeacon(this);
    // A POST body holds one event per line, each with its own parameters on top of the query's.
    const hits = bodyHits(input.body);
    for (const hit of hits) {
      const params = new Map([...query, ...hit]);
      addUnique(beacon.pixelIds, params.get("tid"));
      addUnique(beacon.events, params.get("en"));
      beacon.pageUrl ??= params.get("dl") || null;
      beacon.referrer ??= params.get("dr") || null;
      beacon.pageTitle ??= params.get("dt") || null;
      identify(beacon, "cid", params.get("cid"), "_ga");
      identify(beacon, "uid", params.get("uid"));
      identify(beacon, "sid", params.get("sid"));
      for (const [key, value] of params) {
        if (/^(ep|epn|up|upn)\./.test(key)) {
          share(beacon, "custom_data");
          detail(beacon, key, value);
        }
        if (key === "em") detail(beacon, "em", value);
      }
      if (params.get("em")) share(beacon, "hashed_email");
    }
    return beacon;
  },
};

/** Universal Analytics (v=1), sunset in 2023 but still seen. */
export const universalAnalytics: Decoder = {
  id: "universal-analytics",
  entity: "Google",
  tracker: "Google Analytics (Universal)",
  decode(input: DecoderInput): Beacon | null {
    const { url } = input;
    if (
      !hostIs(url, "google-analytics.com", "analytics.google.com") ||
      !/^\/(?:[rj]\/)?collect$/.test(url.pathname)
    ) {
      return null;
    }
    const beacon = newBeacon(this);
    const hits = bodyHits(input.body);
    for (const hit of hits) {
      const params = new Map([...allParams({ ...input, body: null }), ...hit]);
      addUnique(beacon.pixelIds, params.get("tid"));
      const type = params.get("t");
      addUnique(beacon.events, type === "event" ? (params.get("ea") ?? type) : type);
      beacon.pageUrl ??=
        params.get("dl") ||
        (params.get("dh") && params.get("dp") ? `https://${params.get("dh")}${params.get("dp")}` : null);
      beacon.referrer ??= params.get("dr") || null;
      beacon.pageTitle ??= params.get("dt") || null;
      identify(beacon, "cid", params.get("cid"), "_ga");
      identify(beacon, "uid", params.get("uid"));
      for (const [key, value] of params) {
        if (/^(cd|cm)\d+$|^e[cal]$/.test(key)) {
          share(beacon, "custom_data");
          detail(beacon, key, value);
        }
      }
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

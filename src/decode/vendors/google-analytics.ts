import { declarePixel } from "../declare.ts";
import { addUnique, allParams, detail, hostIs, identify, share } from "../params.ts";
import type { Beacon, DecoderInput } from "../types.ts";

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
const GOOGLE_HOSTS = ["google-analytics.com", "analytics.google.com", "doubleclick.net"];

const LABELS: Record<string, string> = {
  tid: "the site's Google Analytics property (measurement ID)",
  cid: "Google Analytics' ID for this browser (the _ga cookie)",
  uid: "the site's own ID for a signed-in visitor",
  sid: "the session's ID",
  en: "the event",
  dl: "the page's address",
  dr: "the page the visitor came from",
  dt: "the page's title",
  em: "email address for matching (hashed)",
  "ep.*": "a parameter the site sent with the event",
  "epn.*": "a number the site sent with the event",
  "up.*": "a property of the visitor the site set",
  "upn.*": "a numeric property of the visitor the site set",
  "cd*": "a custom dimension the site set",
  "cm*": "a custom metric the site set",
  "cg*": "a content group the site set",
  ec: "event category",
  ea: "event action",
  el: "event label",
};

/**
 * Google Analytics 4: /g/collect on Google's hosts or on any first-party host (server-side tagging
 * serves the same path from the site's own domain, an App Engine or Cloud Run app included). The
 * hook reads every hit of a batched body (one event per line, each over the query's parameters).
 */
export const ga4 = declarePixel(
  { id: "ga4", entity: "Google", tracker: "Google Analytics 4" },
  {
    hosts: GOOGLE_HOSTS,
    elsewhere: (input) => {
      if (hostIs(input.url, ...NOT_GA4)) return false;
      // Elsewhere than Google's hosts, the path alone is not enough when the query speaks another protocol.
      const query = input.url.searchParams;
      return query.size === 0 || ["v", "tid", "en", "cid"].some((k) => query.has(k));
    },
    beacon: /\/g\/collect\/?$/,
    labels: LABELS,
    read(beacon, { input }) {
      readHits(beacon, input);
      return true;
    },
  },
  [
    {
      source: "GA4 page view as gtag.js sends it (Measurement Protocol v2, query only)",
      url: "https://region1.google-analytics.com/g/collect?v=2&tid=G-ABC123DEF4&gtm=45je4bk0v9&_p=1733000000000&cid=1234567890.1733000000&ul=en-us&sr=1366x768&_s=1&sid=1733000000&sct=1&seg=0&dl=https%3A%2F%2Fclinic.example%2Fmental-health&dr=https%3A%2F%2Fclinic.example%2F&dt=Mental%20health%20services&en=page_view&_ee=1",
      expect: {
        pixelIds: ["G-ABC123DEF4"],
        events: ["page_view"],
        shared: ["page_url", "referrer", "page_title", "event", "unique_id"],
      },
    },
    {
      source: "GA4 batch as gtag.js posts it: the query's parameters under each line of the body",
      url: "https://region1.google-analytics.com/g/collect?v=2&tid=G-ABC123DEF4&cid=1234567890.1733000000&dl=https%3A%2F%2Fclinic.example%2Fbook",
      method: "POST",
      body: "en=scroll&epn.percent_scrolled=90\r\nen=form_start&ep.form_id=booking",
      expect: { pixelIds: ["G-ABC123DEF4"], events: ["scroll", "form_start"], shared: ["custom_data"] },
    },
    {
      source: "a first-party path that is not GA4's: Microsoft Clarity's own /g/collect",
      url: "https://a.clarity.ms/g/collect?x=1",
      expect: null,
    },
  ],
);

/**
 * Universal Analytics (v=1), sunset in 2023 but still seen: /collect, /r/collect, /j/collect on
 * Google's hosts (stats.g.doubleclick.net too). The hook reads the hits as GA4's does, and files a
 * GA4 payload (`v=2`) sent there under GA4.
 */
export const universalAnalytics = declarePixel(
  { id: "universal-analytics", entity: "Google", tracker: "Google Analytics (Universal)" },
  {
    hosts: ["google-analytics.com", "analytics.google.com", "stats.g.doubleclick.net"],
    beacon: /^\/(?:[rj]\/)?collect\/?$/,
    labels: LABELS,
    read(beacon, { input, params }) {
      readHits(beacon, input);
      if (params.get("v") === "2" || beacon.pixelIds.some((id) => id.startsWith("G-"))) {
        beacon.vendor = ga4.id;
        beacon.tracker = ga4.tracker;
      }
      return true;
    },
  },
  [
    {
      source: "Universal Analytics page view as Google's Measurement Protocol reference gives it",
      url: "https://www.google-analytics.com/collect?v=1&tid=UA-12345-1&cid=555&t=pageview&dh=clinic.example&dp=%2Fhome&dt=Home",
      expect: {
        pixelIds: ["UA-12345-1"],
        events: ["pageview"],
        shared: ["page_url", "page_title", "unique_id"],
      },
    },
  ],
);

/** Google's tag loaders (gtag.js, gtm.js): name the measurement, ads or container ID. */
export const googleTagLoader = declarePixel(
  { id: "google-tag", entity: "Google", tracker: "Google Tag Manager" },
  {
    hosts: ["googletagmanager.com"],
    // Loaders only: the beacons of the products it loads have decoders of their own.
    beacon: /$^/,
    loaders: [
      {
        path: /^\/(?:gtag\/js|gtm\.js)$/,
        account: ["id"],
        tracker: (url) => {
          const id = url.searchParams.get("id");
          return id?.startsWith("G-") ? ga4.tracker : id?.startsWith("AW-") ? "Google Ads" : null;
        },
      },
    ],
    labels: { id: "the tag's ID: G- Analytics, AW- Ads, GTM- a container" },
  },
  [
    {
      source: "gtag.js as Google's tag snippet loads it",
      url: "https://www.googletagmanager.com/gtag/js?id=G-ABC123DEF4",
      expect: { kind: "loader", pixelIds: ["G-ABC123DEF4"], events: [] },
    },
    {
      source: "gtm.js as Google Tag Manager's container snippet loads it",
      url: "https://www.googletagmanager.com/gtm.js?id=GTM-ABC1234",
      expect: { kind: "loader", pixelIds: ["GTM-ABC1234"], events: [] },
    },
  ],
);

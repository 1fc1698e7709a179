import { declarePixel } from "../declare.ts";
import {
  addUnique,
  at,
  detail,
  hostIs,
  identify,
  looksLikeJson,
  matching,
  newBeacon,
  parseJson,
  share,
  str,
} from "../params.ts";
import type { Beacon, DecoderInput } from "../types.ts";

const MATCHING: Record<string, "email" | "phone" | "name" | "address"> = {
  em: "email",
  ph: "phone",
  fn: "name",
  ln: "name",
  ct: "address",
  city: "address",
  st: "address",
  state: "address",
  zp: "address",
  zip: "address",
};

const BEACON = /^\/(?:tr|privacy_sandbox\/pixel\/register\/(?:trigger|source))\/?$/;

// What only the Meta pixel puts together in one request: the pixel ID, the event, and its own fields.
const PIXEL_FIELDS = ["fbp", "dl", "rl", "if", "ts", "sw", "sh", "v", "r", "ec", "o", "it", "coo", "rqm"];

/** A copy of a pixel hit sent elsewhere than facebook.com (a Conversions API Gateway or relay). */
function isPixelRelay(params: Map<string, string>): boolean {
  if (!/^\d{10,20}$/.test(params.get("id") ?? "") || !params.get("ev")) return false;
  return PIXEL_FIELDS.filter((k) => params.has(k)).length >= 4;
}

/**
 * The pixel's events in JSON, sent to the advertiser's own cloud as well as to facebook.com/tr: Meta's
 * Signals Gateway (`POST …/events`, keys `fb.pixel_id`, `fb.fbp`, `fb.advanced_matching`) and the
 * Conversions API form a server-side container relays (`{"data":[{"event_name", "user_data"…}]}`).
 */
function jsonEvents(input: DecoderInput): Beacon | null {
  if (!input.body || !looksLikeJson(input.body)) return null;
  const parsed = parseJson(input.body);
  const events = (Array.isArray(parsed) ? parsed : [parsed]).flatMap((e) =>
    Array.isArray(at(e, "data")) ? (at(e, "data") as unknown[]) : [e],
  );
  const gateway = events.some((e) => str(at(e, "fb.pixel_id")));
  const capi = events.some(
    (e) => str(at(e, "event_name")) && at(e, "user_data") && typeof at(e, "user_data") === "object",
  );
  if (!gateway && !capi) return null;
  const beacon = newBeacon(meta);
  beacon.tracker = gateway ? "Meta Signals Gateway" : "Meta Conversions API Gateway";
  const pathPixel = input.url.pathname.match(/\/(\d{10,20})\/events\b/)?.[1];
  addUnique(beacon.pixelIds, pathPixel, input.url.searchParams.get("pixel_id") || null);
  for (const event of events) {
    addUnique(beacon.pixelIds, str(at(event, "fb.pixel_id")), str(at(event, "pixel_id")));
    addUnique(beacon.events, str(at(event, "event_name")));
    beacon.pageUrl ??= str(at(event, "website_context", "location")) ?? str(at(event, "event_source_url"));
    beacon.referrer ??= str(at(event, "website_context", "referrer"));
    const user = (at(event, "fb.advanced_matching") ?? at(event, "user_data") ?? {}) as Record<
      string,
      unknown
    >;
    identify(beacon, "fbp", str(at(event, "fb.fbp")) ?? str(user.fbp), "_fbp");
    identify(beacon, "fbc", str(at(event, "fb.fbc")) ?? str(user.fbc), "_fbc");
    for (const [field, value] of Object.entries(user)) {
      const text = Array.isArray(value) ? str(value[0]) : str(value);
      if (field === "external_id") identify(beacon, "external_id", text);
      else if (MATCHING[field]) matching(beacon, MATCHING[field], text);
    }
    const custom = at(event, "custom_data");
    if (custom && typeof custom === "object" && Object.keys(custom).length > 0) {
      share(beacon, "custom_data");
      detail(beacon, "custom_data", custom);
    }
    if (str(at(event, "event_id"))) detail(beacon, "event_id", str(at(event, "event_id")));
  }
  return beacon.events.length > 0 ? beacon : null;
}

/** `cd[…]` (custom data) and `ud[…]` (advanced matching) parameters of a pixel hit. */
function readPixelFields(beacon: Beacon, params: Map<string, string>): void {
  for (const [key, value] of params) {
    const custom = key.match(/^cd\[(.+)\]$/);
    if (custom) {
      share(beacon, "custom_data");
      detail(beacon, `cd.${custom[1]}`, value);
      if (custom[1] === "pageFeatures") {
        const title = value.match(/"title"\s*:\s*"([^"]*)"/)?.[1];
        if (title) beacon.pageTitle = title;
      }
      if (custom[1] === "buttonText") detail(beacon, "clicked", value);
      continue;
    }
    const user = key.match(/^(?:ud|udff)\[(.+)\]$/);
    if (user) {
      const field = user[1] ?? "";
      if (field === "external_id" || field === "uid") identify(beacon, key, value);
      else if (MATCHING[field]) matching(beacon, MATCHING[field], value);
      else detail(beacon, key, value);
    }
  }
}

/**
 * Meta Pixel: facebook.com/tr by GET image, POST form or beacon; loader connect.facebook.net. The
 * hook is for what is not a parameter list: the same hit relayed on any host (a Conversions API
 * Gateway, Signals Gateway JSON, a server-side container), recognised by its fields, and the
 * `cd[…]`/`ud[…]` families.
 */
export const meta = declarePixel(
  { id: "meta", entity: "Meta", tracker: "Meta Pixel" },
  {
    hosts: ["facebook.com"],
    // Every request of a page reaches this test: only one naming an event is worth reading.
    elsewhere: (input) =>
      input.url.search.includes("ev=") ||
      Boolean(input.body?.includes("ev=") || input.body?.includes("event_name")),
    beacon: /^/,
    loaders: [
      {
        hosts: ["connect.facebook.net"],
        path: /fbevents|signals/,
        accountFrom: (url) => url.pathname.match(/\/signals\/config\/(\d+)/)?.[1],
      },
    ],
    account: ["id"],
    event: ["ev"],
    pageUrl: ["dl"],
    referrer: ["rl"],
    ids: { fbp: "_fbp", fbc: "_fbc" },
    labels: {
      id: "the site's Meta pixel ID",
      ev: "the event (PageView, Lead, Purchase, …)",
      dl: "the page's address",
      rl: "the page the visitor came from",
      fbp: "Meta's ID for this browser (the _fbp cookie)",
      fbc: "the ad click that brought the visitor (the _fbc cookie)",
      "cd.*": "custom data the site sent with the event",
      clicked: "the text of the button the visitor clicked",
      "ud[em]": "email address for matching (hashed)",
      "ud[ph]": "phone number for matching (hashed)",
      "ud[external_id]": "the site's own ID for the visitor",
      "ud[*]": "details of the visitor for matching (advanced matching)",
      "matching.*": "details of the visitor for matching (advanced matching)",
      custom_data: "custom data the site sent with the event",
      event_id: "the event's ID, to match it with the server's copy",
    },
    read(beacon, { input, url, params }) {
      // /tr is the pixel; /privacy_sandbox/pixel/register/trigger/ is the same hit registered with the
      // browser's Attribution Reporting API, with the same parameters.
      if (hostIs(url, "facebook.com")) {
        if (!BEACON.test(url.pathname)) return false;
      } else {
        // Events relayed as JSON say everything in their body: read it alone, not the URL's query.
        const json = input.body?.includes("event_name") ? jsonEvents(input) : null;
        if (json) {
          Object.assign(beacon, json);
          return true;
        }
        if (!url.search.includes("ev=") && !input.body?.includes("ev=")) return false;
        if (!isPixelRelay(params)) return false;
        // A relay on the advertiser's own or cloud host forwards the pixel's event to Meta: Meta's.
        beacon.tracker = "Meta Conversions API Gateway";
      }
      readPixelFields(beacon, params);
      return true;
    },
  },
  [
    {
      source:
        "Meta pixel hit as fbevents.js sends it, relayed by a Conversions API Gateway on the advertiser's cloud",
      url: "https://capig.shop-example.cloud/?id=1234567890123&ev=PageView&dl=https%3A%2F%2Fshop.example%2F&rl=&if=false&ts=1733000000000&sw=1366&sh=768&v=2.9.170&r=stable&ec=0&o=4126&fbp=fb.1.1733000000000.987654321&it=1733000000000&coo=false&rqm=GET",
      expect: {
        pixelIds: ["1234567890123"],
        events: ["PageView"],
        shared: ["page_url", "unique_id", "event"],
      },
    },
    {
      source:
        "Meta pixel configured with the advertiser's Signals Gateway: the same PageView posted as JSON to the gateway on the advertiser's cloud (shape as a 2026 fbevents.js build sends it)",
      url: "https://sl-3f9a1c2b7d.ecs.us-east-1.on.aws/events?cee=no",
      method: "POST",
      body: '{"event_name":"PageView","fb.pixel_id":"1234567890123","fb.fbp":"fb.1.1733000000000.987654321","fb.advanced_matching":{"em":"a7c0b8f6d1e2c3b4a5968778695a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d9e8f7a"},"custom_data":{"content_category":"checkout"},"website_context":{"location":"https://shop.example/cart","referrer":"https://shop.example/"},"event_id":"ob3_plugin-provided_1733000000000"}',
      expect: {
        pixelIds: ["1234567890123"],
        events: ["PageView"],
        shared: ["page_url", "unique_id", "event", "hashed_email", "custom_data"],
      },
    },
    {
      source: "a server-side tag container relaying the pixel in the Conversions API's JSON form",
      url: "https://sgtm.shop.example/v18.0/1234567890123/events",
      method: "POST",
      body: '{"data":[{"event_name":"AddToCart","event_time":1733000000,"event_source_url":"https://shop.example/p/1","user_data":{"fbp":"fb.1.1733000000000.987654321","ph":["5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8"]}}]}',
      expect: {
        pixelIds: ["1234567890123"],
        events: ["AddToCart"],
        shared: ["page_url", "unique_id", "event", "hashed_phone"],
      },
    },
    {
      source: "a site's own analytics endpoint posting JSON with an event_name: not Meta's",
      url: "https://shop.example/api/events",
      method: "POST",
      body: '{"event_name":"search","query":"shoes","user":{"id":"42"}}',
      expect: null,
    },
    {
      source: "a site's own search endpoint with an `id` and an `ev`: not a pixel",
      url: "https://shop.example/api/search?id=12345678901&ev=click&q=shoes",
      expect: null,
    },
  ],
);

import { declarePixel } from "../declare.ts";
import { addUnique, at, detail, identify, matching, parseJson, share, str } from "../params.ts";
import type { Beacon } from "../types.ts";

const BEACON = /^\/api\/v\d\/(?:pixel|track|shopify_pixel)(?:\/(?:act|batch))?\/?$/;
const LOADER = /^\/i18n\/pixel\/(?:events|sdk|static\/main\.[\w]+)\.js$/;

/**
 * TikTok Pixel: JSON beacons to analytics.tiktok.com/api/v2/pixel (also /act, /batch, legacy
 * v1/track). The hook reads the JSON body (a batch or one event; older tags put it base64 in
 * `analytics_message`), which no parameter list can declare.
 */
export const tiktok = declarePixel(
  { id: "tiktok", entity: "ByteDance", tracker: "TikTok Pixel" },
  {
    hosts: ["tiktok.com", "tiktokw.us"],
    beacon: BEACON,
    loader: LOADER,
    loaderAccount: ["sdkid"],
    labels: {
      pixel_code: "the site's TikTok pixel ID",
      "context.user.anonymous_id": "TikTok's ID for this browser (the _ttp cookie)",
      "context.user.ttp": "TikTok's ID for this browser (the _ttp cookie)",
      "context.user.external_id": "the site's own ID for the visitor, usually hashed",
      "context.ad.callback": "the ad click that brought the visitor (ttclid)",
      properties: "what the site said about the event (products, values, page content)",
      clicked: "the text of what the visitor clicked",
      page_trigger: "what started an automatically collected event",
    },
    read(beacon, { input, url }) {
      let payload = parseJson(input.body);
      const message = url.searchParams.get("analytics_message");
      if (!payload && message) payload = parseJson(Buffer.from(message, "base64").toString("utf8"));
      const events = Array.isArray(at(payload, "batch")) ? (at(payload, "batch") as unknown[]) : [payload];
      addUnique(beacon.pixelIds, str(at(payload, "pixel_code")));
      for (const event of events) readEvent(beacon, event);
      return true;
    },
  },
  [
    {
      source: "TikTok pixel (events.js) page view as the pixel helper shows it: JSON to /api/v2/pixel",
      url: "https://analytics.tiktok.com/api/v2/pixel",
      method: "POST",
      body: '{"event":"Pageview","message_id":"messageId-1733000000000-1234567890123-C4ABCDEFGHIJKLMN0123","event_id":"","is_onsite":false,"timestamp":"2026-11-30T12:00:00.000Z","context":{"ad":{"sdk_env":"external","jsb_status":2},"user":{"anonymous_id":"2qD1aBcDeFgHiJkLmNoPqRsTuVw.tt.1"},"pixel":{"code":"C4ABCDEFGHIJKLMN0123","runtime":"1","mode":"1"},"page":{"url":"https://benefits.example.gov/help/domestic-violence","referrer":"https://benefits.example.gov/"},"library":{"name":"pixel.js","version":"2.2.1"},"session_id":"a1b2c3d4-e5f6::1733000000000","pageview_id":"pageId-1733000000000"},"_inspection":{},"properties":{}}',
      expect: {
        pixelIds: ["C4ABCDEFGHIJKLMN0123"],
        events: ["Pageview"],
        shared: ["page_url", "referrer", "event", "unique_id"],
      },
    },
    {
      source: "TikTok pixel loader as the base code includes it (events.js with the pixel's sdkid)",
      url: "https://analytics.tiktok.com/i18n/pixel/events.js?sdkid=C4ABCDEFGHIJKLMN0123&lib=ttq",
      expect: { kind: "loader", pixelIds: ["C4ABCDEFGHIJKLMN0123"], events: [] },
    },
  ],
);

function readEvent(beacon: Beacon, event: unknown): void {
  if (!event || typeof event !== "object") return;
  addUnique(beacon.events, str(at(event, "event")));
  addUnique(beacon.pixelIds, str(at(event, "context", "pixel", "code")), str(at(event, "pixel_code")));
  for (const code of (str(at(event, "context", "pixel", "codes")) ?? "").split("|"))
    addUnique(beacon.pixelIds, code);
  beacon.pageUrl ??= str(at(event, "context", "page", "url"));
  beacon.referrer ??= str(at(event, "context", "page", "referrer"));
  const user = at(event, "context", "user");
  identify(beacon, "context.user.anonymous_id", str(at(user, "anonymous_id")), "_ttp");
  identify(beacon, "context.user.ttp", str(at(user, "ttp")), "_ttp");
  identify(beacon, "context.user.external_id", str(at(user, "external_id")));
  identify(beacon, "context.user.user_id", str(at(user, "user_id")));
  identify(beacon, "context.user.device_id", str(at(user, "device_id")));
  identify(beacon, "analytics_uniq_id", str(at(event, "analytics_uniq_id")));
  identify(beacon, "context.ad.callback", str(at(event, "context", "ad", "callback")), "ttclid");
  for (const key of ["email", "sha256_email"]) matching(beacon, "email", str(at(user, key)));
  for (const key of ["phone_number", "sha256_phone_number", "eb_phone_number", "phone"]) {
    matching(beacon, "phone", str(at(user, key)));
  }
  matching(beacon, "email", str(at(event, "_inspection", "identity_params", "sha256_email")));
  matching(beacon, "phone", str(at(event, "_inspection", "identity_params", "sha256_phone")));
  const properties = at(event, "properties");
  if (properties && typeof properties === "object" && Object.keys(properties).length > 0) {
    share(beacon, "custom_data");
    detail(beacon, "properties", properties);
  }
  const action = str(at(event, "action"));
  if (action) {
    addUnique(beacon.events, action);
    const trigger = at(event, "auto_collected_properties", "trigger_element");
    const text = str(at(trigger, "inner_text"));
    if (text) detail(beacon, "clicked", text);
    if (trigger) share(beacon, "custom_data");
    const pageTrigger = str(at(event, "auto_collected_properties", "page_trigger"));
    if (pageTrigger) detail(beacon, "page_trigger", pageTrigger);
  }
}

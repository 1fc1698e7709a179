import {
  addUnique,
  at,
  detail,
  hostIs,
  identify,
  matching,
  newBeacon,
  parseJson,
  share,
  str,
} from "../params.ts";
import type { Beacon, Decoder, DecoderInput } from "../types.ts";

const BEACON = /^\/api\/v\d\/(?:pixel|track|shopify_pixel)(?:\/(?:act|batch))?\/?$/;
const LOADER = /^\/i18n\/pixel\/(?:events|sdk|static\/main\.[\w]+)\.js$/;

/** TikTok Pixel: JSON beacons to analytics.tiktok.com/api/v2/pixel (also /act, /batch, legacy v1/track). */
export const tiktok: Decoder = {
  id: "tiktok",
  entity: "ByteDance",
  tracker: "TikTok Pixel",
  decode(input: DecoderInput): Beacon | null {
    const { url } = input;
    if (!hostIs(url, "tiktok.com", "tiktokw.us")) return null;
    if (LOADER.test(url.pathname)) {
      const beacon = newBeacon(this, "loader");
      addUnique(beacon.pixelIds, url.searchParams.get("sdkid"));
      return beacon;
    }
    if (!BEACON.test(url.pathname)) return null;
    const beacon = newBeacon(this);
    let payload = parseJson(input.body);
    const message = url.searchParams.get("analytics_message");
    if (!payload && message) payload = parseJson(Buffer.from(message, "base64").toString("utf8"));
    const events = Array.isArray(at(payload, "batch")) ? (at(payload, "batch") as unknown[]) : [payload];
    addUnique(beacon.pixelIds, str(at(payload, "pixel_code")));
    for (const event of events) readEvent(beacon, event);
    return beacon;
  },
};

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

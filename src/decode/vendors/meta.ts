import { addUnique, allParams, detail, hostIs, identify, matching, newBeacon, share } from "../params.ts";
import type { Beacon, Decoder, DecoderInput } from "../types.ts";

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

/** Meta Pixel: facebook.com/tr by GET image, POST form or beacon; loader connect.facebook.net. */
export const meta: Decoder = {
  id: "meta",
  entity: "Meta",
  tracker: "Meta Pixel",
  examples: [
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
      source: "a site's own search endpoint with an `id` and an `ev`: not a pixel",
      url: "https://shop.example/api/search?id=12345678901&ev=click&q=shoes",
      expect: null,
    },
  ],
  decode(input: DecoderInput): Beacon | null {
    const { url } = input;
    if (hostIs(url, "connect.facebook.net")) {
      const beacon = newBeacon(this, "loader");
      addUnique(beacon.pixelIds, url.pathname.match(/\/signals\/config\/(\d+)/)?.[1]);
      return /fbevents|signals/.test(url.pathname) ? beacon : null;
    }
    // /tr is the pixel; /privacy_sandbox/pixel/register/trigger/ is the same hit registered with the
    // browser's Attribution Reporting API, with the same parameters.
    const facebook = hostIs(url, "facebook.com");
    if (facebook && !BEACON.test(url.pathname)) return null;
    // Every request of a page reaches this decoder: read its parameters only when it names an event.
    if (!facebook && !url.search.includes("ev=") && !input.body?.includes("ev=")) return null;
    const params = allParams(input);
    const relay = !facebook && isPixelRelay(params);
    if (!facebook && !relay) return null;
    const beacon = newBeacon(this);
    // A relay on the advertiser's own or cloud host (Conversions API Gateway, a server-side container)
    // forwards the pixel's event to Meta: Meta's, whatever host it is on.
    if (relay) beacon.tracker = "Meta Conversions API Gateway";
    addUnique(beacon.pixelIds, params.get("id"));
    addUnique(beacon.events, params.get("ev"));
    beacon.pageUrl = params.get("dl") || null;
    beacon.referrer = params.get("rl") || null;
    identify(beacon, "fbp", params.get("fbp"), "_fbp");
    identify(beacon, "fbc", params.get("fbc"), "_fbc");
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
    return beacon;
  },
};

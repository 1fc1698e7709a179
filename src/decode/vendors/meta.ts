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

/** Meta Pixel: facebook.com/tr by GET image, POST form or beacon; loader connect.facebook.net. */
export const meta: Decoder = {
  id: "meta",
  entity: "Meta",
  tracker: "Meta Pixel",
  decode(input: DecoderInput): Beacon | null {
    const { url } = input;
    if (hostIs(url, "connect.facebook.net")) {
      const beacon = newBeacon(this, "loader");
      addUnique(beacon.pixelIds, url.pathname.match(/\/signals\/config\/(\d+)/)?.[1]);
      return /fbevents|signals/.test(url.pathname) ? beacon : null;
    }
    // /tr is the pixel; /privacy_sandbox/pixel/register/trigger/ is the same hit registered with the
    // browser's Attribution Reporting API, with the same parameters.
    if (!hostIs(url, "facebook.com") || !BEACON.test(url.pathname)) return null;
    const beacon = newBeacon(this);
    const params = allParams(input);
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

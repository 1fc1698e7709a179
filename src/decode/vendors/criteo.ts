import { addUnique, allParams, detail, hostIs, identify, matching, newBeacon, share } from "../params.ts";
import type { Beacon, Decoder, DecoderInput } from "../types.ts";

/** Criteo OneTag: sslwidget.criteo.com/event with `a` (account) and `p0..pN` event strings. */
export const criteo: Decoder = {
  id: "criteo",
  entity: "Criteo",
  tracker: "Criteo OneTag",
  decode(input: DecoderInput): Beacon | null {
    const { url } = input;
    if (!hostIs(url, "criteo.com", "criteo.net")) return null;
    if (url.pathname.includes("/js/ld/")) return newBeacon(this, "loader");
    if (!/\/(event|delivery)/.test(url.pathname)) return null;
    const beacon = newBeacon(this);
    const params = allParams(input);
    addUnique(beacon.pixelIds, params.get("a"));
    for (const [key, value] of params) {
      if (!/^p\d+$/.test(key)) continue;
      const fields = new URLSearchParams(value.replace(/&amp;/g, "&"));
      addUnique(beacon.events, fields.get("e"));
      const email = fields.get("m[h]") ?? fields.get("m");
      if (email) matching(beacon, "email", email);
      share(beacon, "custom_data");
      detail(beacon, key, value);
    }
    beacon.pageUrl = params.get("u") || null;
    identify(beacon, "ceid", params.get("ceid"), "cto_bundle");
    return beacon;
  },
};

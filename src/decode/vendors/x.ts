import {
  addUnique,
  allParams,
  detail,
  hostIs,
  identify,
  matching,
  newBeacon,
  parseJson,
  share,
} from "../params.ts";
import type { Beacon, Decoder, DecoderInput } from "../types.ts";

/** X (Twitter) pixel: analytics.twitter.com/i/adsct and t.co/i/adsct. */
export const x: Decoder = {
  id: "x",
  entity: "X",
  tracker: "X Pixel",
  decode(input: DecoderInput): Beacon | null {
    const { url } = input;
    if (hostIs(url, "static.ads-twitter.com") && /uwt|oct/.test(url.pathname))
      return newBeacon(this, "loader");
    if (
      !hostIs(url, "analytics.twitter.com", "t.co", "ads-api.twitter.com", "ads-twitter.com") ||
      !url.pathname.includes("/i/adsct")
    ) {
      return null;
    }
    const beacon = newBeacon(this);
    const params = allParams(input);
    addUnique(beacon.pixelIds, params.get("txn_id"));
    const events = parseJson(params.get("events") ?? null);
    if (Array.isArray(events)) {
      for (const event of events) {
        if (Array.isArray(event) && typeof event[0] === "string") {
          addUnique(beacon.events, event[0]);
          if (event[1]) {
            share(beacon, "custom_data");
            detail(beacon, `event.${event[0]}`, event[1]);
          }
        }
      }
    }
    beacon.pageUrl = params.get("tw_document_href") || null;
    identify(beacon, "p_user_id", params.get("p_user_id"));
    identify(beacon, "dv", params.get("dv"));
    matching(beacon, "email", params.get("email") ?? null);
    matching(beacon, "phone", params.get("phone_number") ?? null);
    for (const key of ["tw_sale_amount", "tw_order_quantity"]) {
      if (params.get(key)) {
        share(beacon, "custom_data");
        detail(beacon, key, params.get(key));
      }
    }
    return beacon;
  },
};

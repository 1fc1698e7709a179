import { addUnique, allParams, detail, hostIs, identify, matching, newBeacon, share } from "../params.ts";
import type { Beacon, Decoder, DecoderInput } from "../types.ts";

/** Reddit Pixel: reddit.com/rp.gif and alb.reddit.com/rp.gif. */
export const reddit: Decoder = {
  id: "reddit",
  entity: "Reddit",
  tracker: "Reddit Pixel",
  decode(input: DecoderInput): Beacon | null {
    const { url } = input;
    if (hostIs(url, "redditstatic.com") && url.pathname.includes("pixel")) return newBeacon(this, "loader");
    if (!hostIs(url, "reddit.com") || !url.pathname.endsWith("/rp.gif")) return null;
    const beacon = newBeacon(this);
    const params = allParams(input);
    addUnique(beacon.pixelIds, params.get("id"));
    addUnique(beacon.events, params.get("m.customEventName") ?? params.get("event"));
    identify(beacon, "uuid", params.get("uuid"), "_rdt_uuid");
    matching(beacon, "email", params.get("em") ?? null);
    for (const [key, value] of params) {
      if (key.startsWith("m.") && key !== "m.customEventName") {
        share(beacon, "custom_data");
        detail(beacon, key, value);
      }
    }
    return beacon;
  },
};

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

/** Segment: api.segment.io/v1/{t,p,i,track,page,identify,batch} with JSON bodies. */
export const segment: Decoder = {
  id: "segment",
  entity: "Segment",
  tracker: "Segment",
  decode(input: DecoderInput): Beacon | null {
    const { url } = input;
    if (hostIs(url, "cdn.segment.com")) {
      const beacon = newBeacon(this, "loader");
      addUnique(
        beacon.pixelIds,
        url.pathname.match(/\/v1\/projects\/([^/]+)/)?.[1] ??
          url.pathname.match(/analytics\.js\/v1\/([^/]+)/)?.[1],
      );
      return beacon;
    }
    if (!hostIs(url, "api.segment.io", "api.segment.com") || !url.pathname.startsWith("/v1/")) return null;
    const beacon = newBeacon(this);
    const body = parseJson(input.body);
    const messages = Array.isArray(at(body, "batch")) ? (at(body, "batch") as unknown[]) : [body];
    for (const message of messages) {
      addUnique(beacon.pixelIds, str(at(message, "writeKey")) ?? str(at(body, "writeKey")));
      addUnique(beacon.events, str(at(message, "event")) ?? str(at(message, "type")));
      beacon.pageUrl ??= str(at(message, "context", "page", "url")) ?? str(at(message, "properties", "url"));
      beacon.referrer ??= str(at(message, "context", "page", "referrer"));
      beacon.pageTitle ??= str(at(message, "context", "page", "title"));
      identify(beacon, "anonymousId", str(at(message, "anonymousId")), "ajs_anonymous_id");
      identify(beacon, "userId", str(at(message, "userId")), "ajs_user_id");
      matching(
        beacon,
        "email",
        str(at(message, "traits", "email")) ?? str(at(message, "context", "traits", "email")),
      );
      matching(beacon, "phone", str(at(message, "traits", "phone")));
      const properties = at(message, "properties");
      if (properties && typeof properties === "object" && Object.keys(properties).length > 0) {
        share(beacon, "custom_data");
        detail(beacon, "properties", properties);
      }
    }
    return beacon;
  },
};

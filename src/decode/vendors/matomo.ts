import { addUnique, allParams, detail, identify, newBeacon, share } from "../params.ts";
import type { Beacon, Decoder, DecoderInput } from "../types.ts";

/** Matomo (Piwik): matomo.php / piwik.php on any host, often self-hosted (first party). */
export const matomo: Decoder = {
  id: "matomo",
  entity: "Matomo",
  tracker: "Matomo",
  decode(input: DecoderInput): Beacon | null {
    const { url } = input;
    if (/\/(?:matomo|piwik)\.js$/.test(url.pathname)) return newBeacon(this, "loader");
    if (!/\/(?:matomo|piwik)\.php$/.test(url.pathname)) return null;
    const beacon = newBeacon(this);
    const params = allParams(input);
    if (!params.get("idsite")) return null;
    addUnique(beacon.pixelIds, params.get("idsite"));
    const category = params.get("e_c");
    addUnique(
      beacon.events,
      category ? `${category}:${params.get("e_a") ?? ""}` : params.get("action_name") ? "pageview" : null,
    );
    beacon.pageUrl = params.get("url") || null;
    beacon.referrer = params.get("urlref") || null;
    beacon.pageTitle = params.get("action_name") || null;
    identify(beacon, "_id", params.get("_id"), "_pk_id");
    identify(beacon, "uid", params.get("uid"));
    for (const [key, value] of params) {
      if (/^(dimension\d+|cvar|_cvar|e_[nv])$/.test(key)) {
        share(beacon, "custom_data");
        detail(beacon, key, value);
      }
    }
    return beacon;
  },
};

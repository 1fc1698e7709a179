import {
  addUnique,
  allParams,
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

/** Pinterest Tag: ct.pinterest.com/v3/ with JSON `ed`, `pd`, `ad` parameters (or bracketed noscript form). */
export const pinterest: Decoder = {
  id: "pinterest",
  entity: "Pinterest",
  tracker: "Pinterest Tag",
  decode(input: DecoderInput): Beacon | null {
    const { url } = input;
    if (hostIs(url, "s.pinimg.com") && url.pathname.startsWith("/ct/")) return newBeacon(this, "loader");
    if (!hostIs(url, "ct.pinterest.com")) return null;
    // /user/ asks for the visitor's Pinterest ID (a sync): it names the tag, it reports no event.
    if (/^\/user\/?/.test(url.pathname)) {
      const sync = newBeacon(this, "loader");
      addUnique(sync.pixelIds, url.searchParams.get("tid") || null);
      return sync;
    }
    if (!/^\/v3\/?/.test(url.pathname)) return null;
    const beacon = newBeacon(this);
    const params = allParams(input);
    addUnique(beacon.pixelIds, params.get("tid"));
    addUnique(beacon.events, params.get("event"));
    const pd = parseJson(params.get("pd") ?? null);
    matching(beacon, "email", str(at(pd, "em")) ?? params.get("pd[em]") ?? null);
    identify(beacon, "pd.epik", str(at(pd, "epik")), "_epik");
    identify(beacon, "pd.derived_epik", str(at(pd, "derived_epik")), "_derived_epik");
    const ad = parseJson(params.get("ad") ?? null);
    beacon.pageUrl = str(at(ad, "loc")) ?? null;
    beacon.referrer = str(at(ad, "ref")) ?? null;
    const ed = params.get("ed");
    if (ed && ed !== "{}") {
      share(beacon, "custom_data");
      detail(beacon, "ed", ed);
    }
    for (const [key, value] of params) {
      if (key.startsWith("ed[")) {
        share(beacon, "custom_data");
        detail(beacon, key, value);
      }
    }
    return beacon;
  },
};

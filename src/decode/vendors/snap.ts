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

/** Snap Pixel: tr.snapchat.com/p (form or JSON), /cm/i and /cm/p. */
export const snap: Decoder = {
  id: "snap",
  entity: "Snap",
  tracker: "Snap Pixel",
  decode(input: DecoderInput): Beacon | null {
    const { url } = input;
    if (hostIs(url, "sc-static.net") && url.pathname.includes("scevent")) return newBeacon(this, "loader");
    // Collection hosts: tr, tr6 (IPv6-first) and tr-shadow.
    if (!hostIs(url, "snapchat.com") || !/^tr(?:\d*|-shadow)\.snapchat\.com$/.test(url.hostname)) return null;
    // Cookie matching (/cm/) and configuration name the pixel but report no event.
    if (/^\/(?:cm|config)\//.test(url.pathname)) {
      const sync = newBeacon(this, "loader");
      addUnique(
        sync.pixelIds,
        url.searchParams.get("pid") || url.pathname.match(/\/config\/\w+\/([\w-]+)/)?.[1],
      );
      return sync;
    }
    const beacon = newBeacon(this);
    const params = allParams(input);
    const json = parseJson(input.body);
    for (const item of (at(json, "req") as unknown[] | undefined) ?? []) {
      addUnique(beacon.pixelIds, str(at(item, "t", "pid")));
      addUnique(beacon.events, str(at(item, "t", "ev")));
    }
    addUnique(beacon.pixelIds, params.get("pid"));
    addUnique(beacon.events, params.get("ev"));
    beacon.pageUrl = params.get("pl") || null;
    beacon.referrer = params.get("rf") || null;
    matching(beacon, "email", params.get("u_hem") ?? null);
    matching(beacon, "phone", params.get("u_hpn") ?? null);
    identify(beacon, "u_c1", params.get("u_c1"), "_scid");
    identify(beacon, "u_sclid", params.get("u_sclid"));
    for (const [key, value] of params) {
      if (key.startsWith("e_")) {
        share(beacon, "custom_data");
        detail(beacon, key, value);
      }
    }
    return beacon;
  },
};

import { addUnique, at, hostIs, identify, newBeacon, parseJson, share, str } from "../params.ts";
import type { Beacon, Decoder, DecoderInput } from "../types.ts";

/** Hotjar: session recording and heatmaps; the site ID is in the loader and API paths. */
export const hotjar: Decoder = {
  id: "hotjar",
  entity: "Hotjar",
  tracker: "Hotjar",
  decode(input: DecoderInput): Beacon | null {
    const { url } = input;
    if (!hostIs(url, "hotjar.com", "hotjar.io")) return null;
    const loader = url.pathname.match(/hotjar-(\d+)\.js/);
    if (loader) {
      const beacon = newBeacon(this, "loader");
      addUnique(beacon.pixelIds, loader[1]);
      return beacon;
    }
    const site = url.pathname.match(/\/sites\/(\d+)\//);
    if (!site && !url.pathname.includes("/api/")) return null;
    const beacon = newBeacon(this);
    addUnique(beacon.pixelIds, site?.[1]);
    const path = url.pathname.split("/").filter(Boolean).at(-1);
    addUnique(beacon.events, path);
    const body = parseJson(input.body);
    beacon.pageUrl = str(at(body, "url")) ?? str(at(body, "page_url")) ?? null;
    identify(beacon, "user_id", str(at(body, "user_id")) ?? str(at(body, "r_value")), "_hjSessionUser");
    if (input.body) share(beacon, "custom_data");
    return beacon;
  },
};

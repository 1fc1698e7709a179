import { addUnique, allParams, hostIs, identify, newBeacon } from "../params.ts";
import type { Beacon, Decoder, DecoderInput } from "../types.ts";

/** LinkedIn Insight Tag: px.ads.linkedin.com/collect (also /wa/ and the old dc.ads host). */
export const linkedin: Decoder = {
  id: "linkedin",
  entity: "LinkedIn",
  tracker: "LinkedIn Insight Tag",
  decode(input: DecoderInput): Beacon | null {
    const { url } = input;
    if (hostIs(url, "snap.licdn.com") && url.pathname.includes("insight")) return newBeacon(this, "loader");
    if (!hostIs(url, "ads.linkedin.com") || !/^\/(?:collect|wa)\/?/.test(url.pathname)) return null;
    const beacon = newBeacon(this);
    const params = allParams(input);
    for (const pid of (params.get("pid") ?? "").split(",")) addUnique(beacon.pixelIds, pid.trim());
    addUnique(
      beacon.events,
      params.get("conversionId") ? `conversion:${params.get("conversionId")}` : "pageview",
    );
    beacon.pageUrl = params.get("url") || null;
    beacon.referrer = params.get("referrer") || null;
    identify(beacon, "li_fat_id", params.get("li_fat_id"), "li_fat_id");
    identify(beacon, "liSync", params.get("liSync"));
    return beacon;
  },
};

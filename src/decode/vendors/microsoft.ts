import { addUnique, allParams, detail, hostIs, identify, newBeacon, share } from "../params.ts";
import type { Beacon, Decoder, DecoderInput } from "../types.ts";

/** Microsoft Advertising UET: bat.bing.com/action/0. */
export const microsoftUet: Decoder = {
  id: "microsoft-uet",
  entity: "Microsoft",
  tracker: "Microsoft UET",
  decode(input: DecoderInput): Beacon | null {
    const { url } = input;
    if (!hostIs(url, "bat.bing.com", "bat.bing.net")) return null;
    if (url.pathname.endsWith("bat.js")) return newBeacon(this, "loader");
    // `/actionp/` is the same beacon sent by the newer UET tag for page loads.
    if (!/^\/actionp?\//.test(url.pathname)) return null;
    const beacon = newBeacon(this);
    const params = allParams(input);
    addUnique(beacon.pixelIds, params.get("ti"));
    const evt = params.get("evt");
    addUnique(beacon.events, evt === "custom" ? (params.get("ea") ?? evt) : evt);
    beacon.pageUrl = params.get("p") || null;
    beacon.referrer = params.get("r") || null;
    beacon.pageTitle = params.get("tl") || null;
    identify(beacon, "vid", params.get("vid"), "_uetvid");
    identify(beacon, "sid", params.get("sid"), "_uetsid");
    identify(beacon, "msclkid", params.get("msclkid"), "_uetmsclkid");
    for (const key of ["kw", "ec", "ea", "el", "ev", "gv", "prodid", "pagetype"]) {
      if (params.get(key)) {
        share(beacon, "custom_data");
        detail(beacon, key, params.get(key));
      }
    }
    return beacon;
  },
};

/** Microsoft Clarity: session recording; the project ID is in the loader's path. */
export const microsoftClarity: Decoder = {
  id: "microsoft-clarity",
  entity: "Microsoft",
  tracker: "Microsoft Clarity",
  decode(input: DecoderInput): Beacon | null {
    const { url } = input;
    if (!hostIs(url, "clarity.ms")) return null;
    const tag = url.pathname.match(/^\/(?:tag|s\/[\d.]+)\/([a-z0-9]+)/i);
    if (tag) {
      const beacon = newBeacon(this, "loader");
      addUnique(beacon.pixelIds, tag[1]);
      return beacon;
    }
    if (!url.pathname.startsWith("/collect")) return null;
    const beacon = newBeacon(this);
    addUnique(beacon.events, "session_recording");
    // The payload is usually compressed; when it is JSON, its envelope names the project and user.
    const envelope = (input.body ?? "").match(
      /"e"\s*:\s*\[\s*"[^"]*"\s*,\s*\d+\s*,\s*\d+\s*,\s*\d+\s*,\s*"([^"]+)"\s*,\s*"([^"]+)"/,
    );
    if (envelope) {
      addUnique(beacon.pixelIds, envelope[1]);
      identify(beacon, "envelope.userId", envelope[2], "_clck");
    }
    share(beacon, "custom_data");
    detail(beacon, "bodyLength", String(input.body?.length ?? 0));
    return beacon;
  },
};

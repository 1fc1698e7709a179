import { jsonBody } from "../bodies.ts";
import { addUnique, allParams, at, hostIs, identify, matching, newBeacon, str } from "../params.ts";
import type { Beacon, Decoder, DecoderInput } from "../types.ts";

// /collect is the classic pixel; /attribution_trigger registers the same hit with the browser's
// Attribution Reporting API; /wa/ is the newer tag's POST, its JSON body often gzipped and base64-encoded.
const BEACON = /^\/(?:collect|attribution_trigger|wa)\/?/;

/** LinkedIn Insight Tag: px.ads.linkedin.com (also the old dc.ads host). */
export const linkedin: Decoder = {
  id: "linkedin",
  entity: "LinkedIn",
  tracker: "LinkedIn Insight Tag",
  examples: [
    {
      source: "LinkedIn Insight Tag Privacy Sandbox trigger, as insight.min.js sends it",
      url: "https://px.ads.linkedin.com/attribution_trigger?pid=123456&time=1733000000000&url=https%3A%2F%2Fclinic.example%2Fbook",
      expect: { pixelIds: ["123456"], events: ["pageview"], shared: ["page_url", "event"] },
    },
  ],
  decode(input: DecoderInput): Beacon | null {
    const { url } = input;
    if (hostIs(url, "snap.licdn.com") && url.pathname.includes("insight")) return newBeacon(this, "loader");
    if (!hostIs(url, "ads.linkedin.com") || !BEACON.test(url.pathname)) return null;
    const beacon = newBeacon(this);
    const params = allParams(input);
    for (const pid of (params.get("pid") ?? "").split(",")) addUnique(beacon.pixelIds, pid.trim());
    const body = jsonBody(input.body);
    readSignal(beacon, body);
    const conversion = params.get("conversionId") ?? str(at(body, "conversionId"));
    addUnique(beacon.events, conversion ? `conversion:${conversion}` : body ? null : "pageview");
    beacon.pageUrl ??= params.get("url") || null;
    beacon.referrer ??= params.get("referrer") || null;
    identify(beacon, "li_fat_id", params.get("li_fat_id"), "li_fat_id");
    identify(beacon, "liSync", params.get("liSync"));
    return beacon;
  },
};

/** The /wa/ body: `pids`, the page, the signal's type and the visitor's IDs. */
function readSignal(beacon: Beacon, body: unknown): void {
  if (!body || typeof body !== "object") return;
  const pids = at(body, "pids");
  for (const pid of Array.isArray(pids) ? pids : []) addUnique(beacon.pixelIds, str(pid));
  addUnique(beacon.events, str(at(body, "signalType")) ?? "pageview");
  beacon.pageUrl = str(at(body, "url")) ?? str(at(body, "href"));
  beacon.referrer = str(at(body, "referrer"));
  beacon.pageTitle = str(at(body, "pageTitle"));
  identify(beacon, "liFatId", str(at(body, "liFatId")), "li_fat_id");
  identify(beacon, "liGiant", str(at(body, "liGiant")));
  matching(beacon, "email", str(at(body, "hem")));
}

import { jsonBody } from "../bodies.ts";
import { declarePixel } from "../declare.ts";
import { addUnique, at, identify, matching, str } from "../params.ts";
import type { Beacon } from "../types.ts";

// /collect is the classic pixel; /attribution_trigger registers the same hit with the browser's
// Attribution Reporting API; /wa/ is the newer tag's POST, its JSON body often gzipped and base64-encoded.
const BEACON = /^\/(?:collect|attribution_trigger|wa)\/?/;

/**
 * LinkedIn Insight Tag: px.ads.linkedin.com (also the old dc.ads host). The hook reads the /wa/
 * body (JSON, often gzipped and base64-encoded) and names the event: a conversion, the body's
 * signal, or a page view.
 */
export const linkedin = declarePixel(
  { id: "linkedin", entity: "LinkedIn", tracker: "LinkedIn Insight Tag" },
  {
    hosts: ["ads.linkedin.com"],
    beacon: BEACON,
    loaders: [{ hosts: ["snap.licdn.com"], path: /insight/ }],
    account: ["pid"],
    ids: { li_fat_id: "li_fat_id", liSync: null },
    labels: {
      pid: "the site's LinkedIn partner ID",
      url: "the page's address",
      referrer: "the page the visitor came from",
      li_fat_id: "the LinkedIn ad click that brought the visitor (the li_fat_id cookie)",
      liFatId: "the LinkedIn ad click that brought the visitor (the li_fat_id cookie)",
      liGiant: "LinkedIn's ID for this browser",
      conversionId: "the conversion the site counted",
      "matching.email": "email address for matching (hashed)",
    },
    read(beacon, { input, params }) {
      const body = jsonBody(input.body);
      readSignal(beacon, body);
      const conversion = params.get("conversionId") ?? str(at(body, "conversionId"));
      addUnique(beacon.events, conversion ? `conversion:${conversion}` : body ? null : "pageview");
      beacon.pageUrl ??= params.get("url") || null;
      beacon.referrer ??= params.get("referrer") || null;
      return true;
    },
  },
  [
    {
      source: "LinkedIn Insight Tag Privacy Sandbox trigger, as insight.min.js sends it",
      url: "https://px.ads.linkedin.com/attribution_trigger?pid=123456&time=1733000000000&url=https%3A%2F%2Fclinic.example%2Fbook",
      expect: { pixelIds: ["123456"], events: ["pageview"], shared: ["page_url", "event"] },
    },
  ],
);

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

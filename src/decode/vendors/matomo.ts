import { addUnique, allParams, at, customParams, identify, newBeacon, parseJson } from "../params.ts";
import type { Beacon, Decoder, DecoderInput } from "../types.ts";

// The tracker endpoint under its names: Matomo, Piwik (its old name) and Piwik PRO.
const ENDPOINT = /\/(?:matomo|piwik|ppms)\.php$/;
const LOADER = /\/(?:matomo|piwik|ppms)\.js$/;
const CUSTOM = /^(dimension\d+|cvar|_cvar|e_[cnv]|c_[npti]|search|search_cat|idgoal|revenue|ec_id|ec_items)$/;

/** The requests a POST carries: a form body is one, a bulk body (`{"requests": ["?idsite=…", …]}`) several. */
function hits(input: DecoderInput): Array<Map<string, string>> {
  const bulk = at(parseJson(input.body), "requests");
  if (!Array.isArray(bulk)) return [allParams(input)];
  return bulk
    .filter((r): r is string => typeof r === "string")
    .map((r) =>
      allParams({
        ...input,
        url: new URL(`${input.url.origin}${input.url.pathname}${r.startsWith("?") ? r : `?${r}`}`),
        body: null,
      }),
    );
}

function readHit(beacon: Beacon, params: Map<string, string>): void {
  addUnique(beacon.pixelIds, params.get("idsite"));
  // Custom events name an action in a category; page views, goals and pings carry no event name.
  addUnique(
    beacon.events,
    params.get("e_a") ?? params.get("e_c") ?? (params.get("action_name") ? "pageview" : null),
  );
  if (params.get("link")) addUnique(beacon.events, "link");
  if (params.get("download")) addUnique(beacon.events, "download");
  beacon.pageUrl ??= params.get("url") || null;
  beacon.referrer ??= params.get("urlref") || null;
  beacon.pageTitle ??= params.get("action_name") || null;
  identify(beacon, "_id", params.get("_id"), "_pk_id");
  identify(beacon, "cid", params.get("cid"), "_pk_id");
  identify(beacon, "uid", params.get("uid"));
  customParams(beacon, params, (k) => CUSTOM.test(k));
}

/** Matomo (Piwik, Piwik PRO): matomo.php / piwik.php / ppms.php on any host, often self-hosted (first party). */
export const matomo: Decoder = {
  id: "matomo",
  entity: "Matomo",
  tracker: "Matomo",
  decode(input: DecoderInput): Beacon | null {
    const { url } = input;
    if (LOADER.test(url.pathname)) return newBeacon(this, "loader");
    if (!ENDPOINT.test(url.pathname)) return null;
    const beacon = newBeacon(this);
    for (const params of hits(input)) readHit(beacon, params);
    return beacon;
  },
};

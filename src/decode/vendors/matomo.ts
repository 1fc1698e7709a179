import { declarePixel } from "../declare.ts";
import { addUnique, allParams, at, customParams, identify, parseJson } from "../params.ts";
import type { Beacon, DecoderInput } from "../types.ts";

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

/**
 * Matomo (Piwik, Piwik PRO): matomo.php / piwik.php / ppms.php on any host, often self-hosted (first
 * party). The hook reads every hit of a bulk body (`{"requests": ["?idsite=…", …]}`).
 */
export const matomo = declarePixel(
  { id: "matomo", entity: "Matomo", tracker: "Matomo" },
  {
    hosts: [],
    // Self-hosted: the endpoint's name is the tell, on whatever host it is.
    elsewhere: () => true,
    beacon: ENDPOINT,
    loaders: [{ anyHost: true, path: LOADER }],
    labels: {
      idsite: "the site's ID in the Matomo server",
      action_name: "the page's title",
      url: "the page's address",
      urlref: "the page the visitor came from",
      _id: "Matomo's ID for this browser (the _pk_id cookie)",
      cid: "Matomo's ID for this browser, as the site set it",
      uid: "the site's own ID for a signed-in visitor",
      "dimension*": "a custom dimension the site set",
      e_c: "event category",
      e_a: "event action",
      e_n: "event name",
      e_v: "event value",
      search: "what the visitor searched the site for",
      search_cat: "the search's category",
      idgoal: "the goal the visit reached",
      revenue: "the revenue counted",
      ec_id: "the order's ID",
      ec_items: "the items ordered",
    },
    read(beacon, { input }) {
      for (const params of hits(input)) readHit(beacon, params);
      return true;
    },
  },
  [
    {
      source: "Matomo page view as matomo.js sends it (Tracking HTTP API)",
      url: "https://analytics.church.example/matomo.php?action_name=Prayer%20requests&idsite=3&rec=1&r=123456&h=12&m=0&s=0&url=https%3A%2F%2Fchurch.example%2Fprayer&urlref=https%3A%2F%2Fchurch.example%2F&_id=0123456789abcdef&_idn=0&send_image=0&_refts=0&pv_id=AbC123&pf_net=20&uadata=%7B%7D",
      expect: {
        pixelIds: ["3"],
        events: ["pageview"],
        shared: ["page_url", "referrer", "page_title", "event", "unique_id"],
      },
    },
    {
      source: "Matomo's bulk form, several hits in one POST",
      url: "https://stats.example.org/matomo.php",
      method: "POST",
      body: '{"requests":["?idsite=1&rec=1&e_c=Forms&e_a=submit&_id=0123456789abcdef","?idsite=1&rec=1&action_name=Thanks&url=https%3A%2F%2Fexample.org%2Fthanks"]}',
      expect: { pixelIds: ["1"], events: ["submit", "pageview"], shared: ["custom_data"] },
    },
  ],
);

import { declarePixel } from "../declare.ts";
import { at, detail, identify, matching, parseJson, share, str } from "../params.ts";

/**
 * Pinterest Tag: ct.pinterest.com/v3/ with JSON `ed`, `pd`, `ad` parameters (or the bracketed
 * noscript form), which the hook reads: parameters whose values are JSON objects.
 */
export const pinterest = declarePixel(
  { id: "pinterest", entity: "Pinterest", tracker: "Pinterest Tag" },
  {
    hosts: ["ct.pinterest.com"],
    beacon: /^\/v3\/?/,
    loaders: [
      { hosts: ["s.pinimg.com"], path: /^\/ct\// },
      // /user/ asks for the visitor's Pinterest ID (a sync): it names the tag, it reports no event.
      { path: /^\/user\/?/, account: ["tid"] },
    ],
    account: ["tid"],
    event: ["event"],
    custom: /^ed\[/,
    labels: {
      tid: "the site's Pinterest tag ID",
      event: "the event",
      ed: "what the site said about the event (products, values, search)",
      "ed[*]": "what the site said about the event",
      "pd.epik": "the Pinterest ad click that brought the visitor (the _epik cookie)",
      "pd.derived_epik": "Pinterest's ID for this browser (the _derived_epik cookie)",
      "matching.email": "email address for matching (hashed)",
    },
    read(beacon, { params }) {
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
      return true;
    },
  },
  [
    {
      source: "Pinterest tag's noscript image as Pinterest's base code publishes it (hashed email in pd[em])",
      url: "https://ct.pinterest.com/v3/?event=init&tid=2612345678901&pd[em]=b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2&noscript=1",
      expect: { pixelIds: ["2612345678901"], events: ["init"], shared: ["event", "hashed_email"] },
    },
    {
      source: "Pinterest tag page visit as core.js sends it (JSON in ed, ad)",
      url: "https://ct.pinterest.com/v3/?event=pagevisit&ed=%7B%22np%22%3A%22gtm%22%7D&tid=2612345678901&cb=1733000000000&dep=2%2CPAGE_LOAD&ad=%7B%22loc%22%3A%22https%3A%2F%2Fclinic.example%2Fweight-loss%22%2C%22ref%22%3A%22%22%7D&pd=%7B%22epik%22%3A%22dj0yJnU9abc%22%7D",
      expect: {
        pixelIds: ["2612345678901"],
        events: ["pagevisit"],
        shared: ["page_url", "event", "unique_id", "custom_data"],
      },
    },
  ],
);

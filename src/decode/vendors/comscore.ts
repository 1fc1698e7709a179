import { declarePixel } from "../declare.ts";

/**
 * Comscore (Scorecard Research) beacon: sb.scorecardresearch.com/p (also /b, /p2, /b2) with the client
 * ID in `c2`, the page in `c7`, the title in `c8`, the referrer in `c9`; `c1` is the tag type, not an event.
 */
export const comscore = declarePixel(
  { id: "comscore", entity: "Comscore", tracker: "Comscore" },
  {
    hosts: ["scorecardresearch.com"],
    loader: /\/beacon\.js$|\/cs\/\d+\/beacon\.js$/,
    beacon: /^\/[pb]2?\/?$/,
    account: ["c2"],
    event: ["ns_ap_ev", "ns_type"],
    pageUrl: ["c7", "c4"],
    title: ["c8"],
    referrer: ["c9"],
    ids: { cs_fpid: "_scor_uid", cs_ucfr: null },
    custom: /^(c3|c5|c6|c10|c11|c12|c13|c14|c15|cs_[a-z]+)$/,
  },
  [
    {
      source: "Omnibug test/providers/Comscore.js",
      url: "https://sb.scorecardresearch.com/p?c1=2&c2=123456789&cv=2.0&cj=1&c4=https://www.example.com",
      expect: { pixelIds: ["123456789"], events: [], shared: ["page_url"] },
    },
    {
      source: "Comscore's noscript tag as sites publish it",
      url: "https://sb.scorecardresearch.com/p?c1=2&c2=6035223&cv=3.6.0&cj=1&c7=https%3A%2F%2Fnews.example%2Fhealth&c8=Health%20news&c9=",
      expect: { pixelIds: ["6035223"], events: [], shared: ["page_url", "page_title"] },
    },
  ],
);

import { declarePixel } from "../declare.ts";

/**
 * Yahoo dot tag: sp.analytics.yahoo.com/sp.pl?a=ACCOUNT&.yp=PROJECT&f=PAGE&e=REFERRER (`ea` the action for
 * events), also pixel.advertising.com; loader s.yimg.com/wi/ytc.js.
 */
export const yahoo = declarePixel(
  { id: "yahoo", entity: "Yahoo", tracker: "Yahoo Dot Tag" },
  {
    hosts: ["analytics.yahoo.com", "s.yimg.com", "pixel.advertising.com"],
    loader: /^\/wi\/ytc\.js$/,
    beacon: /^\/(?:sp\.pl|pixel)\/?$/,
    account: [".yp", "a"],
    event: ["ea", "ec"],
    impliedEvent: "pageview",
    pageUrl: ["f"],
    referrer: ["e"],
    title: ["tl"],
    ids: { yv: null, gv: null },
    custom: /^(ec|el|ev|gv|itemId|product_id)$/,
  },
  [
    {
      source: "Yahoo dot tag (ytc.js) page view as it sends it",
      url: "https://sp.analytics.yahoo.com/sp.pl?a=10000&d=Tue%2C%2001%20Dec%202026%2010%3A00%3A00%20GMT&n=-1&b=Clinic&.yp=10123456&f=https%3A%2F%2Fclinic.example%2F&e=&enc=UTF-8&yv=1.16.2&tagmgr=gtm",
      expect: { pixelIds: ["10123456", "10000"], events: ["pageview"], shared: ["page_url", "event"] },
    },
  ],
);

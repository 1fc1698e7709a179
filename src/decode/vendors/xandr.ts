import { declarePixel } from "../declare.ts";

/**
 * Xandr (AppNexus, Microsoft): conversion pixels ib.adnxs.com/px?id=ID&t=2, segment pixels /seg?add=ID,
 * and the universal pixel /pixie (`pi` the pixel, `e` the event). Its `uuid2` cookie is the visitor ID.
 */
export const xandr = declarePixel(
  { id: "xandr", entity: "Microsoft", tracker: "Xandr (AppNexus)" },
  {
    hosts: ["adnxs.com"],
    loader: /^\/dmp\/up\/pixie\.js$/,
    beacon: /^\/(?:px|seg|pixie(?:\/up)?)\/?$/,
    account: ["id", "add", "pi"],
    event: ["e"],
    pageUrl: ["pp", "referrer"],
    ids: { uuid2: "uuid2" },
    custom: /^(seg|remove|value|other|order_id|prop\d*)$/,
  },
  [
    {
      source: "AppNexus GTM template (sahava/GoogleTagManagerTemplates): ib.adnxs.com/px?t=2&id=",
      url: "https://ib.adnxs.com/px?t=2&id=1234567",
      expect: { pixelIds: ["1234567"], events: [] },
    },
    {
      source: "AppNexus GTM template (sahava/GoogleTagManagerTemplates): ib.adnxs.com/seg?add=",
      url: "https://ib.adnxs.com/seg?add=7654321",
      expect: { pixelIds: ["7654321"], events: [] },
    },
  ],
);

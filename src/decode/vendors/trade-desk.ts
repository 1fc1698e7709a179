import { declarePixel } from "../declare.ts";

/**
 * The Trade Desk universal pixel: insight.adsrvr.org/track/up?adv=ADVERTISER&upid=PIXEL&ref=PAGE, and
 * the older conversion and retargeting pixels (/track/conv, /track/pxl, `ct` the tracking tag); `td1..td10` are custom.
 */
export const tradeDesk = declarePixel(
  { id: "trade-desk", entity: "The Trade Desk", tracker: "The Trade Desk Pixel" },
  {
    hosts: ["adsrvr.org"],
    loader: /^\/up_loader\.[\d.]+\.js$/,
    beacon: /^\/track\/(?:up|conv|pxl|evnt)\/?$/,
    account: ["adv", "upid", "ct"],
    event: ["ev", "conv_name"],
    pageUrl: ["ref", "upv_ref"],
    ids: { ttd_puid: null, ttd_id: "TDID" },
    custom: /^(td\d+|v|vf|orderid)$/,
  },
  [
    {
      source: "The Trade Desk universal pixel (up_loader) as it requests it",
      url: "https://insight.adsrvr.org/track/up?adv=k7mxv3d&ref=https%3A%2F%2Fwww.clinic.example%2Fbook&upid=9hb2sl1&upv=1.1.0&paapi=1",
      expect: { pixelIds: ["k7mxv3d", "9hb2sl1"], events: [], shared: ["page_url"] },
    },
  ],
);

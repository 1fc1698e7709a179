import { declarePixel } from "../declare.ts";

/** Tapad (Experian) device graph: pixel.tapad.com/idsync/ex/receive?partner_id=P&partner_device_id=ID, and /tap/ pixels. */
export const tapad = declarePixel(
  { id: "tapad", entity: "Experian", tracker: "Tapad" },
  {
    hosts: ["tapad.com"],
    beacon: /^\/(?:idsync\/ex\/(?:receive|push)|tap\/[^/]+)\/?/,
    account: ["partner_id"],
    impliedEvent: "id_sync",
    pageUrl: ["partner_url", "url"],
    ids: { partner_device_id: null, TapAd_DID: "TapAd_DID" },
  },
  [
    {
      source: "Tapad's partner sync endpoint as partners call it",
      url: "https://pixel.tapad.com/idsync/ex/receive?partner_id=2499&partner_device_id=CAESEHm3l2xZb0a1c2d3e4f5g6h",
      expect: { pixelIds: ["2499"], events: ["id_sync"], shared: ["event", "unique_id"] },
    },
  ],
);

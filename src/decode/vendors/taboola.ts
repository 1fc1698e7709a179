import { declarePixel } from "../declare.ts";

/**
 * Taboola pixel: trc.taboola.com/ACCOUNT/log/3/unip?en=page_view&item-url=PAGE (also /log/3/bulk-unip);
 * loader cdn.taboola.com/libtrc/unip/ACCOUNT/tfa.js. The visitor's `t_gid` travels as `ui`.
 */
export const taboola = declarePixel(
  { id: "taboola", entity: "Taboola", tracker: "Taboola Pixel" },
  {
    hosts: ["taboola.com"],
    loader: /^\/libtrc\/unip\/[^/]+\/tfa\.js$/,
    beacon: /^\/[^/]+\/log\/3\/(?:unip|bulk-unip)\/?$/,
    accountFrom: (url) =>
      url.pathname.match(/^\/libtrc\/unip\/([^/]+)\//)?.[1] ?? url.pathname.match(/^\/([^/]+)\/log\//)?.[1],
    account: ["id"],
    event: ["en", "name"],
    pageUrl: ["item-url", "page-url"],
    referrer: ["ref"],
    ids: { ui: "t_gid", tblci: "_tfa_ref" },
    custom: /^(revenue|currency|orderid|quantity)$/,
  },
  [
    {
      source: "Taboola pixel as tfa.js sends it",
      url: "https://trc.taboola.com/1234567/log/3/unip?en=page_view&tim=14%3A22%3A10.143&ref=&item-url=https%3A%2F%2Fshop.example%2F&ui=9a3b1c2d-3e4f-5a6b-7c8d-9e0f1a2b3c4d-tuct2b2e3c1",
      expect: { pixelIds: ["1234567"], events: ["page_view"], shared: ["page_url", "event", "unique_id"] },
    },
  ],
);

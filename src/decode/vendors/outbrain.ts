import { declarePixel } from "../declare.ts";

/** Outbrain pixel: tr.outbrain.com/unifiedPixel (and /pixel) with `marketerId` (several, comma-separated) and `name`. */
export const outbrain = declarePixel(
  { id: "outbrain", entity: "Outbrain", tracker: "Outbrain Pixel" },
  {
    hosts: ["tr.outbrain.com", "amplify.outbrain.com"],
    loader: /^\/cp\/obtp\.js$/,
    beacon: /^\/(?:unifiedPixel|pixel)\/?$/,
    account: ["marketerId"],
    event: ["name"],
    pageUrl: ["dl"],
    referrer: ["ref"],
    ids: { obuid: "obuid", ob_click_id: "ob_click_id" },
    custom: /^(orderValue|currency|orderId|productId|contentId)$/,
  },
  [
    {
      source: "Omnibug test/providers/Outbrain.js",
      url: "https://tr.outbrain.com/unifiedPixel?orderValue=12.25&currency=USD&orderId=abc123&marketerId=004e6e2a8dddb574d007a0de6dfc517063,00c8f9e47f3276f93622bf0fc68f3902e8&obApiVersion=1.0-gtm&obtpVersion=1.5.2&name=purchase&dl=https%3A%2F%2Fwww.outbrain.com%2F&optOut=false&bust=08710561393380354",
      expect: {
        pixelIds: ["004e6e2a8dddb574d007a0de6dfc517063", "00c8f9e47f3276f93622bf0fc68f3902e8"],
        events: ["purchase"],
        shared: ["page_url", "event", "custom_data"],
      },
    },
  ],
);

import { declarePixel } from "../declare.ts";
import { addUnique, detail, parseJson, share } from "../params.ts";

/**
 * X (Twitter) pixel: analytics.twitter.com/i/adsct and t.co/i/adsct. The hook reads `events`, a JSON
 * list of `[name, data]` pairs in one parameter.
 */
export const x = declarePixel(
  { id: "x", entity: "X", tracker: "X Pixel" },
  {
    hosts: ["analytics.twitter.com", "t.co", "ads-api.twitter.com", "ads-twitter.com"],
    beacon: /\/i\/adsct/,
    loaders: [{ hosts: ["static.ads-twitter.com"], path: /uwt|oct/ }],
    account: ["txn_id"],
    pageUrl: ["tw_document_href"],
    ids: { p_user_id: null, dv: null },
    email: ["email"],
    phone: ["phone_number"],
    custom: /^(tw_sale_amount|tw_order_quantity)$/,
    labels: {
      txn_id: "the site's X pixel ID",
      tw_document_href: "the page's address",
      p_user_id: "the site's own ID for the visitor",
      dv: "details of the visitor's browser and device",
      "event.*": "what the site said about the event",
      tw_sale_amount: "the sale's amount",
      tw_order_quantity: "the number of items ordered",
    },
    read(beacon, { params }) {
      const events = parseJson(params.get("events") ?? null);
      for (const event of Array.isArray(events) ? events : []) {
        if (!Array.isArray(event) || typeof event[0] !== "string") continue;
        addUnique(beacon.events, event[0]);
        if (event[1]) {
          share(beacon, "custom_data");
          detail(beacon, `event.${event[0]}`, event[1]);
        }
      }
      return true;
    },
  },
  [
    {
      source: "X's noscript conversion tag as its website tag publishes it",
      url: "https://analytics.twitter.com/i/adsct?txn_id=o1abc&p_id=Twitter&tw_sale_amount=0&tw_order_quantity=0",
      expect: { pixelIds: ["o1abc"], events: [], shared: ["custom_data"] },
    },
    {
      source: "X pixel page view as uwt.js sends it (events as JSON pairs)",
      url: "https://t.co/i/adsct?bci=4&dv=America%2FNew_York%26en-US&eci=3&event=%7B%7D&event_id=a1b2c3d4&events=%5B%5B%22pageview%22%2C%7B%7D%5D%5D&integration=advertiser&p_id=Twitter&p_user_id=0&pl_id=1a2b3c4d&tw_document_href=https%3A%2F%2Fclinic.example%2Frehab&tw_iframe_status=0&txn_id=o1abc&type=javascript&version=2.3.30",
      expect: { pixelIds: ["o1abc"], events: ["pageview"], shared: ["page_url", "event", "unique_id"] },
    },
  ],
);

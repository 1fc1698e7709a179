import { declarePixel } from "../declare.ts";

/**
 * Reddit Pixel: alb.reddit.com/rp.gif (and reddit.com/rp.gif). Real tags send every `m.*` field, most
 * empty: `m.customEventName` names a custom event, else `event` is the event.
 */
export const reddit = declarePixel(
  { id: "reddit", entity: "Reddit", tracker: "Reddit Pixel" },
  {
    hosts: ["reddit.com", "redditstatic.com"],
    loader: /pixel/,
    beacon: /\/rp\.gif$/,
    account: ["id"],
    event: ["m.customEventName", "event"],
    pageUrl: ["url"],
    ids: { uuid: "_rdt_uuid", external_id: null },
    email: ["em"],
    custom: /^m\./,
  },
  [
    {
      source: "Omnibug test/providers/RedditPixel.js",
      url: "https://alb.reddit.com/rp.gif?ts=1708362676211&id=xx_abc123z&event=AddToCart&m.itemCount=2&m.value=&m.valueDecimal=20&m.currency=USD&m.transactionId=&m.customEventName=&m.products=&m.conversionId=&uuid=c6959068-f901-4338-a393-7dda9cbd1fc3&aaid=&em=&external_id=&idfa=&integration=reddit&opt_out=0&sh=2560&sw=1440&v=rdt_c9439d84&dpm=&dpcc=&dprc=",
      expect: {
        pixelIds: ["xx_abc123z"],
        events: ["AddToCart"],
        shared: ["unique_id", "event", "custom_data"],
      },
    },
  ],
);

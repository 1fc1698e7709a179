import { declarePixel } from "../declare.ts";

/** Nextdoor pixel: flask.nextdoor.com/pixel?pid=PIXEL&ev=EVENT; loader ads.nextdoor.com/public/pixel/ndp.js. */
export const nextdoor = declarePixel(
  { id: "nextdoor", entity: "Nextdoor", tracker: "Nextdoor Pixel" },
  {
    hosts: ["nextdoor.com"],
    loader: /^\/public\/pixel\/ndp\.js$/,
    beacon: /^\/pixel\/?$/,
    account: ["pid"],
    event: ["ev"],
    pageUrl: ["url", "pv_url"],
    referrer: ["ref"],
    ids: { ndclid: "ndclid", cid: null },
    email: ["hashed_email", "em"],
    custom: /^(order_value|currency|order_id|cd\[.+\])$/,
  },
  [
    {
      source: "Nextdoor's published noscript tag, as found on public sites",
      url: "https://flask.nextdoor.com/pixel?pid=c729dacc-8cf3-4306-8042-7aa458ce5648&ev=PAGE_VIEW&noscript=1",
      expect: { pixelIds: ["c729dacc-8cf3-4306-8042-7aa458ce5648"], events: ["PAGE_VIEW"] },
    },
    {
      source: "Nextdoor's published noscript tag, conversion",
      url: "https://flask.nextdoor.com/pixel?pid=c729dacc-8cf3-4306-8042-7aa458ce5648&ev=CONVERSION&noscript=1",
      expect: { pixelIds: ["c729dacc-8cf3-4306-8042-7aa458ce5648"], events: ["CONVERSION"] },
    },
  ],
);

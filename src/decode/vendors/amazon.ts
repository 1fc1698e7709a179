import { declarePixel } from "../declare.ts";

/** Amazon Ads tag: s.amazon-adsystem.com/iu3?pid=PIXEL&event=NAME (and the aax hosts' /s/iu3); loaders amzn.js, apstag.js. */
export const amazonAds = declarePixel(
  { id: "amazon-ads", entity: "Amazon", tracker: "Amazon Ads" },
  {
    hosts: ["amazon-adsystem.com"],
    loader: /^\/(?:aat\/amzn\.js|aax2\/apstag\.js)$/,
    beacon: /^\/(?:s\/)?iu3\/?$/,
    account: ["pid", "tag"],
    event: ["event"],
    pageUrl: ["dl", "loc"],
    referrer: ["ref"],
    ids: { ad_id: "ad-id", amzn_uid: null },
    custom: /^(value|currency|product|ex-[\w-]+)$/,
  },
  [
    {
      source: "Omnibug src/providers/AmazonAdTag.js (iu3 with pid and event)",
      url: "https://s.amazon-adsystem.com/iu3?pid=9b6c1e4a-7c2b-4d8e-9f5a-3b2c1d0e9f8a&event=PageView&ts=1708362676211",
      expect: { pixelIds: ["9b6c1e4a-7c2b-4d8e-9f5a-3b2c1d0e9f8a"], events: ["PageView"] },
    },
  ],
);

import { declarePixel } from "../declare.ts";

/**
 * Quantcast Measure: pixel.quantserve.com/pixel;r=…;a=p-ACCOUNT;labels=…;fpan=…;fpa=ID;url=PAGE;ref=…
 * (parameters in the path); the first-party ID `fpa` lives in the `__qca` cookie.
 */
export const quantcast = declarePixel(
  { id: "quantcast", entity: "Quantcast", tracker: "Quantcast Measure" },
  {
    hosts: ["quantserve.com", "quantcount.com"],
    loader: /^\/(?:quant|aquant)\.js$/,
    beacon: /^\/pixel(?:[;/]|$)/,
    pathParams: ";",
    account: ["a"],
    accountFrom: (url) => url.pathname.match(/^\/pixel\/(p-[\w-]+)\.gif$/)?.[1],
    event: ["event", "labels"],
    pageUrl: ["url"],
    referrer: ["ref"],
    title: ["title"],
    ids: { fpa: "__qca" },
    custom: /^(labels|orderid|revenue|uh)$/,
  },
  [
    {
      source: "Quantcast Measure tag (quant.js) request shape",
      url: "https://pixel.quantserve.com/pixel;r=1384221633;a=p-8dD5ePq2RPdc2;labels=_fp.event.Default;rf=0;fpan=0;fpa=P0-1563817402-1700000000000;ns=0;ce=1;qjs=1;qv=4b3e2d1c-20231030;ref=;d=clinic.example;url=https%3A%2F%2Fclinic.example%2Fcounseling;uht=2;title=Counseling;sr=1366x768x24;enc=n;",
      expect: {
        pixelIds: ["p-8dD5ePq2RPdc2"],
        events: ["_fp.event.Default"],
        shared: ["page_url", "page_title", "unique_id"],
      },
    },
  ],
);

import { declarePixel } from "../declare.ts";

/**
 * Lotame: the Lightning tag (tags.crwdcntrl.net/lt/c/CLIENT/lt.min.js) sends bcp.crwdcntrl.net/5/c=CLIENT/…
 * with `/k=v` path parameters (`pv=y` a page view, `e` an event, `int`, `med`, `seg` audiences);
 * Panorama ID from id.crwdcntrl.net.
 */
export const lotame = declarePixel(
  { id: "lotame", entity: "Lotame", tracker: "Lotame" },
  {
    hosts: ["crwdcntrl.net"],
    loader: /^\/lt\/c\/\d+\/lt\.min\.js$|^\/c\/\d+\/cc\.js$/,
    accountFrom: (url) =>
      url.pathname.match(/^\/(?:lt\/)?c\/(\d+)\//)?.[1] ?? url.pathname.match(/\/c=(\d+)/)?.[1],
    beacon: /^\/5\/|^\/id\/?$/,
    pathParams: "/",
    account: ["c", "c_id"],
    event: ["e", "act"],
    impliedEvent: "pageview",
    pageUrl: ["url", "pu"],
    referrer: ["ref"],
    ids: { pid: "panoramaId", tp: null, gdpr_consent: null },
    custom: /^(int|med|seg|sub|ent|gen|age)$/,
  },
  [
    {
      source: "Lotame Lightning tag page view (bcp.crwdcntrl.net/5/c=…)",
      url: "https://bcp.crwdcntrl.net/5/c=12345/pv=y/int=health%3Aweight%20loss/rand=482910374/pu=https%3A%2F%2Fclinic.example%2Fweight-loss",
      expect: { pixelIds: ["12345"], events: ["pageview"], shared: ["page_url", "event", "custom_data"] },
    },
  ],
);

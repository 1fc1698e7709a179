import { declarePixel } from "../declare.ts";
import { addUnique, at, parseJson, str } from "../params.ts";

/**
 * Snap Pixel: tr.snapchat.com/p (form or JSON), /cm/i and /cm/p. The hook reads the JSON form, a
 * `req` list of events each naming its pixel.
 */
export const snap = declarePixel(
  { id: "snap", entity: "Snap", tracker: "Snap Pixel" },
  {
    hosts: ["snapchat.com"],
    // Collection hosts: tr, tr6 (IPv6-first) and tr-shadow; snapchat.com's others are the app's.
    hostname: /^tr(?:\d*|-shadow)\.snapchat\.com$/,
    beacon: /^/,
    loaders: [
      { hosts: ["sc-static.net"], path: /scevent/ },
      // Cookie matching (/cm/) and configuration name the pixel but report no event.
      {
        path: /^\/(?:cm|config)\//,
        accountFrom: (url) =>
          url.searchParams.get("pid") || url.pathname.match(/\/config\/\w+\/([\w-]+)/)?.[1],
      },
    ],
    account: ["pid"],
    event: ["ev"],
    pageUrl: ["pl"],
    referrer: ["rf"],
    ids: { u_c1: "_scid", u_sclid: null },
    email: ["u_hem"],
    phone: ["u_hpn"],
    custom: /^e_/,
    labels: {
      pid: "the site's Snap pixel ID",
      ev: "the event",
      pl: "the page's address",
      rf: "the page the visitor came from",
      u_c1: "Snap's ID for this browser (the _scid cookie)",
      u_sclid: "the Snap ad click that brought the visitor",
      u_hem: "email address for matching (hashed)",
      u_hpn: "phone number for matching (hashed)",
      "e_*": "what the site said about the event (price, items, search)",
    },
    read(beacon, { input }) {
      const pixels: string[] = [];
      const events: string[] = [];
      for (const item of (at(parseJson(input.body), "req") as unknown[] | undefined) ?? []) {
        addUnique(pixels, str(at(item, "t", "pid")));
        addUnique(events, str(at(item, "t", "ev")));
      }
      // The JSON form's pixels and events come first, as the tag lists them.
      beacon.pixelIds.unshift(...pixels.filter((p) => !beacon.pixelIds.includes(p)));
      beacon.events.unshift(...events.filter((e) => !beacon.events.includes(e)));
      return true;
    },
  },
  [
    {
      source: "Snap Pixel's noscript image as Snap's Events Manager publishes it",
      url: "https://tr.snapchat.com/p?pid=1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d&ev=PAGE_VIEW&noscript=1",
      expect: {
        pixelIds: ["1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d"],
        events: ["PAGE_VIEW"],
        shared: ["event"],
      },
    },
    {
      source: "Snap Pixel page view as scevent.min.js posts it (form body, hashed email)",
      url: "https://tr.snapchat.com/p",
      method: "POST",
      body: "pid=1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d&ev=PAGE_VIEW&v=1.5&ts=1733000000000&u_hem=b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2&u_c1=9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a&pl=https%3A%2F%2Fclinic.example%2Fweight-loss&rf=",
      expect: {
        pixelIds: ["1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d"],
        events: ["PAGE_VIEW"],
        shared: ["page_url", "event", "unique_id", "hashed_email"],
      },
    },
  ],
);

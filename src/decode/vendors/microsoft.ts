import { declarePixel } from "../declare.ts";
import { addUnique, detail, identify, share } from "../params.ts";

/** Microsoft Advertising UET: bat.bing.com/action/0 (`/actionp/` from the newer tag for page loads). */
export const microsoftUet = declarePixel(
  { id: "microsoft-uet", entity: "Microsoft", tracker: "Microsoft UET" },
  {
    hosts: ["bat.bing.com", "bat.bing.net"],
    beacon: /^\/actionp?\//,
    loader: /bat\.js$/,
    account: ["ti"],
    pageUrl: ["p"],
    referrer: ["r"],
    title: ["tl"],
    ids: { vid: "_uetvid", sid: "_uetsid", msclkid: "_uetmsclkid" },
    custom: /^(kw|ec|ea|el|ev|gv|prodid|pagetype)$/,
    labels: {
      ti: "the site's UET tag ID",
      evt: "the event",
      p: "the page's address",
      r: "the page the visitor came from",
      tl: "the page's title",
      vid: "Microsoft's ID for this browser (the _uetvid cookie)",
      sid: "the session's ID (the _uetsid cookie)",
      msclkid: "the Microsoft ad click that brought the visitor",
      kw: "the search keyword",
      ec: "event category",
      ea: "event action",
      el: "event label",
      ev: "event value",
      gv: "the conversion's revenue",
      prodid: "the product's ID",
      pagetype: "the kind of page (retail remarketing)",
    },
    // A custom event is named by its action, not by `evt=custom`.
    read(beacon, { params }) {
      const evt = params.get("evt");
      addUnique(beacon.events, evt === "custom" ? (params.get("ea") ?? evt) : evt);
      return true;
    },
  },
  [
    {
      source: "UET tag's noscript image as Microsoft Advertising publishes it",
      url: "https://bat.bing.com/action/0?ti=12345678&Ver=2",
      expect: { pixelIds: ["12345678"], events: [] },
    },
    {
      source: "UET page load as bat.js sends it",
      url: "https://bat.bing.com/action/0?ti=12345678&tm=gtm002&Ver=2&mid=2c3b4a5d-6e7f-4a8b-9c0d-1e2f3a4b5c6d&sid=0a1b2c3d4e5f11ef&vid=6f7e8d9c4b5a11ef&vids=1&msclkid=N&pi=918639831&lg=en-US&sw=1366&sh=768&sc=24&tl=Counseling&p=https%3A%2F%2Fclinic.example%2Fcounseling&r=&lt=812&evt=pageLoad&sv=1&rn=123456",
      expect: {
        pixelIds: ["12345678"],
        events: ["pageLoad"],
        shared: ["page_url", "page_title", "event", "unique_id"],
      },
    },
  ],
);

/**
 * Microsoft Clarity: session recording; the project ID is in the loader's path. The hook reads the
 * envelope of a JSON payload (usually it is compressed, and only its length is kept).
 */
export const microsoftClarity = declarePixel(
  { id: "microsoft-clarity", entity: "Microsoft", tracker: "Microsoft Clarity" },
  {
    hosts: ["clarity.ms"],
    beacon: /^\/collect/,
    loaders: [
      {
        path: /^\/(?:tag|s\/[\d.]+)\/([a-z0-9]+)/i,
        accountFrom: (url) => url.pathname.match(/^\/(?:tag|s\/[\d.]+)\/([a-z0-9]+)/i)?.[1],
      },
    ],
    impliedEvent: "session_recording",
    labels: {
      "envelope.userId": "Clarity's ID for this browser (the _clck cookie)",
      bodyLength: "the size of the recording sent",
    },
    read(beacon, { input }) {
      const envelope = (input.body ?? "").match(
        /"e"\s*:\s*\[\s*"[^"]*"\s*,\s*\d+\s*,\s*\d+\s*,\s*\d+\s*,\s*"([^"]+)"\s*,\s*"([^"]+)"/,
      );
      if (envelope) {
        addUnique(beacon.pixelIds, envelope[1]);
        identify(beacon, "envelope.userId", envelope[2], "_clck");
      }
      share(beacon, "custom_data");
      detail(beacon, "bodyLength", String(input.body?.length ?? 0));
      return true;
    },
  },
  [
    {
      source: "Clarity's loader as its tracking snippet includes it",
      url: "https://www.clarity.ms/tag/abcd1234ef",
      expect: { kind: "loader", pixelIds: ["abcd1234ef"], events: [] },
    },
    {
      source: "Clarity recording upload (compressed body: only the recording is known)",
      url: "https://k.clarity.ms/collect",
      method: "POST",
      body: "\u001f\u008b\u0008\u0000compressed",
      expect: { pixelIds: [], events: ["session_recording"], shared: ["custom_data"] },
    },
  ],
);

import { declarePixel } from "../declare.ts";
import { addUnique, detail, matching, share } from "../params.ts";

/**
 * Criteo OneTag: sslwidget.criteo.com/event with `a` (account) and `p0..pN` event strings. The hook
 * reads each `pN`, itself a query string (`e=vh&…`) inside one parameter.
 */
export const criteo = declarePixel(
  { id: "criteo", entity: "Criteo", tracker: "Criteo OneTag" },
  {
    hosts: ["criteo.com", "criteo.net"],
    beacon: /\/(event|delivery)/,
    loader: /\/js\/ld\//,
    account: ["a"],
    pageUrl: ["u"],
    ids: { ceid: "cto_bundle" },
    labels: {
      a: "the site's Criteo account",
      u: "the page's address",
      ceid: "Criteo's ID for this browser (the cto_bundle cookie)",
      "p*": "an event the tag reported, with what it said (products, values)",
      "matching.email": "email address for matching (hashed)",
    },
    read(beacon, { params }) {
      for (const [key, value] of params) {
        if (!/^p\d+$/.test(key)) continue;
        const fields = new URLSearchParams(value.replace(/&amp;/g, "&"));
        addUnique(beacon.events, fields.get("e"));
        const email = fields.get("m[h]") ?? fields.get("m");
        if (email) matching(beacon, "email", email);
        share(beacon, "custom_data");
        detail(beacon, key, value);
      }
      return true;
    },
  },
  [
    {
      source: "Criteo OneTag home-page view as ld.js sends it (p0 account setup, p1 the event)",
      url: "https://sslwidget.criteo.com/event?a=12345&v=5.23.0&otl=1&p0=e%3Dexd%26site_type%3Dd&p1=e%3Dvh&p2=e%3Ddis&adce=1&bundle=&tld=clinic.example&u=https%3A%2F%2Fclinic.example%2F&dy=1&sc_r=1366x768&cb=123456",
      expect: { pixelIds: ["12345"], events: ["exd", "vh", "dis"], shared: ["page_url", "custom_data"] },
    },
  ],
);

import { decodeUriSafe } from "../../util/text.ts";
import { declarePixel } from "../declare.ts";
import { addUnique, at, detail, identify, parseJson, share, str } from "../params.ts";
import type { Beacon } from "../types.ts";

// Adobe Analytics is often CNAMEd to a first-party host (metrics.example.com): the path is the tell.
const ANALYTICS_PATH = /^\/b\/ss\/([^/]+)\/\d+\//;
const LINK_TYPES: Record<string, string> = { lnk_o: "link", lnk_d: "download", lnk_e: "exit_link" };

/**
 * Adobe Analytics: /b/ss/RSID[,RSID2]/1/JS-x/s123 on *.sc.omtrdc.net, *.2o7.net or the site's own
 * tracking host, GET or POST with the same parameters. `events` lists the success events; a request
 * without `pe` is a page view. Props (`c1`…), eVars (`v1`…) and context data are custom. The hook
 * reads the report suites of the path and the events, which are lists in one parameter.
 */
export const adobeAnalytics = declarePixel(
  { id: "adobe-analytics", entity: "Adobe", tracker: "Adobe Analytics" },
  {
    hosts: ["omtrdc.net", "2o7.net"],
    elsewhere: (input) => ANALYTICS_PATH.test(input.url.pathname),
    beacon: /^\/b\/ss\//,
    pageUrl: ["g"],
    referrer: ["r"],
    title: ["pageName"],
    ids: { mid: "AMCV_", aid: "s_vi", fid: "s_fid", vid: null },
    // Props, eVars, hierarchies, lists, context data (`.a.`, `c.`), products and link names.
    custom: /^(c|v|prop|eVar|h|l)\d+$|^\.?[a-z]+\.|^(products|pev2)$/i,
    labels: {
      g: "the page's address",
      r: "the page the visitor came from",
      pageName: "the page's name",
      mid: "Adobe's Experience Cloud ID for this browser (the AMCV_ cookie)",
      aid: "Adobe Analytics' ID for this browser (the s_vi cookie)",
      events: "the success events the site counted",
      "c*": "a custom traffic variable (prop) the site set",
      "v*": "a conversion variable (eVar) the site set",
      "prop*": "a custom traffic variable the site set",
      "eVar*": "a conversion variable the site set",
      "h*": "a hierarchy variable the site set",
      "l*": "a list variable the site set",
      products: "the products the page was about",
      pev2: "the name of the link the visitor followed",
    },
    read(beacon, { url, params }) {
      const path = url.pathname.match(ANALYTICS_PATH);
      for (const rsid of decodeUriSafe(path?.[1] ?? "").split(",")) addUnique(beacon.pixelIds, rsid);
      const linkType = params.get("pe");
      addUnique(beacon.events, linkType ? (LINK_TYPES[linkType] ?? linkType) : "pageview");
      for (const event of (params.get("events") ?? "").split(","))
        addUnique(beacon.events, event.split(/[=:]/)[0]);
      return true;
    },
  },
  [
    {
      source: "Omnibug test/providers/AdobeAnalytics.js (page view shape)",
      url: "https://omnibug.sc.omtrdc.net/b/ss/omnibug-dev,omnibug-global/1/JS-2.22.0/s12345678?AQB=1&ndh=1&pf=1&t=1%2F5%2F2020%2010%3A0%3A0%202%20300&mid=12345678901234567890123456789012345678&aamlh=9&ce=UTF-8&pageName=home&g=https%3A%2F%2Fomnibug.io%2F&r=https%3A%2F%2Fexample.org%2F&c1=foo&v1=bar&events=event1%2Cevent2&AQE=1",
      expect: {
        pixelIds: ["omnibug-dev", "omnibug-global"],
        events: ["pageview", "event1", "event2"],
        shared: ["page_url", "referrer", "page_title", "unique_id", "event", "custom_data"],
      },
    },
    {
      source: "Adobe AppMeasurement link tracking (pe=lnk_e)",
      url: "https://metrics.shop.example/b/ss/shopprod/1/JS-2.25.0/s98765?AQB=1&pe=lnk_e&pev2=Partner&g=https%3A%2F%2Fshop.example%2F&AQE=1",
      expect: { pixelIds: ["shopprod"], events: ["exit_link"] },
    },
  ],
);

/**
 * Adobe Audience Manager and the Experience Cloud ID service on demdex.net: CLIENT.demdex.net/event
 * carries traits (`c_…`) and the visitor's IDs (`d_mid`, the `demdex` cookie); dpm.demdex.net/id issues
 * the ECID. ID syncs (`/ibs:`) are attributed by host, not decoded as events. The hook names the
 * event by the path and keeps the organisation.
 */
export const adobeAudienceManager = declarePixel(
  { id: "adobe-audience-manager", entity: "Adobe", tracker: "Adobe Audience Manager" },
  {
    hosts: ["demdex.net"],
    beacon: /^\/(event|id)\/?$/,
    accountFrom: (url) => url.hostname.replace(/\.?(dpm\.)?demdex\.net$/i, ""),
    ids: { d_mid: "AMCV_", d_uuid: "demdex" },
    custom: /^[cp]_/,
    labels: {
      d_orgid: "the site's Adobe organisation",
      d_mid: "Adobe's Experience Cloud ID for this browser",
      d_uuid: "Audience Manager's ID for this browser (the demdex cookie)",
      "c_*": "a trait of the visitor the site sent",
      "p_*": "a private trait the site sent",
    },
    read(beacon, { url, params }) {
      detail(beacon, "d_orgid", params.get("d_orgid"));
      addUnique(beacon.events, url.pathname.startsWith("/event") ? "event" : "id");
      return true;
    },
  },
  [
    {
      source: "Omnibug test/providers/AdobeAudienceManager.js (event shape)",
      url: "https://omnibug.demdex.net/event?d_stuff=1&d_dst=1&d_rtbd=json&d_cb=s_c_il%5B1%5D._setData&d_mid=12345678901234567890123456789012345678&d_orgid=ABCDEF0123456789%40AdobeOrg&c_pageName=home",
      expect: { pixelIds: ["omnibug"], events: ["event"], shared: ["unique_id", "event", "custom_data"] },
    },
    {
      source: "Omnibug test/providers/AdobeAudienceManager.js (ID sync is not an event)",
      url: "https://dpm.demdex.net/ibs:dpid=411&dpuuid=Xq9b",
      expect: null,
    },
  ],
);

/**
 * Adobe Experience Platform Web SDK (alloy.js): POST edge.adobedc.net/ee/…/v1/interact?configId=ID (or
 * /collect) with XDM events in JSON: `eventType`, the page, and the visitor's ECID in `identityMap`,
 * which the hook reads.
 */
export const adobeWebSdk = declarePixel(
  { id: "adobe-web-sdk", entity: "Adobe", tracker: "Adobe Experience Platform" },
  {
    hosts: ["adobedc.net", "demdex.net"],
    beacon: /\/v1\/(interact|collect)\/?$/,
    account: ["configId"],
    labels: {
      configId: "the site's datastream",
      "identityMap.ECID": "Adobe's Experience Cloud ID for this browser",
      data: "custom data the site sent with the event",
    },
    read(beacon, { input }) {
      const events = at(parseJson(input.body), "events");
      for (const event of Array.isArray(events) ? events : []) readXdmEvent(beacon, event);
      return true;
    },
  },
  [
    {
      source: "Adobe Web SDK interact request (alloy.js sendEvent)",
      url: "https://edge.adobedc.net/ee/v1/interact?configId=8d2805dd-85bf-4748-82eb-f99fdad117a6&requestId=7d6b29b8",
      method: "POST",
      body: JSON.stringify({
        events: [
          {
            xdm: {
              eventType: "web.webpagedetails.pageViews",
              web: { webPageDetails: { URL: "https://clinic.example/", name: "Home" } },
              identityMap: { ECID: [{ id: "12345678901234567890123456789012345678", primary: true }] },
            },
          },
        ],
      }),
      expect: {
        pixelIds: ["8d2805dd-85bf-4748-82eb-f99fdad117a6"],
        events: ["web.webpagedetails.pageViews"],
        shared: ["page_url", "page_title", "unique_id", "event"],
      },
    },
  ],
);

function readXdmEvent(beacon: Beacon, event: unknown): void {
  const xdm = at(event, "xdm");
  addUnique(beacon.events, str(at(xdm, "eventType")));
  beacon.pageUrl ??= str(at(xdm, "web", "webPageDetails", "URL"));
  beacon.pageTitle ??= str(at(xdm, "web", "webPageDetails", "name"));
  beacon.referrer ??= str(at(xdm, "web", "webReferrer", "URL"));
  const ecid = at(xdm, "identityMap", "ECID", 0, "id");
  identify(beacon, "identityMap.ECID", str(ecid), "AMCV_");
  if (at(event, "data")) {
    share(beacon, "custom_data");
    detail(beacon, "data", at(event, "data"));
  }
}

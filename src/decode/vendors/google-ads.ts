import { declarePixel } from "../declare.ts";
import { addUnique, detail, share } from "../params.ts";

const PATH =
  /^\/(?:pagead\/(?:viewthroughconversion|1p-user-list|1p-conversion|conversion)|rmkt\/collect|td\/rul)\/([^/]+)/;
// Remarketing lists for Google Analytics audiences and the Privacy Sandbox's interest groups: named by tid.
const TID_PATHS = /^\/(?:ccm\/collect|td\/ga\/rul|td\/fls\/rul)\/?/;

/**
 * Google Ads: conversion and remarketing pixels. The hook is for the ID in the path (or `tid`),
 * made `AW-…`, the `data=` list of custom parameters, and the event implied by the path.
 */
export const googleAds = declarePixel(
  { id: "google-ads", entity: "Google", tracker: "Google Ads" },
  {
    hosts: ["googleads.g.doubleclick.net", "td.doubleclick.net", "googleadservices.com"],
    // Google's own country hosts (google.com, google.co.uk, …) take the same pixels.
    elsewhere: (input) => /(^|\.)google\.[a-z.]+$/.test(input.url.hostname),
    beacon: new RegExp(`${PATH.source}|${TID_PATHS.source}`),
    pageUrl: ["url", "dl"],
    referrer: ["ref", "dr"],
    title: ["tiba", "dt"],
    event: ["en"],
    ids: { gacid: "_ga", auid: "_gcl_au", gclid: "_gcl_aw" },
    labels: {
      label: "the conversion's label in the advertiser's account",
      "data.*": "a custom parameter of the remarketing tag",
      gacid: "Google Analytics' ID for this browser (the _ga cookie)",
      auid: "Google Ads' ID for this browser (the _gcl_au cookie)",
      gclid: "the ad click that brought the visitor",
      url: "the page's address",
      ref: "the page the visitor came from",
      tiba: "the page's title",
      em: "email address for enhanced conversions (hashed)",
    },
    read(beacon, { url, params }) {
      const id = url.pathname.match(PATH)?.[1] ?? params.get("tid") ?? null;
      addUnique(beacon.pixelIds, id && /^\d+$/.test(id) ? `AW-${id}` : id);
      const label = params.get("label");
      if (label) detail(beacon, "label", label);
      for (const pair of (params.get("data") ?? "").split(";")) {
        const [key, value] = pair.split("=");
        if (!key || value === undefined) continue;
        if (key === "event") addUnique(beacon.events, value);
        share(beacon, "custom_data");
        detail(beacon, `data.${key}`, value);
      }
      if (!beacon.events.length)
        addUnique(beacon.events, url.pathname.includes("conversion") ? "conversion" : "remarketing");
      for (const key of ["em", "eme"]) if (params.get(key)) share(beacon, "hashed_email");
      return true;
    },
  },
  [
    {
      source: "Google Ads conversion tag's image request, as its noscript fallback is published",
      url: "https://www.googleadservices.com/pagead/conversion/123456789/?label=AbC-D_efG-h12_34-567&guid=ON&script=0",
      expect: { pixelIds: ["AW-123456789"], events: ["conversion"] },
    },
    {
      source: "Google Ads remarketing tag (viewthroughconversion) with its data= parameters",
      url: "https://googleads.g.doubleclick.net/pagead/viewthroughconversion/123456789/?random=1733000000000&cv=11&fst=1733000000000&url=https%3A%2F%2Fclinic.example%2Fivf&tiba=IVF%20clinic&data=event%3Dpage_view%3Becomm_pagetype%3Dother&auid=1234567890.1733000000",
      expect: {
        pixelIds: ["AW-123456789"],
        events: ["page_view"],
        shared: ["page_url", "page_title", "custom_data", "unique_id"],
      },
    },
  ],
);

/** DoubleClick Floodlight: `;key=value` parameters in the path; `src` made `DC-…`. */
export const floodlight = declarePixel(
  { id: "floodlight", entity: "Google", tracker: "Google Floodlight" },
  {
    hosts: ["fls.doubleclick.net", "ad.doubleclick.net"],
    beacon: /\/activityi?;/,
    pathParams: ";",
    event: ["cat", "type"],
    pageUrl: ["~oref"],
    custom: /^u\d+$/,
    labels: {
      src: "the advertiser's Floodlight ID",
      cat: "the activity (the event)",
      type: "the activity group",
      "u*": "a custom variable the site set",
      "~oref": "the page's address",
    },
    read(beacon, { params }) {
      addUnique(beacon.pixelIds, params.get("src") ? `DC-${params.get("src")}` : null);
      return true;
    },
  },
  [
    {
      source: "Floodlight image tag as Campaign Manager publishes it",
      url: "https://ad.doubleclick.net/activity;src=1234567;type=sales;cat=purch0;qty=1;cost=10.00;u1=women-health;ord=1733000000?",
      expect: { pixelIds: ["DC-1234567"], events: ["purch0"], shared: ["custom_data"] },
    },
  ],
);

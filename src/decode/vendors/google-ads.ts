import { pathParams } from "../declare.ts";
import { addUnique, allParams, detail, hostIs, identify, newBeacon, share } from "../params.ts";
import type { Beacon, Decoder, DecoderInput } from "../types.ts";

const PATH =
  /^\/(?:pagead\/(?:viewthroughconversion|1p-user-list|1p-conversion|conversion)|rmkt\/collect|td\/rul)\/([^/]+)/;
// Remarketing lists for Google Analytics audiences and the Privacy Sandbox's interest groups: named by tid.
const TID_PATHS = /^\/(?:ccm\/collect|td\/ga\/rul|td\/fls\/rul)\/?/;

/** Google Ads: conversion and remarketing pixels, with the `data=` custom parameters parsed. */
export const googleAds: Decoder = {
  id: "google-ads",
  entity: "Google",
  tracker: "Google Ads",
  decode(input: DecoderInput): Beacon | null {
    const { url } = input;
    const isGoogleHost =
      hostIs(url, "googleads.g.doubleclick.net", "td.doubleclick.net", "googleadservices.com") ||
      /(^|\.)google\.[a-z.]+$/.test(url.hostname);
    if (!isGoogleHost) return null;
    const path = url.pathname.match(PATH);
    const byTid = TID_PATHS.test(url.pathname);
    if (!path && !byTid) return null;
    const beacon = newBeacon(this);
    const params = allParams(input);
    const id = path?.[1] ?? params.get("tid") ?? null;
    addUnique(beacon.pixelIds, id && /^\d+$/.test(id) ? `AW-${id}` : id);
    beacon.pageUrl = params.get("url") || params.get("dl") || null;
    beacon.referrer = params.get("ref") || params.get("dr") || null;
    beacon.pageTitle = params.get("tiba") || params.get("dt") || null;
    addUnique(beacon.events, params.get("en"));
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
    identify(beacon, "gacid", params.get("gacid"), "_ga");
    identify(beacon, "auid", params.get("auid"), "_gcl_au");
    identify(beacon, "gclid", params.get("gclid"), "_gcl_aw");
    for (const key of ["em", "eme"]) if (params.get(key)) share(beacon, "hashed_email");
    return beacon;
  },
};

/** DoubleClick Floodlight: `;key=value` parameters in the path. */
export const floodlight: Decoder = {
  id: "floodlight",
  entity: "Google",
  tracker: "Google Floodlight",
  decode(input: DecoderInput): Beacon | null {
    const { url } = input;
    if (!hostIs(url, "fls.doubleclick.net", "ad.doubleclick.net") || !/\/activityi?;/.test(url.pathname))
      return null;
    const beacon = newBeacon(this);
    const params = pathParams(url.pathname, ";");
    addUnique(beacon.pixelIds, params.get("src") ? `DC-${params.get("src")}` : null);
    addUnique(beacon.events, params.get("cat") ?? params.get("type"));
    for (const [key, value] of params) {
      if (/^u\d+$/.test(key)) {
        share(beacon, "custom_data");
        detail(beacon, key, value);
      }
    }
    beacon.pageUrl = params.get("~oref") ?? null;
    return beacon;
  },
};

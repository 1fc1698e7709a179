import { declarePixel } from "../declare.ts";

/**
 * Simpli.fi retargeting and conversion pixels: i.simpli.fi/dpx?cid=CLIENT&action=ACTION&segment=…&m=1
 * (also dpx.js and /p); `sifi_tuid` is the visitor ID.
 */
export const simplifi = declarePixel(
  { id: "simplifi", entity: "Simpli.fi", tracker: "Simpli.fi" },
  {
    hosts: ["simpli.fi"],
    loader: /^\/sifitag\/[\w-]+$/,
    beacon: /^\/(?:dpx(?:\.js)?|p|c)\/?$/,
    account: ["cid", "campaign_id"],
    event: ["action"],
    pageUrl: ["url", "referrer"],
    ids: { sifi_tuid: "sifi_user_id", sifi_uid: "sifi_user_id" },
    custom: /^(segment|conversion|tid|c|m|sifi-[\w-]+)$/,
  },
  [
    {
      source: "Simpli.fi retargeting pixel as advertisers embed it",
      url: "https://i.simpli.fi/dpx.js?cid=24680&action=100&segment=fertility-visitors&m=1&sifi_tuid=12345",
      expect: { pixelIds: ["24680"], events: ["100"], shared: ["event", "unique_id", "custom_data"] },
    },
  ],
);

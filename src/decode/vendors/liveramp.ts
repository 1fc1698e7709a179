import { declarePixel } from "../declare.ts";

/**
 * LiveRamp Authenticated Traffic Solution: the tag (ats.rlcdn.com/ats.js) asks api.rlcdn.com for an
 * identity envelope with the visitor's hashed email (`iv`, `it` the hash type) and the placement `pid`;
 * idsync.rlcdn.com and di.rlcdn.com sync LiveRamp's ID with partners.
 */
export const liveramp = declarePixel(
  { id: "liveramp", entity: "LiveRamp", tracker: "LiveRamp ATS" },
  {
    hosts: ["rlcdn.com", "launchpad-wrapper.privacymanager.io"],
    loader: /^\/ats\.js$/,
    beacon: /^\/api\/identity(?:\/v\d+)?\/envelope\/?$|^\/\d+\.gif$|^\/\d+\/?$/,
    account: ["pid", "partner_id"],
    accountFrom: (url) => url.pathname.match(/^\/(\d+)(?:\.gif|\/?$)/)?.[1],
    impliedEvent: "identity",
    ids: { idl_env: "_lr_env", partner_uid: null },
    email: ["iv", "hashed_email"],
  },
  [
    {
      source: "LiveRamp ATS envelope request as ats.js sends it",
      url: "https://api.rlcdn.com/api/identity/envelope?pid=1234&it=4&iv=6f1ed002ab5595859014ebf0951522d9&ct=1",
      expect: { pixelIds: ["1234"], events: ["identity"], shared: ["event", "hashed_email"] },
    },
  ],
);

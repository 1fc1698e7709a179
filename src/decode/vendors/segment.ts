import { declarePixel } from "../declare.ts";
import { addUnique, at, detail, identify, matching, parseJson, share, str } from "../params.ts";
import type { Beacon } from "../types.ts";

/**
 * Segment: api.segment.io/v1/{t,p,i,track,page,identify,batch} with JSON bodies, which the hook
 * reads (one message or a batch).
 */
export const segment = declarePixel(
  { id: "segment", entity: "Segment", tracker: "Segment" },
  {
    hosts: ["api.segment.io", "api.segment.com"],
    beacon: /^\/v1\//,
    loaders: [
      {
        hosts: ["cdn.segment.com"],
        path: /^/,
        accountFrom: (url) =>
          url.pathname.match(/\/v1\/projects\/([^/]+)/)?.[1] ??
          url.pathname.match(/analytics\.js\/v1\/([^/]+)/)?.[1],
      },
    ],
    labels: {
      writeKey: "the site's Segment source",
      anonymousId: "Segment's ID for this browser (the ajs_anonymous_id cookie)",
      userId: "the site's own ID for a signed-in visitor (the ajs_user_id cookie)",
      properties: "what the site said about the event",
      "matching.email": "the visitor's email address, as the site identified them",
    },
    read(beacon, { input }) {
      const body = parseJson(input.body);
      const messages = Array.isArray(at(body, "batch")) ? (at(body, "batch") as unknown[]) : [body];
      for (const message of messages) readMessage(beacon, message, body);
      return true;
    },
  },
  [
    {
      source: "Segment track call as analytics.js sends it (HTTP Tracking API shape)",
      url: "https://api.segment.io/v1/t",
      method: "POST",
      body: '{"timestamp":"2026-11-30T12:00:00.000Z","integrations":{},"event":"Appointment Booked","type":"track","properties":{"service":"counseling"},"context":{"page":{"path":"/book","referrer":"https://clinic.example/","title":"Book","url":"https://clinic.example/book"},"userAgent":"Mozilla/5.0","library":{"name":"analytics.js","version":"next-1.70.0"}},"messageId":"ajs-next-1733000000000-abc","anonymousId":"5b1f2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d","writeKey":"AbCdEfGhIjKlMnOpQrStUvWxYz012345","userId":null,"sentAt":"2026-11-30T12:00:00.010Z","_metadata":{"bundled":["Segment.io"],"unbundled":[]}}',
      expect: {
        pixelIds: ["AbCdEfGhIjKlMnOpQrStUvWxYz012345"],
        events: ["Appointment Booked"],
        shared: ["page_url", "referrer", "page_title", "event", "unique_id", "custom_data"],
      },
    },
    {
      source: "Segment's analytics.js loaded for a source, as its snippet does",
      url: "https://cdn.segment.com/analytics.js/v1/AbCdEfGhIjKlMnOpQrStUvWxYz012345/analytics.min.js",
      expect: { kind: "loader", pixelIds: ["AbCdEfGhIjKlMnOpQrStUvWxYz012345"], events: [] },
    },
  ],
);

function readMessage(beacon: Beacon, message: unknown, body: unknown): void {
  addUnique(beacon.pixelIds, str(at(message, "writeKey")) ?? str(at(body, "writeKey")));
  addUnique(beacon.events, str(at(message, "event")) ?? str(at(message, "type")));
  beacon.pageUrl ??= str(at(message, "context", "page", "url")) ?? str(at(message, "properties", "url"));
  beacon.referrer ??= str(at(message, "context", "page", "referrer"));
  beacon.pageTitle ??= str(at(message, "context", "page", "title"));
  identify(beacon, "anonymousId", str(at(message, "anonymousId")), "ajs_anonymous_id");
  identify(beacon, "userId", str(at(message, "userId")), "ajs_user_id");
  matching(
    beacon,
    "email",
    str(at(message, "traits", "email")) ?? str(at(message, "context", "traits", "email")),
  );
  matching(beacon, "phone", str(at(message, "traits", "phone")));
  const properties = at(message, "properties");
  if (properties && typeof properties === "object" && Object.keys(properties).length > 0) {
    share(beacon, "custom_data");
    detail(beacon, "properties", properties);
  }
}

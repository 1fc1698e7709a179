import { at, str } from "../params.ts";
import { sessionRecorder } from "../session-recorder.ts";

/** Mouseflow: `cdn.mouseflow.com/projects/WEBSITE.js`, recordings to `*.mouseflow.com` with the website ID. */
export const mouseflow = sessionRecorder(
  { id: "mouseflow", entity: "Mouseflow", tracker: "Mouseflow" },
  {
    hosts: ["mouseflow.com"],
    loader: /^\/projects\/[a-f0-9-]+\.js$/i,
    data: /^\/(websites|recording|record|s)\b/,
    project: (url, body) =>
      url.pathname.match(/^\/(?:projects|websites)\/([a-f0-9-]+)/i)?.[1] ??
      url.searchParams.get("website") ??
      str(at(body, "websiteId")),
    visitor: (url, body) => ({
      param: "visitor",
      value: url.searchParams.get("visitor") ?? str(at(body, "visitorId")),
      cookie: "mf_user",
    }),
  },
);

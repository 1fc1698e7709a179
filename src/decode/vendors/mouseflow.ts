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
    visitor: {
      param: "visitor",
      cookie: "mf_user",
      value: (url, body) => url.searchParams.get("visitor") ?? str(at(body, "visitorId")),
    },
  },
  [
    {
      source: "Mouseflow's recorder as its tracking code loads it (the project in the path)",
      url: "https://cdn.mouseflow.com/projects/0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d.js",
      expect: { kind: "loader", pixelIds: ["0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"], events: [] },
    },
    {
      source: "Mouseflow recording upload as its recorder sends it",
      url: "https://o2.mouseflow.com/websites/0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d/recordings?visitor=7f8e9d0c1b2a3948&session=1a2b3c4d5e6f7a8b",
      method: "POST",
      body: "encoded-recording",
      expect: {
        pixelIds: ["0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"],
        events: ["session_recording"],
        shared: ["unique_id", "custom_data"],
      },
    },
  ],
);

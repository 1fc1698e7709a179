import { sessionRecorder } from "../session-recorder.ts";

/** LogRocket: `cdn.lr-ingest.io/LogRocket.min.js`, recordings to `r.lr-ingest.io/i?a=APP&r=RECORDING`. */
export const logrocket = sessionRecorder(
  { id: "logrocket", entity: "LogRocket", tracker: "LogRocket" },
  {
    hosts: ["lr-ingest.io", "lr-ingest.com", "logrocket.io", "lr-in.com", "lr-in-prod.com"],
    loader: /^\/(LogRocket|logger)(\.min)?\.js$/,
    data: /^\/i$/,
    project: (url) => url.searchParams.get("a"),
    visitor: { param: "r", value: (url) => url.searchParams.get("r") },
  },
  [
    {
      source: "LogRocket's SDK as its snippet loads it",
      url: "https://cdn.logrocket.io/LogRocket.min.js",
      expect: { kind: "loader", pixelIds: [], events: [] },
    },
    {
      source: "LogRocket recording upload as its SDK sends it (app in a, recording in r)",
      url: "https://r.lr-ingest.io/i?a=abc123%2Fclinic-site&r=5-1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d&t=1733000000000",
      method: "POST",
      body: "binary-recording",
      expect: {
        pixelIds: ["abc123/clinic-site"],
        events: ["session_recording"],
        shared: ["unique_id", "custom_data"],
      },
    },
  ],
);

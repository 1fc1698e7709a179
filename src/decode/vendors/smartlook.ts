import { at, str } from "../params.ts";
import { sessionRecorder } from "../session-recorder.ts";

/** Smartlook: `web-sdk.smartlook.com/recorder.js`, recordings to `*.smartlook.cloud` (`/rec/`, `/v2/write`). */
export const smartlook = sessionRecorder(
  { id: "smartlook", entity: "Smartlook", tracker: "Smartlook" },
  {
    hosts: ["smartlook.com", "smartlook.cloud"],
    loader: /^\/recorder\.js$/,
    data: /^\/(rec\/|v\d+\/write)/,
    project: (url, body) => url.searchParams.get("key") ?? str(at(body, "projectKey")),
    visitor: { param: "uid", value: (url, body) => url.searchParams.get("uid") ?? str(at(body, "uid")) },
  },
  [
    {
      source: "Smartlook's recorder as its snippet loads it",
      url: "https://web-sdk.smartlook.com/recorder.js",
      expect: { kind: "loader", pixelIds: [], events: [] },
    },
    {
      source: "Smartlook recording upload as its recorder sends it (project key and visitor)",
      url: "https://web-writer.eu.smartlook.cloud/v2/write?key=0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b&uid=a1b2c3d4e5f6a7b8&sid=1234&pid=5678",
      method: "POST",
      body: "encoded-recording",
      expect: {
        pixelIds: ["0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b"],
        events: ["session_recording"],
        shared: ["unique_id", "custom_data"],
      },
    },
  ],
);

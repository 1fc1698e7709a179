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
    visitor: (url, body) => ({ param: "uid", value: url.searchParams.get("uid") ?? str(at(body, "uid")) }),
  },
);

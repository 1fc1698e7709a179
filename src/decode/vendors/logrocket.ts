import { sessionRecorder } from "../session-recorder.ts";

/** LogRocket: `cdn.lr-ingest.io/LogRocket.min.js`, recordings to `r.lr-ingest.io/i?a=APP&r=RECORDING`. */
export const logrocket = sessionRecorder(
  { id: "logrocket", entity: "LogRocket", tracker: "LogRocket" },
  {
    hosts: ["lr-ingest.io", "lr-ingest.com", "logrocket.io", "lr-in.com", "lr-in-prod.com"],
    loader: /^\/(LogRocket|logger)(\.min)?\.js$/,
    data: /^\/i$/,
    project: (url) => url.searchParams.get("a"),
    visitor: (url) => ({ param: "r", value: url.searchParams.get("r") }),
  },
);

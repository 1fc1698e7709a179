import { at, str } from "../params.ts";
import { sessionRecorder } from "../session-recorder.ts";

/** FullStory: `edge.fullstory.com/s/fs.js`, recordings to `rs.fullstory.com/rec/bundle` (OrgId, UserId). */
export const fullstory = sessionRecorder(
  { id: "fullstory", entity: "FullStory", tracker: "FullStory" },
  {
    hosts: ["fullstory.com"],
    loader: /^\/s\/fs\.js$/,
    data: /^\/rec\/(bundle|page)/,
    project: (url, body) => url.searchParams.get("OrgId") ?? str(at(body, "OrgId")),
    visitor: (url, body) => ({
      param: "UserId",
      value: url.searchParams.get("UserId") ?? str(at(body, "UserId")),
      cookie: "fs_uid",
    }),
  },
);

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
    visitor: {
      param: "UserId",
      cookie: "fs_uid",
      value: (url, body) => url.searchParams.get("UserId") ?? str(at(body, "UserId")),
    },
  },
  [
    {
      source: "FullStory's recorder as its snippet loads it",
      url: "https://edge.fullstory.com/s/fs.js",
      expect: { kind: "loader", pixelIds: [], events: [] },
    },
    {
      source: "FullStory recording bundle as fs.js uploads it",
      url: "https://rs.fullstory.com/rec/bundle/v2?OrgId=o-1ABC2D-na1&UserId=5678901234567890&SessionId=1234567890123456&PageId=9876543210987654&Seq=1&ClientTime=1733000000000",
      method: "POST",
      body: '{"Bundle":[{"Kind":0,"When":0,"Args":[]}]}',
      expect: {
        pixelIds: ["o-1ABC2D-na1"],
        events: ["session_recording"],
        shared: ["unique_id", "custom_data"],
      },
    },
  ],
);

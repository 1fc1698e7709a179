import { declarePixel } from "../declare.ts";
import { addUnique, at, identify, parseJson, share, str } from "../params.ts";

/**
 * Hotjar: session recording and heatmaps; the site ID is in the loader and API paths. The hook names
 * the event by the path's last segment and reads the JSON body.
 */
export const hotjar = declarePixel(
  { id: "hotjar", entity: "Hotjar", tracker: "Hotjar" },
  {
    hosts: ["hotjar.com", "hotjar.io"],
    beacon: /\/sites\/\d+\/|\/api\//,
    loaders: [{ path: /hotjar-\d+\.js/, accountFrom: (url) => url.pathname.match(/hotjar-(\d+)\.js/)?.[1] }],
    accountFrom: (url) => url.pathname.match(/\/sites\/(\d+)\//)?.[1],
    labels: {
      user_id: "Hotjar's ID for this browser (the _hjSessionUser cookie)",
    },
    read(beacon, { input, url }) {
      addUnique(beacon.events, url.pathname.split("/").filter(Boolean).at(-1));
      const body = parseJson(input.body);
      beacon.pageUrl = str(at(body, "url")) ?? str(at(body, "page_url")) ?? null;
      identify(beacon, "user_id", str(at(body, "user_id")) ?? str(at(body, "r_value")), "_hjSessionUser");
      if (input.body) share(beacon, "custom_data");
      return true;
    },
  },
  [
    {
      source: "Hotjar's loader as its tracking code includes it",
      url: "https://static.hotjar.com/c/hotjar-1234567.js?sv=6",
      expect: { kind: "loader", pixelIds: ["1234567"], events: [] },
    },
    {
      source: "Hotjar's site settings request, which hotjar.js makes for the site",
      url: "https://vars.hotjar.com/api/v2/client/sites/1234567/visit-data?sv=7",
      method: "POST",
      body: '{"window_width":1366,"window_height":768,"url":"https://clinic.example/therapy","r_value":1,"is_vpv":false,"user_id":"8c1e4f7a-2b3d-5e6f-7a8b-9c0d1e2f3a4b"}',
      expect: {
        pixelIds: ["1234567"],
        events: ["visit-data"],
        shared: ["page_url", "event", "unique_id", "custom_data"],
      },
    },
  ],
);

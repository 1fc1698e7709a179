import { declarePixel } from "../declare.ts";

/**
 * StackAdapt: events.js sends tags.srv.stackadapt.com/saq_pxl?uid=PIXEL&is_js=1&landing_url=PAGE&t=TITLE
 * (`conv` for conversions, `args` the event's arguments); the visitor's `sa-user-id` cookie travels along.
 */
export const stackadapt = declarePixel(
  { id: "stackadapt", entity: "StackAdapt", tracker: "StackAdapt Pixel" },
  {
    hosts: ["stackadapt.com"],
    loader: /^\/events\.js$/,
    beacon: /^\/(?:saq_pxl|conv|js_tracking)\/?$/,
    account: ["uid", "sid"],
    event: ["event", "type"],
    pageUrl: ["landing_url", "url"],
    referrer: ["ref", "referrer"],
    title: ["t"],
    ids: { user_id: "sa-user-id", sa_uid: "sa-user-id" },
    custom: /^(args|revenue|order_id|sa_conv_data_[\w]+)$/,
  },
  [
    {
      source: "StackAdapt universal pixel request (events.js)",
      url: "https://tags.srv.stackadapt.com/saq_pxl?uid=sqQHa3Ob1hFi__2EcYYVZg1&is_js=1&landing_url=https%3A%2F%2Fclinic.example%2F&t=Riverside%20Clinic&tip=abc123&host=https%3A%2F%2Fclinic.example&l_src=&l_src_d=&u_src=&u_src_d=&shop=false&sa-user-id-v3=s%253AAQAK",
      expect: { pixelIds: ["sqQHa3Ob1hFi__2EcYYVZg1"], events: [], shared: ["page_url", "page_title"] },
    },
  ],
);

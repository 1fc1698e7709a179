import { sessionRecorder } from "../session-recorder.ts";

/** Yandex Metrica's Webvisor: recordings to `mc.yandex.ru/webvisor/COUNTER` (the counter in the path). */
export const yandexWebvisor = sessionRecorder(
  { id: "yandex-webvisor", entity: "Yandex", tracker: "Yandex Metrica Webvisor" },
  {
    hosts: ["mc.yandex.ru", "mc.yandex.com", "mc.yandex.by", "mc.yandex.kz"],
    loader: /^\/metrika\/tag\.js$/,
    data: /^\/webvisor\/\d+/,
    project: (url) => url.pathname.match(/^\/webvisor\/(\d+)/)?.[1],
    visitor: {
      param: "browser-info.uid",
      cookie: "_ym_uid",
      value: (url) => url.searchParams.get("browser-info")?.match(/(?:^|:)u:(\d+)/)?.[1],
    },
  },
  [
    {
      source: "Yandex Metrica's tag.js as its counter code loads it",
      url: "https://mc.yandex.ru/metrika/tag.js",
      expect: { kind: "loader", pixelIds: [], events: [] },
    },
    {
      source: "Webvisor recording upload as tag.js sends it (counter in the path, visitor in browser-info)",
      url: "https://mc.yandex.ru/webvisor/12345678?wmode=0&wv-part=1&wv-hit=1733000000&page-url=https%3A%2F%2Fclinic.example%2F&browser-info=we%3A1%3Aet%3A1733000000%3Aw%3A1366x768%3Av%3A2000%3Au%3A1733000000123456789%3At%3AClinic",
      method: "POST",
      body: "encoded-recording",
      expect: { pixelIds: ["12345678"], events: ["session_recording"], shared: ["unique_id", "custom_data"] },
    },
  ],
);

import { sessionRecorder } from "../session-recorder.ts";

/** Yandex Metrica's Webvisor: recordings to `mc.yandex.ru/webvisor/COUNTER` (the counter in the path). */
export const yandexWebvisor = sessionRecorder(
  { id: "yandex-webvisor", entity: "Yandex", tracker: "Yandex Metrica Webvisor" },
  {
    hosts: ["mc.yandex.ru", "mc.yandex.com", "mc.yandex.by", "mc.yandex.kz"],
    loader: /^\/metrika\/tag\.js$/,
    data: /^\/webvisor\/\d+/,
    project: (url) => url.pathname.match(/^\/webvisor\/(\d+)/)?.[1],
    visitor: (url) => ({
      param: "browser-info.uid",
      value: url.searchParams.get("browser-info")?.match(/(?:^|:)u:(\d+)/)?.[1],
      cookie: "_ym_uid",
    }),
  },
);

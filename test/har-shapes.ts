/**
 * One recorded visit in the shapes other producers write, for the import tests: each keeps what its
 * producer keeps and drops what it lacks (log.pages per tab, per navigation, per run or none;
 * `_resourceType` or not; initiators as objects, strings or nothing; cookies as lists or only as
 * Set-Cookie headers). The traffic is the same, so the findings must be.
 */

type Json = Record<string, unknown>;
type Header = { name: string; value: string };
type Entry = Json & {
  request: Json & { url: string; headers: Header[] };
  response: Json & { headers: Header[] };
};
export type Har = { log: Json & { entries: Entry[]; pages?: Json[] } };

const clone = (har: Har): Har => JSON.parse(JSON.stringify(har)) as Har;
const dest = (e: Entry) => e.request.headers.find((h) => h.name.toLowerCase() === "sec-fetch-dest")?.value;

/** The main frame's navigations (a redirect's next hop excluded): where DevTools and Firefox start a page. */
function navigationStarts(entries: Entry[]): Set<Entry> {
  const starts = new Set<Entry>();
  const redirected = new Set<string>();
  for (const e of entries) {
    const location = String(e.response.redirectURL ?? "");
    if (dest(e) === "document" && !redirected.has(e.request.url)) starts.add(e);
    if (location) redirected.add(new URL(location, e.request.url).href);
  }
  return starts;
}

/** A `log.pages` entry per navigation of the main tab; the rest of the entries under the page open when sent. */
function pagePerNavigation(har: Har, title: (e: Entry) => string, id: (n: number) => string): void {
  const tab = har.log.pages?.[0]?.id;
  const starts = navigationStarts(har.log.entries.filter((e) => e.pageref === tab));
  const pages: Json[] = [];
  for (const e of har.log.entries) {
    if (e.pageref !== tab) continue;
    if (starts.has(e))
      pages.push({
        id: id(pages.length + 1),
        title: title(e),
        startedDateTime: e.startedDateTime,
        pageTimings: {},
      });
    e.pageref = pages.at(-1)?.id ?? id(1);
  }
  // Another tab (a popup) is not in a DevTools export: the panel records one tab.
  har.log.entries = har.log.entries.filter((e) => String(e.pageref).startsWith(id(1).slice(0, -1)));
  har.log.pages = pages;
}

/** Chrome DevTools' "Save all as HAR": a page per navigation titled with its address, HTTP/2 pseudo-headers. */
export function devtoolsShape(recorded: Har): Har {
  const har = clone(recorded);
  har.log.creator = { name: "WebInspector", version: "537.36" };
  pagePerNavigation(
    har,
    (e) => e.request.url,
    (n) => `page_${n}`,
  );
  for (const e of har.log.entries) {
    const url = new URL(e.request.url);
    e.request.headers.unshift(
      { name: ":authority", value: url.host },
      { name: ":path", value: url.pathname + url.search },
    );
    e._initiator = { type: "other" };
    e._priority = "High";
    delete e._frameref;
  }
  return har;
}

/** Firefox's network panel: a page per navigation titled with the document's title, no resource types. */
export function firefoxShape(recorded: Har): Har {
  const har = clone(recorded);
  har.log.creator = { name: "Firefox", version: "133.0" };
  pagePerNavigation(
    har,
    () => "Harbor Clinic",
    (n) => `page_${n}`,
  );
  for (const e of har.log.entries) {
    delete e._resourceType;
    delete e._frameref;
    e.request.headers = e.request.headers.map((h) => ({ name: titleCase(h.name), value: h.value }));
  }
  return har;
}

/** WebPageTest: a page per step, the base page marked, request types and initiators as its own fields. */
export function webPageTestShape(recorded: Har): Har {
  const har = clone(recorded);
  har.log.creator = { name: "WebPagetest", version: "21.07" };
  pagePerNavigation(
    har,
    (e) => e.request.url,
    (n) => `page_1_0_${n}`,
  );
  const starts = new Set(har.log.pages?.map((p) => p.startedDateTime));
  for (const e of har.log.entries) {
    const type = String(e._resourceType ?? "other");
    e._request_type = type.charAt(0).toUpperCase() + type.slice(1);
    e._is_base_page = starts.has(e.startedDateTime) && dest(e) === "document";
    e._initiator = "";
    e._initiator_type = "other";
    delete e._resourceType;
    delete e._frameref;
  }
  return har;
}

/** A proxy's log (mitmproxy's HAR export): no pages, no initiators, cookies set only in Set-Cookie headers. */
export function proxyShape(recorded: Har): Har {
  const har = clone(recorded);
  har.log.creator = { name: "mitmproxy", version: "11.0.0" };
  delete har.log.pages;
  for (const e of har.log.entries) {
    delete e.pageref;
    delete e._resourceType;
    delete e._frameref;
    e.response.cookies = [];
  }
  return har;
}

function titleCase(name: string): string {
  return name.replace(/(^|-)([a-z])/g, (_, dash: string, c: string) => dash + c.toUpperCase());
}

/** The DevTools events chrome-har reads (Blacklight, sitespeed.io and browsertime feed it the same). */
export const CHROME_HAR_EVENTS = [
  "Page.loadEventFired",
  "Page.domContentEventFired",
  "Page.frameStartedLoading",
  "Page.frameAttached",
  "Page.frameRequestedNavigation",
  "Page.navigatedWithinDocument",
  "Network.requestWillBeSent",
  "Network.requestWillBeSentExtraInfo",
  "Network.requestServedFromCache",
  "Network.dataReceived",
  "Network.responseReceived",
  "Network.responseReceivedExtraInfo",
  "Network.resourceChangedPriority",
  "Network.loadingFinished",
  "Network.loadingFailed",
];

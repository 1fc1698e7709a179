/**
 * A HAR capture as one visit of one site: which entries were the visit's top-level navigations (its
 * pages), which were documents of frames inside them, and which page every other entry belongs to.
 * It follows what the capture says, whoever wrote it: `log.pages` and `pageref` where they are (a
 * tab, a navigation, or a whole visit, depending on the writer), Sec-Fetch-Dest, initiators, frame
 * ids, redirects and Referer; never a page or a site for a frame's document.
 */
import { clip } from "../util/bound.ts";
import { LIMITS } from "../util/limits.ts";
import { hostOf } from "../util/text.ts";
import type { HarCapture, HarRecord } from "./har-import.ts";
import { htmlToPageText } from "./html-text.ts";
import type { CapturedCookie, CapturedWebSocket, PageCapture, SiteResult } from "./types.ts";

/** What importing one capture did, for the import's output and the crawl's metadata. */
export interface HarVisitNotes {
  /** Entries in the file (read), and those that became requests. */
  entries: number;
  imported: number;
  /** Entries not imported, by reason. */
  skipped: Record<string, number>;
  /** Documents loaded inside a page (ad frames, tag managers' frames, embeds, popups): not pages. */
  frames: number;
  /** Each page: its URL, and what it was inferred from when the capture holds no document for it. */
  pages: Array<{ url: string; inferredFrom: string | null }>;
}

export interface HarVisit {
  site: SiteResult;
  notes: HarVisitNotes;
}

/** A leave beacon comes after the next page's request; this long after it, it is not the last page's any more. */
const LATE_FOR_LAST_PAGE_MS = 10_000;

const FRAME_DESTS = new Set(["iframe", "frame", "embed", "object", "fencedframe"]);

/** One page of the visit as it is assembled. */
interface PageDraft {
  /** The navigation's hops, first to last (empty for a page inferred from Referer or a page title). */
  chain: HarRecord[];
  url: string;
  inferredFrom: string | null;
  pageref: string | null;
  startedAt: number;
  /** The file position of its first entry: the order of entries sent at the same moment. */
  startIndex: number;
  records: HarRecord[];
}

const header = (r: HarRecord, name: string): string | undefined => r.request.requestHeaders[name];
const isHttp = (url: string) => /^https?:\/\//i.test(url);

/** A request for a document, top-level or in a frame: what the browser asked for, not what came back. */
function isDocumentRequest(r: HarRecord): boolean {
  const dest = header(r, "sec-fetch-dest");
  if (dest) return dest === "document" || FRAME_DESTS.has(dest);
  if (r.isBasePage || r.declaredDocument) return true;
  // No Sec-Fetch-Dest (plain http, older browsers, some proxies): a navigation asks for HTML first.
  return r.request.method === "GET" && /^text\/html/.test(header(r, "accept") ?? "");
}

/**
 * A document inside a page rather than the page itself: the browser said so (Sec-Fetch-Dest), the
 * producer names another frame, or the page's own parser or scripts asked for it without Sec-Fetch-Dest.
 */
function isFrameDocument(r: HarRecord, mainFrame: string | null): boolean {
  const dest = header(r, "sec-fetch-dest");
  if (dest) return FRAME_DESTS.has(dest);
  if (r.isBasePage) return false;
  if (mainFrame !== null && r.frameRef !== null) return r.frameRef !== mainFrame;
  return r.request.initiatorType === "parser" || r.request.initiatorType === "script";
}

/** Navigation chains of the top-level frame, in time order; every other document is counted as a frame. */
function navigations(records: HarRecord[]): { chains: HarRecord[][]; frames: number } {
  const chains: HarRecord[][] = [];
  // Where each redirect goes next: a hop arriving there continues its chain, main frame or not.
  const pending = new Map<string, { chain: HarRecord[] | null }>();
  let mainFrame: string | null = null;
  let frames = 0;
  for (const r of records) {
    if (!isDocumentRequest(r) || !isHttp(r.request.url)) continue;
    const continued = pending.get(r.request.url);
    if (continued) pending.delete(r.request.url);
    const frame = continued ? continued.chain === null : isFrameDocument(r, mainFrame);
    const chain = frame ? null : (continued?.chain ?? null);
    if (frame) {
      if (!continued) frames++;
    } else if (chain) chain.push(r);
    else chains.push([r]);
    if (!frame && mainFrame === null) mainFrame = r.frameRef;
    if (r.request.redirectedTo)
      pending.set(r.request.redirectedTo, { chain: frame ? null : (chain ?? chains.at(-1) ?? null) });
  }
  return { chains, frames };
}

/**
 * A navigation that opened in another tab while the page was open (a popup): Playwright gives the
 * popup a `log.pages` entry of its own while the opener's entries go on. A crawl records a popup's
 * requests on the page that opened it, and so does this.
 */
function isPopup(chain: HarRecord[], current: PageDraft | undefined, lastSent: Map<string, number>): boolean {
  const first = chain[0];
  if (!first || !current || first.pageref === null || current.pageref === null) return false;
  if (first.pageref === current.pageref) return false;
  return (lastSent.get(current.pageref) ?? 0) > first.request.sentAt;
}

/** The page a capture without a document names: its `log.pages` title when it is an address, else the Referer most sent. */
function inferredPage(records: HarRecord[], title: string | null): { url: string; from: string } | null {
  if (title && isHttp(title)) return { url: title, from: "the page title in log.pages" };
  const counts = new Map<string, number>();
  for (const r of records) {
    const referer = header(r, "referer");
    if (referer && isHttp(referer)) counts.set(referer, (counts.get(referer) ?? 0) + 1);
  }
  let best: string | null = null;
  for (const [referer, count] of counts) if (best === null || count > (counts.get(best) ?? 0)) best = referer;
  return best ? { url: best, from: "the requests' Referer" } : null;
}

function draftOf(chain: HarRecord[]): PageDraft {
  const first = chain[0] as HarRecord;
  return {
    chain,
    url: (chain.at(-1) as HarRecord).request.url,
    inferredFrom: null,
    pageref: first.pageref,
    startedAt: first.request.sentAt,
    startIndex: first.index,
    records: [],
  };
}

/** The pages of the visit: one per top-level navigation, plus one per `log.pages` entry that holds no navigation. */
function pageDrafts(har: HarCapture, records: HarRecord[]): { drafts: PageDraft[]; frames: number } {
  const { chains, frames } = navigations(records);
  const lastSent = new Map<string, number>();
  for (const r of records) if (r.pageref !== null) lastSent.set(r.pageref, r.request.sentAt);
  const drafts: PageDraft[] = [];
  let popups = 0;
  // Tabs (log.pages entries) that hold a navigation, the popups' too: none of them is a page inferred from its entries.
  const navigated = new Set<string | null>();
  for (const chain of chains) {
    navigated.add(chain[0]?.pageref ?? null);
    if (isPopup(chain, drafts.at(-1), lastSent)) popups++;
    else drafts.push(draftOf(chain));
  }
  // Each log.pages entry's own entries, gathered once (a filtered export may hold thousands of them).
  const byPage = new Map<string | null, HarRecord[]>();
  for (const r of records) {
    const id = har.pages.length > 0 ? r.pageref : null;
    const list = byPage.get(id);
    if (list) list.push(r);
    else byPage.set(id, [r]);
  }
  const groups = har.pages.length > 0 ? har.pages.map((p) => p.id) : [null];
  for (const id of groups) {
    if (navigated.has(id) || (id === null && drafts.length > 0)) continue;
    const mine = byPage.get(id) ?? [];
    if (mine.length === 0) continue;
    const named = inferredPage(mine, har.pages.find((p) => p.id === id)?.title ?? null);
    drafts.push({
      chain: [],
      url: named?.url ?? mine[0]?.request.url ?? "about:blank",
      inferredFrom: named?.from ?? "the first request (the capture names no page)",
      pageref: id,
      startedAt: mine[0]?.request.sentAt ?? 0,
      startIndex: mine[0]?.index ?? 0,
      records: [],
    });
  }
  drafts.sort((a, b) => a.startedAt - b.startedAt || a.startIndex - b.startIndex);
  return { drafts, frames: frames + popups };
}

/**
 * The page an entry belongs to: the last page (of its own `log.pages` entry, when it has one) that
 * had started when it was sent; a beacon sent as a page was left, after the next page's request,
 * goes back to the page its Referer names.
 */
function pageFor(r: HarRecord, drafts: PageDraft[]): PageDraft {
  const at = r.request.sentAt;
  // The last page started by then (binary search: a capture may hold thousands of pages)...
  let low = 0;
  let high = drafts.length - 1;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    const d = drafts[mid] as PageDraft;
    if (d.startedAt < at || (d.startedAt === at && d.startIndex <= r.index)) low = mid;
    else high = mid - 1;
  }
  // ...of the entry's own log.pages entry (tab or navigation), when the file has them.
  let index = low;
  const mine = (d: PageDraft) => r.pageref === null || d.pageref === null || d.pageref === r.pageref;
  while (index > 0 && !mine(drafts[index] as PageDraft)) index--;
  if (!mine(drafts[index] as PageDraft))
    index = Math.max(
      0,
      drafts.findIndex((d) => d.pageref === r.pageref),
    );
  const page = drafts[index] as PageDraft;
  const previous = drafts[index - 1];
  const referer = header(r, "referer");
  // A cross-origin request names only the origin, which is also the home page's address: not proof.
  const onlyOrigin = referer === `${originOf(page.url)}/`;
  if (previous && referer === previous.url && !onlyOrigin && at - page.startedAt < LATE_FOR_LAST_PAGE_MS)
    return previous;
  return page;
}

function originOf(url: string): string | null {
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}

/** A draft's entries as a page record: its document, requests, cookies and text. */
function pageOf(draft: PageDraft, depth: number, title: string | null): PageCapture {
  const requests = draft.records.map((r) => r.request);
  const doc = draft.chain.at(-1) ?? null;
  const html = doc?.html ?? null;
  const text = html ? htmlToPageText(html) : null;
  const cookies = new Map<string, CapturedCookie>();
  for (const c of draft.records.flatMap((r) => r.cookies))
    if (cookies.size < LIMITS.cookiesPerPage) cookies.set(`${c.domain} ${c.name}`, c);
  const times = requests.map((r) => r.sentAt).filter((t) => t > 0);
  // Chrome and WebPageTest title pages with their address; a real title is better evidence.
  const pageTitle = text?.title ?? (title && !isHttp(title) ? title : null);
  return {
    depth,
    requestedUrl: draft.chain[0]?.request.url ?? draft.url,
    finalUrl: draft.url,
    title: clip(pageTitle, LIMITS.title),
    content: text?.content ?? { headings: [], description: null, text: "" },
    consent: null,
    status: "ok",
    httpStatus: doc?.request.status ?? null,
    error: null,
    startedAt: times.length ? Math.min(...times) : draft.startedAt,
    endedAt: times.length ? Math.max(...times) : draft.startedAt,
    requests,
    cookies: [...cookies.values()],
    storage: [],
    webSockets: draft.records.map((r) => r.webSocket).filter((w): w is CapturedWebSocket => w !== null),
    events: [],
  };
}

/** A page's `log.pages` title, when that entry is this page alone (chrome-har's one entry holds a whole visit). */
function titleOf(har: HarCapture, draft: PageDraft, drafts: PageDraft[]): string | null {
  if (draft.pageref === null || drafts.filter((d) => d.pageref === draft.pageref).length > 1) return null;
  return har.pages.find((p) => p.id === draft.pageref)?.title ?? null;
}

/** Entries in the order they were sent (the file's order where times are equal or missing). */
function inTimeOrder(entries: HarRecord[]): HarRecord[] {
  return [...entries].sort((a, b) => a.request.sentAt - b.request.sentAt || a.index - b.index);
}

/** The host a page is of, lowercased: the name a site is known by. */
export function siteOfUrl(url: string): string | null {
  try {
    const u = new URL(url);
    return /^https?:$/.test(u.protocol) ? u.hostname.toLowerCase() : null;
  } catch {
    return null;
  }
}

/**
 * A capture as one visit of one site, named as a crawl names a site: by the host the visit started
 * at (the first page's first address, before redirects), or `site` when given. Every entry with an
 * address becomes a request of one page; what is left out is counted by reason.
 */
export function harVisit(har: HarCapture, site: string | null): HarVisit {
  const skipped: Record<string, number> = {};
  const skip = (reason: string, n = 1) => {
    if (n > 0) skipped[reason] = (skipped[reason] ?? 0) + n;
  };
  skip(`beyond the first ${har.entries.length} entries of a file`, har.dropped);
  const records = inTimeOrder(har.entries.filter((r) => r.request.url !== ""));
  skip("no request URL", har.entries.length - records.length);
  const { drafts, frames } = pageDrafts(har, records);
  for (const r of records) {
    const page = pageFor(r, drafts);
    if (page.records.length < LIMITS.requestsPerPage) page.records.push(r);
    else skip(`beyond ${LIMITS.requestsPerPage} requests a page`);
  }
  const kept = drafts.filter((d) => d.records.length > 0);
  const pages = kept.map((d, i) => pageOf(d, i === 0 ? 0 : 1, titleOf(har, d, kept)));
  const first = pages[0];
  const name =
    site ?? (first ? siteOfUrl(first.requestedUrl) : null) ?? hostOf(first?.finalUrl ?? "") ?? "unknown";
  const imported = pages.reduce((n, p) => n + p.requests.length, 0);
  return {
    site: {
      site: name,
      inputUrl: first?.requestedUrl ?? "",
      finalUrl: first?.finalUrl ?? null,
      status: "ok",
      error: null,
      errorDetail: null,
      pages,
      startedAt: first?.startedAt ?? 0,
      endedAt: Math.max(0, ...pages.map((p) => p.endedAt)),
    },
    notes: {
      entries: har.entries.length + har.dropped,
      imported,
      skipped,
      frames,
      pages: kept.map((d) => ({ url: d.url, inferredFrom: d.inferredFrom })),
    },
  };
}

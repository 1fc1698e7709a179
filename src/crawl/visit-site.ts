import { existsSync, renameSync, writeFileSync } from "node:fs";
import type { BrowserContext, Page } from "playwright-core";
import { mayNeedEvidence } from "../analyze/evidence-policy.ts";
import type { CaptureHub, SiteCapture } from "../capture/capture-hub.ts";
import type {
  CapturedRequest,
  ConsentRecord,
  FailureReason,
  PageCapture,
  PageEvent,
  PageEvidence,
  PageText,
  ScreenshotMode,
  SiteResult,
} from "../capture/types.ts";
import { type BotWallInput, botWallOf } from "../classify/bot-wall.ts";
import { clip } from "../util/bound.ts";
import { LIMITS } from "../util/limits.ts";
import { sleep, withTimeout } from "../util/time.ts";
import { answerUnknownBanner } from "./answer-banner.ts";
import type { BrowserProcess } from "./browser.ts";
import { dwellMs, timeoutMs, type VisitOptions, type VisitStep } from "./config.ts";
import { type ConsentWatch, installConsent } from "./consent.ts";
import { readConsentApis } from "./consent-apis.ts";
import { classifyNavigationError, errorDetail } from "./errors.ts";
import { interact, mayType } from "./interact.ts";
import { type PageLink, pageKey, pickSubpages } from "./links.ts";
import { readContent } from "./read-content.ts";

export type { ScreenshotMode, VisitOptions, VisitStep };

/** A site's pages as they are finished, readable by the crawler if the visit has to be abandoned. */
export interface VisitProgress {
  pages: PageCapture[];
}

const SMALL_STEP_MS = 3000;
const UNANSWERED = Symbol("unanswered");
const EVIDENCE_TIMEOUT_MS = 5000;
/** How long to wait for autoconsent to finish accepting or rejecting a banner it found. */
const CONSENT_WAIT_MS = 8000;
/** When the heuristic first looks for a banner autoconsent did not find, after load, and how often after. */
const BANNER_FIRST_LOOK_MS = 1000;
const BANNER_LOOK_EVERY_MS = 500;
/**
 * Reading the page (title, links) answers at once on a healthy page; the bound is for pages that
 * busy-loop. It is generous because a loaded machine can take seconds to answer, and a missed link
 * list would silently cost the site its subpages.
 */
const READ_TIMEOUT_MS = 10_000;
/** Time for requests sent while a page unloads to show up in the capture: at most, and without news. */
const UNLOAD_GRACE_MS = 300;
const UNLOAD_QUIET_MS = 80;
/**
 * Once the document is gone it sends nothing new (Chromium reports nothing an unloading document
 * starts): this only lets the events of requests it started just before arrive.
 */
const UNLOADED_QUIET_MS = 30;
/**
 * A page that did send something as it was left may send more a few hundred milliseconds later (a
 * second batch, a retry timer): then wait until it has been quiet this long, at most the longer bound.
 */
const LEAVE_FOLLOW_UP_QUIET_MS = 600;
const LEAVE_FOLLOW_UP_MAX_MS = 2000;

const GPC_SCRIPT = `Object.defineProperty(Navigator.prototype, "globalPrivacyControl", { get: () => true, configurable: true });`;

const SIMULATE_LEAVE = `(() => {
  try {
    Object.defineProperty(document, "visibilityState", { value: "hidden", configurable: true });
    Object.defineProperty(document, "hidden", { value: true, configurable: true });
    document.dispatchEvent(new Event("visibilitychange"));
    window.dispatchEvent(new PageTransitionEvent("pagehide", { persisted: false }));
  } catch (e) {}
})()`;

/** Asked of the page: the navigation starts once the evaluation has answered. */
const UNLOAD = `setTimeout(() => { location.href = "about:blank"; }, 0)`;

/**
 * Visits one site in a fresh browser context (a persistent crawl's starts with the cookies and storage
 * the sites before it left): the home page, then the most sensitive-looking
 * same-site subpages, one after another in one tab, capturing everything each page sends.
 */
export async function visitSite(
  browser: BrowserProcess,
  hub: CaptureHub,
  site: { site: string; inputUrl: string },
  options: VisitOptions,
  progress: VisitProgress,
): Promise<SiteResult> {
  const startedAt = Date.now();
  const visitor = options.settings.profile === "persistent" ? (options.runtime.visitor ?? null) : null;
  const context = await newContext(browser, options, visitor?.stateFile ?? null);
  let browserContextId: string | null = null;
  try {
    if (options.settings.gpc) {
      // Defined before any page script runs, in every frame.
      // A string, not a function: the TypeScript loader may wrap functions in helpers the page lacks.
      await context.addInitScript(GPC_SCRIPT);
    }
    const events: PageEvent[] = [];
    const consent: ConsentRecord = {
      cmp: null,
      promptAt: null,
      choiceAt: null,
      action: null,
      succeeded: null,
    };
    const watch = await installConsent(context, options.settings.consent, consent, events);
    const tabs = watchContext(context, events);
    const page = await tabs.open();
    browserContextId = await browserContextOf(context, page);
    const capture = await hub.register(browserContextId, options.settings.gpc ? { "Sec-GPC": "1" } : {});
    const visit = (tab: Page, url: string, depth: number, follows: AnotherPageFollows) =>
      visitPage(tab, capture, url, depth, options, events, watch, follows);

    const visited = new Set<string>();
    await options.runtime.beforePage?.();
    let subpages: string[] = [];
    // The subpages are chosen from the home page's links before it is left: whether another page
    // follows in this tab decides how it is left.
    const home = await visit(page, site.inputUrl, 0, (links, finalUrl) => {
      visited.add(pageKey(site.inputUrl));
      visited.add(pageKey(finalUrl));
      if (options.settings.pagesPerSite > 1)
        subpages = pickSubpages(links, finalUrl, options.settings.pagesPerSite - 1, visited);
      return subpages.length > 0;
    });
    progress.pages.push(home.capture);

    const failure = homeFailure(home.capture);
    if (!failure) {
      let current = page;
      for (const [i, url] of subpages.entries()) {
        if (browser.dead) break;
        if (current.isClosed()) current = await tabs.open();
        await options.runtime.beforePage?.();
        const sub = await visit(current, url, 1, () => i < subpages.length - 1);
        progress.pages.push(sub.capture);
        visited.add(pageKey(sub.capture.finalUrl));
      }
    }
    if (browser.dead) throw new Error("browser crashed");
    if (options.runtime.cnames)
      for (const p of progress.pages)
        if (p.cnames === undefined) p.cnames = await options.runtime.cnames.forPage(p);
    return {
      site: site.site,
      inputUrl: site.inputUrl,
      finalUrl: home.capture.finalUrl,
      status: failure ? "failed" : "ok",
      error: failure?.reason ?? null,
      errorDetail: failure?.detail ?? null,
      pages: progress.pages,
      startedAt,
      endedAt: Date.now(),
    };
  } finally {
    if (browserContextId) hub.unregister(browserContextId);
    if (visitor) await keepVisitorState(context, visitor.stateFile);
    await withTimeout(context.close(), 10_000, undefined);
  }
}

/** A site's browser context: fresh, or (a persistent crawl) with what the sites before it left. */
function newContext(browser: BrowserProcess, options: VisitOptions, stateFile: string | null) {
  return browser.playwright.newContext({
    storageState: stateFile && existsSync(stateFile) ? stateFile : undefined,
    acceptDownloads: false,
    ignoreHTTPSErrors: options.settings.ignoreHttpsErrors,
    viewport: { width: 1366, height: 768 },
    locale: "en-US",
    // The user agent is the browser's own (set at launch, for workers too): Playwright's override
    // would send client hints of another platform. Sec-GPC is added by the capture (`hub.register`).
  });
}

/** Keeps the visitor's cookies and storage for the next site (written whole, then renamed). */
async function keepVisitorState(context: BrowserContext, file: string): Promise<void> {
  const state = await withTimeout(context.storageState(), 10_000, null);
  if (!state) return;
  writeFileSync(`${file}.tmp`, JSON.stringify(state));
  renameSync(`${file}.tmp`, file);
}

/** Whether another page of the site follows in this tab, given this one's links and final URL. */
type AnotherPageFollows = (links: PageLink[], finalUrl: string) => boolean;

/** The browser's id of a Playwright context, which the capture's events carry. */
async function browserContextOf(context: BrowserContext, page: Page): Promise<string> {
  const session = await context.newCDPSession(page);
  const info = (await session.send("Target.getTargetInfo")) as {
    targetInfo: { browserContextId?: string };
  };
  void session.detach().catch(() => {});
  const id = info.targetInfo.browserContextId;
  if (!id) throw new Error("could not identify the browser context");
  return id;
}

/** Why the site as a whole counts as failed, judged by its home page; null when it loaded. */
function homeFailure(home: PageCapture): { reason: FailureReason; detail: string } | null {
  if (home.status === "failed" || home.status === "crashed") {
    return {
      reason: home.status === "crashed" ? "crash" : classifyNavigationError(home.error ?? ""),
      detail: errorDetail(home.error ?? home.status),
    };
  }
  // A challenge or block page is the wall's, not the site's: not a clean site without trackers.
  const wall = botWallOf(wallInput(home));
  if (wall) return { reason: "bot_wall", detail: `${wall} challenge or block page` };
  // Timed out before a document answered, or while still being redirected: nothing was loaded.
  const stillRedirecting = home.httpStatus !== null && home.httpStatus >= 300 && home.httpStatus < 400;
  if (home.status === "timeout" && (home.httpStatus === null || stillRedirecting)) {
    return { reason: "timeout", detail: home.error ?? "" };
  }
  if (home.httpStatus !== null && home.httpStatus >= 500)
    return { reason: "http_5xx", detail: `HTTP ${home.httpStatus}` };
  if (home.httpStatus !== null && home.httpStatus >= 400)
    return { reason: "http_4xx", detail: `HTTP ${home.httpStatus}` };
  return null;
}

/** What the bot-wall classifier reads of a page: its document's response and what it says. */
function wallInput(page: PageCapture): BotWallInput {
  const doc = [...page.requests]
    .reverse()
    .find((r) => r.resourceType === "document" && r.targetKind === "page" && r.url === page.finalUrl);
  return {
    status: doc?.status ?? page.httpStatus,
    headers: doc?.responseHeaders ?? {},
    title: page.title,
    text: page.content.text,
    urls: page.requests.map((r) => r.url),
  };
}

/**
 * Dialogs dismissed, popups recorded and closed, downloads refused: all noted on the current page.
 * Returns how the crawler opens its own tabs, so that they are watched and not taken for popups.
 */
function watchContext(context: BrowserContext, events: PageEvent[]): { open(): Promise<Page> } {
  const note = (kind: PageEvent["kind"], detail: string) => {
    if (events.length < LIMITS.eventsPerPage)
      events.push({ kind, detail: clip(detail, 500) ?? "", at: Date.now() });
  };
  let openingOwnTab = false;
  context.on("page", (popup) => {
    if (openingOwnTab) return;
    note("popup", popup.url());
    popup.on("dialog", (dialog) => dialog.dismiss().catch(() => {}));
    // Let the popup send its first requests (they are captured), then close it.
    void withTimeout(popup.waitForLoadState("domcontentloaded"), SMALL_STEP_MS, undefined).then(() => {
      if (popup.url() !== "about:blank") note("popup", popup.url());
      return popup.close().catch(() => {});
    });
  });
  return {
    async open() {
      openingOwnTab = true;
      let page: Page;
      try {
        page = await context.newPage();
      } finally {
        openingOwnTab = false;
      }
      page.on("dialog", (dialog) => {
        note("dialog", `${dialog.type()}: ${dialog.message()}`);
        dialog.dismiss().catch(() => {});
      });
      page.on("download", (download) => {
        note("download_refused", download.url());
        download.cancel().catch(() => {});
      });
      page.on("crash", () => note("renderer_crash", page.url()));
      return page;
    },
  };
}

interface PageVisit {
  capture: PageCapture;
  links: PageLink[];
}

/** How far a page got: its navigation's outcome, then what could be read of it. */
interface PageState {
  status: PageCapture["status"];
  error: string | null;
  httpStatus: number | null;
  /** The document never answered: nothing to dwell on or read. */
  nothingLoaded: boolean;
  /** The page stopped answering reads (a busy loop, a dialog storm): the rest is skipped. */
  unresponsive: boolean;
  title: string | null;
  content: PageText;
  links: PageLink[];
  finalUrl: string;
}

/** Whether the page is there to be read, screenshotted or left politely. */
function answering(page: Page, state: PageState): boolean {
  return (
    !state.unresponsive &&
    !state.nothingLoaded &&
    state.status !== "failed" &&
    state.status !== "crashed" &&
    !page.isClosed()
  );
}

async function navigate(
  page: Page,
  capture: SiteCapture,
  url: string,
  options: VisitOptions,
  events: PageEvent[],
): Promise<PageState> {
  const state: PageState = {
    status: "ok",
    error: null,
    httpStatus: null,
    nothingLoaded: false,
    unresponsive: false,
    title: null,
    content: { headings: [], description: null, text: "" },
    links: [],
    finalUrl: url,
  };
  try {
    const response = await page.goto(url, { waitUntil: "load", timeout: timeoutMs(options) });
    state.httpStatus = response?.status() ?? null;
    if (isChallenge(capture.network.latestDocument(page.url())))
      await passChallenge(page, capture, state, options, events);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    state.error = errorDetail(message);
    const reason = classifyNavigationError(message);
    if (reason === "timeout") {
      state.status = "timeout";
      events.push({
        kind: "navigation_timeout",
        detail: `load did not finish in ${options.settings.timeoutSec}s`,
        at: Date.now(),
      });
    } else {
      state.status = reason === "crash" || capture.rendererCrashed ? "crashed" : "failed";
    }
  }
  // The document may have answered even when `load` never came: keep its status.
  if (state.httpStatus === null) state.httpStatus = documentStatus(capture, url);
  // Headers came but the body could not be used (bad encoding, wrong length): Chromium fails the
  // document's request yet leaves the navigation waiting for a load that never comes.
  const documentError = capture.network.pendingDocument(url)?.error ?? null;
  if (state.status === "timeout" && documentError && /net::ERR_/.test(documentError)) {
    state.status = "failed";
    state.error = errorDetail(documentError);
  }
  state.nothingLoaded = state.status === "timeout" && state.httpStatus === null;
  if (!page.isClosed()) state.finalUrl = page.url();
  return state;
}

/** How long a challenge that reloads itself (Cloudflare's "Just a moment…") is given to let the browser through. */
export const CHALLENGE_WAIT_MS = 15_000;

/** A bot-management challenge page, by the header Cloudflare sends with one. */
function isChallenge(doc: CapturedRequest | null): boolean {
  return /challenge/i.test(doc?.responseHeaders?.["cf-mitigated"] ?? "");
}

/**
 * Waits for a challenge to resolve: the page reloads itself (once its script has set the clearance
 * cookie) into the site. Passed, the page is the site's and the pass is recorded; not passed in
 * time, the challenge page stays and the site is recorded as behind a bot wall.
 */
async function passChallenge(
  page: Page,
  capture: SiteCapture,
  state: PageState,
  options: VisitOptions,
  events: PageEvent[],
): Promise<void> {
  const started = Date.now();
  const deadline = started + Math.min(CHALLENGE_WAIT_MS, timeoutMs(options));
  while (Date.now() < deadline) {
    const arrived = await page
      .waitForNavigation({ waitUntil: "load", timeout: Math.max(1, deadline - Date.now()) })
      .then(() => true)
      .catch(() => false);
    if (!arrived) return;
    // Playwright may not hand the response over: the capture has the document as it came.
    const doc = capture.network.latestDocument(page.url());
    state.httpStatus = doc?.status ?? state.httpStatus;
    if (doc && !isChallenge(doc) && (doc.status ?? 0) > 0 && (doc.status ?? 0) < 400) {
      events.push({
        kind: "challenge_passed",
        detail: `Cloudflare challenge passed after ${((Date.now() - started) / 1000).toFixed(1)} s`,
        at: Date.now(),
      });
      return;
    }
  }
}

/** Dwells (answering a banner), then reads the title, the content and, on the home page, the links. */
async function readPage(
  page: Page,
  state: PageState,
  depth: number,
  options: VisitOptions,
  watch: ConsentWatch,
  events: PageEvent[],
): Promise<void> {
  if (!answering(page, state)) return;
  // The consent APIs are read as the dwell starts, at load, as a visitor's dwell would.
  await Promise.all([noteApis(page, watch), dwell(page, options, watch, events)]);
  // Asked together (each evaluation a round trip to the page); a page that does not answer
  // the title does not answer the others either, and all three give up at the same time.
  // A rejection (the page navigated away meanwhile) is an answer; only silence is unresponsive.
  const [read, content, links] = await Promise.all([
    withTimeout(
      page.title().catch(() => null),
      READ_TIMEOUT_MS,
      UNANSWERED,
    ),
    readContent(page, READ_TIMEOUT_MS),
    depth === 0 && options.settings.pagesPerSite > 1 ? readLinks(page) : Promise.resolve([]),
  ]);
  state.finalUrl = page.url();
  if (read === UNANSWERED) {
    // A page that does not answer a read would not answer the next ones either: skip them, and
    // interaction, rather than wait for each in turn.
    state.unresponsive = true;
    events.push({
      kind: "unresponsive",
      detail: `page did not answer for ${READ_TIMEOUT_MS / 1000}s`,
      at: Date.now(),
    });
    return;
  }
  state.title = clip(read, LIMITS.title);
  if (!answering(page, state)) return;
  state.content = content;
  state.links = links;
}

function readLinks(page: Page): Promise<PageLink[]> {
  return withTimeout(
    page.$$eval(
      "a[href]",
      (anchors, max) =>
        anchors.slice(0, max).map((a) => ({
          href: (a as HTMLAnchorElement).href,
          text: ((a as HTMLElement).innerText || a.getAttribute("aria-label") || "").slice(0, 200),
        })),
      LIMITS.linksConsidered,
    ),
    READ_TIMEOUT_MS,
    [],
  );
}

/**
 * Leaves the page before its record is closed, so beacons sent on pagehide/unload belong to it.
 * Chromium does not report requests sent by a document it is already unloading, so the page is
 * first told it is hidden and being left, as a tab switch or close would, while it is still alive.
 */
async function leavePage(
  page: Page,
  capture: SiteCapture,
  unresponsive: boolean,
  anotherPageFollows: boolean,
): Promise<void> {
  if (page.isClosed()) return;
  const leftAt = Date.now();
  if (!unresponsive) await withTimeout(page.evaluate(SIMULATE_LEAVE), SMALL_STEP_MS, undefined);
  await capture.settle(UNLOAD_QUIET_MS, UNLOAD_GRACE_MS);
  // Only pages that answered the leave with a request pay for the longer wait.
  const saysGoodbye = capture.lastRequestAt >= leftAt;
  if (saysGoodbye) await capture.settle(LEAVE_FOLLOW_UP_QUIET_MS, LEAVE_FOLLOW_UP_MAX_MS);
  // The site's last page is closed with its context, unless it said goodbye as it was hidden: then
  // it will again as it really unloads (UET's second pageHide, GA4's user_engagement), and that is
  // its own too.
  if (!anotherPageFollows && !saysGoodbye) return;
  // What a page sends as it really unloads is seen only by interception (network.ts).
  await capture.network.watchUnload();
  await unloadPage(page, unresponsive);
  await capture.settle(UNLOADED_QUIET_MS, UNLOAD_GRACE_MS);
  await capture.network.stopWatchingUnload();
}

/**
 * Unloads the document, so that nothing it still sends lands in the next page's record. The page
 * navigates itself to about:blank: a browser-initiated navigation there starts a renderer process
 * for the blank page (about a tenth of a page's CPU); one the page starts stays in its process. A
 * page that does not answer, or does not go, is navigated by the browser.
 */
async function unloadPage(page: Page, unresponsive: boolean): Promise<void> {
  const byBrowser = () => page.goto("about:blank", { timeout: SMALL_STEP_MS });
  const unloaded = unresponsive
    ? byBrowser()
    : page
        .evaluate(UNLOAD)
        .then(() => page.waitForURL("about:blank", { timeout: SMALL_STEP_MS, waitUntil: "commit" }))
        .catch(byBrowser);
  await withTimeout(unloaded, 2 * SMALL_STEP_MS + 500, null);
}

/** Whether this page's renderer died during the visit, as either DevTools session saw it. */
function rendererDied(capture: SiteCapture, events: PageEvent[]): boolean {
  return capture.rendererCrashed || events.some((e) => e.kind === "renderer_crash");
}

async function visitPage(
  page: Page,
  capture: SiteCapture,
  url: string,
  depth: number,
  options: VisitOptions,
  events: PageEvent[],
  watch: ConsentWatch,
  anotherPageFollows: AnotherPageFollows,
): Promise<PageVisit> {
  const startedAt = Date.now();
  const step = (kind: VisitStep["kind"]) => options.runtime.onStep?.({ kind, url, at: Date.now() });
  const consent = watch.record;
  events.length = 0;
  watch.newPage();
  capture.rendererCrashed = false;
  step("loading");
  const state = await navigate(page, capture, url, options, events);
  step("consent");
  await readPage(page, state, depth, options, watch, events);
  // The page as the visitor saw it, before the crawler typed into it or submitted it away.
  const { title, content } = state;
  const evidence = (await evidenceWanted(page, capture, state, options, consent))
    ? await takeEvidence(page)
    : null;
  if (
    options.settings.interact &&
    answering(page, state) &&
    (state.status === "ok" || state.status === "timeout")
  ) {
    step("interaction");
    await interact(
      page,
      options.runtime.identity,
      timeoutMs(options),
      events,
      options.settings.consent,
      (quiet, max) => capture.settle(quiet, max),
    );
  }
  if (rendererDied(capture, events) && (state.status === "ok" || state.status === "timeout"))
    state.status = "crashed";
  const finalUrl =
    state.finalUrl === "about:blank" || !/^https?:/.test(state.finalUrl) ? url : state.finalUrl;
  const pageCapture: PageCapture = {
    depth,
    requestedUrl: url,
    finalUrl: clip(finalUrl, LIMITS.url) ?? url,
    title,
    content,
    consent: null,
    status: state.status,
    httpStatus: state.httpStatus,
    error: state.error,
    startedAt,
    endedAt: 0,
    requests: [],
    cookies: [],
    storage: [],
    webSockets: [],
    events: [],
    evidence,
  };
  if (!state.unresponsive && !state.nothingLoaded && state.status !== "failed" && state.status !== "crashed")
    await noteApis(page, watch);
  await capture.beforeLeave(pageCapture);
  step("leaving");
  await leavePage(page, capture, state.unresponsive, anotherPageFollows(state.links, pageCapture.finalUrl));
  // A renderer that died after the navigation gave up waiting (while the page was read, or left)
  // still means the page crashed.
  if (rendererDied(capture, events) && (pageCapture.status === "ok" || pageCapture.status === "timeout"))
    pageCapture.status = "crashed";
  await capture.finishPage(pageCapture);
  pageCapture.consent = { ...consent };
  pageCapture.events.push(...events);
  pageCapture.endedAt = Date.now();
  return { capture: pageCapture, links: state.links };
}

/**
 * Stays on the page for the dwell, looking for a consent banner autoconsent's rules did not find
 * (from a second after load, then twice a second) and answering it. Once a banner was answered,
 * by either, the trackers the answer releases get the dwell again (at least a second) to fire.
 */
async function dwell(
  page: Page,
  options: VisitOptions,
  watch: ConsentWatch,
  events: PageEvent[],
): Promise<void> {
  const note = (detail: string, at = Date.now()) => {
    if (events.length < LIMITS.eventsPerPage)
      events.push({ kind: "consent", detail: clip(detail, 500) ?? "", at });
  };
  const loadedAt = Date.now();
  const until = loadedAt + dwellMs(options);
  await sleep(Math.min(BANNER_FIRST_LOOK_MS, dwellMs(options)));
  // Two looks at least: on a loaded machine the first (its script compiled in the page) can outlast
  // a short dwell, and a banner would go unseen.
  for (let looks = 1; !page.isClosed(); looks++) {
    if (await answerUnknownBanner(page, watch, note, Date.now() - loadedAt)) break;
    if (Date.now() >= until && looks >= 2) break;
    await sleep(Math.min(BANNER_LOOK_EVERY_MS, Math.max(0, until - Date.now())));
  }
  await sleep(Math.max(0, until - Date.now()));
  // autoconsent found a banner and is still answering it: let it finish.
  if (options.settings.consent !== "ignore" && watch.autoconsent === "found") {
    const deadline = Date.now() + CONSENT_WAIT_MS;
    while (watch.autoconsent === "found" && Date.now() < deadline) await sleep(200);
  }
  if (watch.choiceOnPage !== null)
    await sleep(Math.max(0, watch.choiceOnPage + Math.max(dwellMs(options), 1000) - Date.now()));
}

/** Reads the page's consent APIs into its record, when it has any. */
async function noteApis(page: Page, watch: ConsentWatch): Promise<void> {
  const read = await readConsentApis(page);
  if (!read) return;
  watch.record.apis = [...(watch.record.apis ?? []), read];
}

/**
 * Whether to take the page's evidence now: of every page, of one whose findings may need it, or of
 * one interaction will type into (what it sends afterwards may be the identity).
 */
async function evidenceWanted(
  page: Page,
  capture: SiteCapture,
  state: PageState,
  options: VisitOptions,
  consent: ConsentRecord,
): Promise<boolean> {
  const mode = options.settings.screenshots;
  if (mode === "none" || !answering(page, state)) return false;
  if (mode === "all") return true;
  const { finalUrl: url, title, content } = state;
  if (mayNeedEvidence({ url, title, content, scripts: capture.preview().scripts }, consent)) return true;
  return options.settings.interact && (await mayType(page));
}

/**
 * The viewport as a JPEG and the document's HTML, each bounded: whether they are kept is decided
 * once the page has been analysed (`src/pipeline/evidence-files.ts`).
 */
async function takeEvidence(page: Page): Promise<PageEvidence> {
  const screenshot = await withTimeout(
    page.screenshot({ type: "jpeg", quality: 60, timeout: EVIDENCE_TIMEOUT_MS, animations: "disabled" }),
    EVIDENCE_TIMEOUT_MS + 500,
    null,
  );
  const html = await withTimeout(page.content(), EVIDENCE_TIMEOUT_MS, null);
  return { screenshot, html: clip(html, LIMITS.evidenceHtml) };
}

/** HTTP status of the top-level document request for `url` (last hop), from the capture so far. */
function documentStatus(capture: SiteCapture, url: string): number | null {
  const doc = capture.network.pendingDocument(url);
  return doc?.status ?? null;
}

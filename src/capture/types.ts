import type { ScriptFacts } from "./fingerprint-script.ts";
/**
 * What a crawl records. These records are the source of truth: attribution, decoding and
 * classification are pure functions over them, so an old crawl can be re-analysed without re-crawling.
 */

/** Which kind of browser target sent a request. */
export type TargetKind = "page" | "iframe" | "worker" | "shared_worker" | "service_worker" | "other";

/** One HTTP request (one hop of a redirect chain), with its response when one came. */
export interface CapturedRequest {
  /** CDP request id; hops of one redirect chain share it and differ in `hop`. */
  requestId: string;
  hop: number;
  targetKind: TargetKind;
  frameId: string | null;
  /** URL of the document the request was made for (the frame's or worker's URL). */
  documentUrl: string | null;
  url: string;
  method: string;
  /** CDP resource type, lowercased: document, script, image, ping (beacons), fetch, xhr, websocket, ... */
  resourceType: string;
  requestHeaders: Record<string, string>;
  postData: string | null;
  /** Full length of the body in characters, even when `postData` was cut. */
  postDataLength: number | null;
  /** SHA-256 of the full body, only when `postData` was cut. */
  postDataSha256: string | null;
  initiatorType: string | null;
  /** The script or document that caused the request. */
  initiatorUrl: string | null;
  /** Top of the JavaScript stack: `function@url:line:column`. */
  initiatorStack: string | null;
  /** When it was sent, ms since the epoch. */
  sentAt: number;
  status: number | null;
  responseHeaders: Record<string, string> | null;
  remoteIp: string | null;
  mimeType: string | null;
  protocol: string | null;
  fromCache: boolean;
  /** Bytes received over the network (headers and body). */
  encodedSize: number | null;
  /** Network error (`net::ERR_...`) when the request failed. */
  error: string | null;
  /** Set on a hop that was answered with a redirect: where it went next. */
  redirectedTo: string | null;
}

export interface CapturedCookie {
  name: string;
  domain: string;
  path: string;
  value: string;
  valueLength: number;
  valueSha256: string | null;
  /** Seconds since the epoch; null for a session cookie. */
  expires: number | null;
  httpOnly: boolean;
  secure: boolean;
  sameSite: string | null;
  /** URL of the response whose Set-Cookie header set it, when one did. */
  setBy: string | null;
}

export interface StorageItem {
  origin: string;
  kind: "local" | "session";
  key: string;
  value: string;
  valueLength: number;
}

export interface WebSocketFrame {
  direction: "sent" | "received";
  opcode: number;
  payload: string;
  payloadLength: number;
  at: number;
}

export interface CapturedWebSocket {
  requestId: string;
  url: string;
  initiatorUrl: string | null;
  status: number | null;
  frames: WebSocketFrame[];
  /** Frames seen beyond the per-socket limit. */
  droppedFrames: number;
  error: string | null;
}

/** Something the page did that is not a request: a dialog, a popup, a download, a crash. */
export interface PageEvent {
  kind:
    | "dialog"
    | "popup"
    | "download_refused"
    | "renderer_crash"
    | "navigation_timeout"
    | "unresponsive"
    | "blocked_navigation"
    | "limit_reached"
    /** A collector that threw: what it would have gathered on this page is missing (`detail` says which). */
    | "collector_failed"
    | "interaction"
    | "form_submitted"
    | "consent"
    /** A bot-management challenge that let the browser through (`detail` says whose, and how long it took). */
    | "challenge_passed";
  detail: string;
  at: number;
}

export type PageStatus = "ok" | "timeout" | "failed" | "crashed";

/** What happened to the site's consent banner, as of the end of a page (a choice persists across pages). */
export interface ConsentRecord {
  /** The consent platform autoconsent recognised. */
  cmp: string | null;
  /** When a banner was first seen (ms), or null when none was. */
  promptAt: number | null;
  /** When the crawler's accept or reject finished (ms). */
  choiceAt: number | null;
  action: "accept" | "reject" | null;
  succeeded: boolean | null;
  /**
   * This page's banner (absent in crawls made before it was recorded): who found it (autoconsent's
   * rule for a platform, or the heuristic for banners it has none for), the label of the control the
   * crawler clicked, and whether the banner went away.
   */
  page?: PageConsent;
  /** What the page's consent APIs (TCF, GPP, US Privacy) answered, at load and before it was left. */
  apis?: ConsentApiRead[];
}

export interface PageConsent {
  shown: boolean;
  detectedBy: "autoconsent" | "heuristic" | null;
  /** Where the banner was, and the start of its text (heuristic banners). */
  where: string | null;
  control: string | null;
  bannerGone: boolean | null;
}

/** One reading of the consent APIs a page exposes; each part is null when the page has no such API. */
export interface ConsentApiRead {
  /** When it was read (ms). */
  at: number;
  tcf: {
    tcString: string | null;
    gdprApplies: boolean | null;
    eventStatus: string | null;
    cmpId: number | null;
    /** Purposes (1–11) with consent. */
    purposes: number[];
    /** Vendors with consent: how many, and the first 100 IDs. */
    vendorCount: number;
    vendors: number[];
  } | null;
  usp: { uspString: string | null } | null;
  gpp: {
    gppString: string | null;
    applicableSections: number[];
    signalStatus: string | null;
    /** From the US sections' parsed fields: 1 opted out of sale, 2 did not, 0 not applicable. */
    saleOptOut: number | null;
    gpc: boolean | null;
  } | null;
}

/** What the page says, for classifying it: headings and main text outside navigation (bounded). */
export interface PageText {
  headings: string[];
  description: string | null;
  text: string;
  /** The site's name as the page gives it (og:site_name, application-name); absent in older crawls. */
  siteName?: string | null;
  /** The language the page declares (`<html lang>`). */
  lang?: string | null;
}

/** Host → the names it is an alias of, in resolution order. */
export type CnameChains = Record<string, string[]>;

export interface PageCapture {
  depth: number;
  /** The run of the site this page belongs to in a `--compare-consent` crawl (`reject`, `accept`, `no_gpc`, `gpc`). */
  variant?: string | null;
  requestedUrl: string;
  finalUrl: string;
  title: string | null;
  content: PageText;
  consent: ConsentRecord | null;
  status: PageStatus;
  /** HTTP status of the top-level document. */
  httpStatus: number | null;
  error: string | null;
  startedAt: number;
  endedAt: number;
  requests: CapturedRequest[];
  cookies: CapturedCookie[];
  storage: StorageItem[];
  webSockets: CapturedWebSocket[];
  events: PageEvent[];
  /** What each script did with fingerprintable APIs (absent in crawls made before it was captured). */
  scripts?: PageScriptFacts[];
  /** The CNAME chains of the first-party hosts the page contacted that are aliases (`src/crawl/cname.ts`). */
  cnames?: CnameChains;
  /**
   * What collectors without a table of their own gathered, under each collector's name (JSON, at
   * most `LIMITS.collectedBytes` each): a new kind of capture needs no schema change.
   */
  collected?: Record<string, unknown>;
  /** The page as it looked before it was left, held in memory until the crawler knows if it is needed. */
  evidence?: PageEvidence | null;
  /** Where that evidence was written, relative to the crawl's directory. */
  evidenceFiles?: EvidenceFiles | null;
}

/** Why a site failed, in a small vocabulary a user can count by (see the contract). */
export type FailureReason =
  | "timeout"
  | "dns"
  | "tls"
  | "connection"
  | "http_4xx"
  | "http_5xx"
  | "too_many_redirects"
  | "crash"
  | "not_html"
  | "blocked"
  | "bad_response"
  /** A bot-management challenge or block page (Cloudflare, DataDome, …): the site was not seen. */
  | "bot_wall"
  | "error";

export interface SiteResult {
  site: string;
  inputUrl: string;
  finalUrl: string | null;
  status: "ok" | "failed";
  error: FailureReason | null;
  errorDetail: string | null;
  pages: PageCapture[];
  startedAt: number;
  endedAt: number;
}

/** One script's use of fingerprintable APIs in one document (or worker) of a page. */
export type PageScriptFacts = ScriptFacts & { documentUrl: string };

/** A screenshot (JPEG) and the HTML of a page, as it was when it was left. */
export interface PageEvidence {
  screenshot: Buffer | null;
  html: string | null;
}

export interface EvidenceFiles {
  screenshot: string | null;
  html: string | null;
}

/** The synthetic identity the crawler types into forms, and looks for in what trackers receive. */
export interface Identity {
  email: string;
  /** E.164, e.g. +12025550143. */
  phone: string;
  firstName: string;
  lastName: string;
  address: string;
}

/** One site of a crawl's list. */
export interface SiteEntry {
  /** Host as listed: lowercased, punycode. The key a site is known by everywhere. */
  site: string;
  /** Where the crawl starts: the URL given, or https://site/ for a bare domain. */
  inputUrl: string;
  /** Rank in a ranked list (Tranco), when it had one. */
  rank: number | null;
}

/** Screenshots and HTML of every page (`all`), of pages with findings that need them (`evidence`), or none. */
export type ScreenshotMode = "all" | "evidence" | "none";

export type SiteStatus = "pending" | "running" | "ok" | "failed";

/** A site of a crawl's list as the crawler takes it: its row in the store and how far it got. */
export interface SiteRow {
  id: number;
  site: string;
  inputUrl: string;
  rank: number | null;
  status: SiteStatus;
  attempts: number;
}

/** One page's capture, as analysis needs it (from a crawl in memory or from the database). */
export interface PageForAnalysis {
  pageUrl: string;
  /** The site's home page (depth 0): what the site is is judged from it. */
  isHome?: boolean;
  /** When the crawler submitted the first form it filled (ms), if it did. */
  formSubmittedAt?: number | null;
  /** The site's consent banner as of the end of this page; absent or null when none was handled. */
  consent?: ConsentRecord | null;
  title: string | null;
  content: PageText;
  requests: CapturedRequest[];
  cookies: CapturedCookie[];
  storage: StorageItem[];
  /** What each script did with fingerprintable APIs (absent for crawls made before it was captured). */
  scripts?: PageScriptFacts[];
  /** CNAME chains of the page's first-party aliases (absent: not resolved). */
  cnames?: CnameChains;
  /** What collectors without a table of their own gathered, under their names. */
  collected?: Record<string, unknown>;
}

/**
 * What the report and the web UI show, as data. The same shapes travel embedded in the HTML report
 * and over `earshot serve`'s JSON API, so one client renders both. Everything here came from hostile
 * websites: the client only ever puts it in the page as text.
 */

import type { CrawlDiff } from "./diff.ts";

/** The crawl as a whole: when, how, and how much. */
export interface CrawlInfo {
  createdAt: number | null;
  generatedAt: number;
  toolVersion: string | null;
  browser: string | null;
  /** The user agent the crawl's browser sent, and whether Chromium's sandbox was on. */
  userAgent?: string | null;
  sandbox?: boolean | null;
  /** Where the crawl reached the sites from: its own network, or a proxy (credentials removed). */
  proxy?: string | null;
  /** The crawl's options as recorded (consent mode, GPC, interaction, pages per site, ...). */
  config: Record<string, string | number | boolean | null>;
  /** Every recorded setting in words, label and value, as the settings' declaration names them. */
  settings?: Array<[string, string]>;
  lists: string[];
  /** `botWalls`: failed sites that showed a bot-management challenge or block page instead of themselves. */
  sites: { total: number; ok: number; failed: number; pending: number; botWalls?: number };
  pages: number;
  requests: number;
  /** HAR files imported into the crawl (`earshot import`): what wrote each, and what it became. */
  imports?: ImportedCapture[];
}

/** One imported capture as the report tells it. */
export interface ImportedCapture {
  file: string;
  /** The HAR's writer (`chrome-har 0.11.12`, `WebInspector 537.36`, ...), when it names itself. */
  producer: string | null;
  site: string;
  visit: number;
  entries: number;
  requests: number;
  skipped: Record<string, number>;
  frames: number;
  pages: Array<{ url: string; inferredFrom: string | null }>;
}

/** One company's reach: on how many sites and pages it received visitor data. */
export interface CompanyReach {
  entity: string;
  /** Sites (crawled successfully) where it received data from at least one page. */
  sites: number;
  pages: number;
  sensitivePages: number;
  trackers: string[];
  /** Its pixel or account IDs, those on the most sites first (at most 20; absent in older reports). */
  pixelIds?: Array<{ id: string; sites: number }>;
  /** The events it was sent, those on the most pages first (at most 20). */
  events?: Array<{ name: string; pages: number }>;
}

/** The same reach, within one site list (`.gov`, top sites, ...). */
export interface ListReach {
  list: string;
  /** Sites of this list crawled successfully. */
  sites: number;
  /** Sites of this list where any company received data. */
  sitesWithData: number;
  /** Sites per company. */
  companies: Record<string, number>;
}

/** Sensitive pages of one category and who received data from them. */
export interface CategoryReach {
  category: string;
  pages: number;
  /** Pages of this category where any third party received data. */
  pagesWithData: number;
  sites: number;
  /** Pages per company. */
  companies: Record<string, number>;
}

export interface SensitivePageRow {
  site: string;
  url: string;
  title: string | null;
  categories: string[];
  evidence: string;
  companies: string[];
}

export interface LeakRow {
  site: string;
  url: string;
  entity: string;
  tracker: string;
  field: string;
  encoding: string;
  where: string;
  keylogged: boolean;
}

export interface BeforeConsentRow {
  site: string;
  url: string;
  entity: string;
  tracker: string;
  events: string[];
}

/** A list too long to show whole: the first rows and how many there are. */
export interface Capped<T> {
  rows: T[];
  total: number;
}

/** The first screen: who hears about visits, and to which sensitive pages. */
/** One kind of finding the crawl looked for, and what it found: "none found" is an answer too. */
export interface LookedFor {
  kind: "fingerprinting" | "session_recording" | "leaks" | "before_consent" | "syncs" | "cloaking";
  /** Sites where it was found (0: none found), and the companies behind it. */
  sites: number;
  companies: string[];
}

/** A sentence of the report's key findings, with the link to what it is about. */
export interface KeyFinding {
  kind: "profile" | "sensitive" | "leaks" | "refused" | "before_consent";
  text: string;
  href: string;
}

export interface Overview {
  crawl: CrawlInfo;
  /** What a reader should know first, most serious first (absent in reports made before them). */
  keyFindings?: KeyFinding[];
  /** Each kind of finding looked for, with "none found" as an answer (absent in older reports). */
  lookedFor?: LookedFor[];
  /** Sites crawled successfully where at least one company received data. */
  sitesWithData: number;
  companies: CompanyReach[];
  byList: ListReach[];
  byCategory: CategoryReach[];
  sensitivePages: Capped<SensitivePageRow>;
  leaks: Capped<LeakRow>;
  beforeConsent: Capped<BeforeConsentRow>;
  /** Pages whose site's own consent record says the visitor refused, where trackers still received data. */
  refusedYetTracked?: Capped<RefusedRow>;
  consent: { prompts: number; accepted: number; rejected: number };
  /** What changed against another crawl (`report --compare`), or between the two runs of a comparison crawl. */
  changes?: CrawlDiff | null;
  /** Identifiers one company handed to another (absent in reports made before syncs were found). */
  syncs?: Capped<SyncRow>;
  /** Who passes identifiers to whom: one edge per pair of companies. */
  syncGraph?: SyncEdge[];
  /** The sites' own subdomains that are aliases of a tracker's servers (CNAME cloaking). */
  cloaked?: Capped<CloakedRow>;
  /** What each company could link about the one visitor of a persistent crawl (absent otherwise). */
  profiles?: ProfilesSummary | null;
}

/** A persistent crawl's profiles, a row per company, for the report's section on them. */
export interface ProfilesSummary {
  /** The browser's third-party-cookie policy while the links were made (`allow` or `block`). */
  thirdPartyCookies: string;
  /** Sites a second, fresh visitor saw too: where constants were told from identifiers. */
  controlSites: number;
  /** Sites in the crawl. */
  listed: number;
  companies: ProfileCompany[];
}

export interface ProfileCompany {
  entity: string;
  /** Every site any of its identifiers linked, in visit order. */
  sites: string[];
  identifiers: Array<{ name: string; carrier: string; sites: number; control: string }>;
  sensitivePages: Array<{ site: string; url: string; categories: string[] }>;
  /** One page per linked site whose requests carried the identifier. */
  evidence: Array<{ site: string; pageUrl: string }>;
}

/** A site's subdomain that is an alias of a tracker's servers. */
export interface CloakedRow {
  site: string;
  host: string;
  chain: string[];
  entity: string;
  tracker: string;
}

/** One company's identifier for the visitor, received by another company on a page. */
export interface SyncRow {
  site: string;
  url: string;
  source: string;
  idName: string;
  entity: string;
  tracker: string;
  means: string;
  encoding: string;
}

export interface SyncEdge {
  source: string;
  entity: string;
  /** Sites and pages where the source's identifier reached the receiver. */
  sites: number;
  pages: number;
}

export interface RefusedRow {
  site: string;
  url: string;
  /** What the site's records say: `onetrust: groups C0001:1,C0004:0`. */
  records: string;
  companies: string[];
}

/** One row of the sites table. */
export interface SiteRow {
  site: string;
  list: string | null;
  rank: number | null;
  status: string;
  error: string | null;
  pages: number;
  companies: string[];
  categories: string[];
  leaks: number;
  beforeConsent: number;
}

/** An identifier as shown: the cookie or storage key holding it, and a shortened value. */
export interface IdentifierView {
  name: string;
  source: string;
  value: string;
  /** The cookie as stored at the end of the page, when the identifier lives in one. */
  cookie: { domain: string; expires: number | null; setBy: string | null } | null;
}

/** A request kept as evidence, cut to a readable size. */
export interface EvidenceRequest {
  method: string;
  url: string;
  urlLength: number;
  status: number | null;
  resourceType: string;
  sentAt: number;
  body: string | null;
  bodyLength: number | null;
  referer: string | null;
  /** The decoder's reading, when one knows the request. */
  decoded: {
    vendor: string;
    pixelIds: string[];
    events: string[];
    details: Record<string, string>;
    /** What each key of `details` means, as its vendor's decoder says (absent in older reports). */
    meanings?: Record<string, string>;
  } | null;
}

export interface FindingView {
  entity: string;
  tracker: string;
  phase: string;
  /** `script_loaded`: only the tracker's script was downloaded ("script loaded, nothing sent"). */
  kind: "data" | "script_loaded";
  requests: number;
  pixelIds: string[];
  events: string[];
  dataShared: string[];
  identifiers: IdentifierView[];
  leaks: Array<{ field: string; encoding: string; where: string; keylogged?: boolean }>;
  evidence: EvidenceRequest[];
  /** Requests that carried it but are not included as evidence here. */
  evidenceOmitted: number;
  /** The site's own subdomains it answered at, aliases of its servers (absent in older reports). */
  cloaked?: Array<{ host: string; chain: string[] }>;
}

/** What one company learned from one page, in plain words and in detail. */
export interface CompanyOnPage {
  entity: string;
  /** "you visited …", "your browser ID … (cookie _fbp)", … */
  learned: string[];
  findings: FindingView[];
}

export interface PageDetail {
  url: string;
  title: string | null;
  depth: number;
  status: string;
  sensitive: string[];
  sensitiveEvidence: string;
  consent: {
    cmp: string | null;
    action: string | null;
    succeeded: boolean | null;
    prompted: boolean;
    /** This page's banner: who found it, what the crawler clicked, whether it went away. */
    foundBy: string | null;
    control: string | null;
    bannerGone: boolean | null;
  } | null;
  /** What the crawler did on the page (scrolled, filled a form, clicked "…"). */
  actions: string[];
  companies: CompanyOnPage[];
  /** The page's screenshot and HTML as captured, relative to the crawl's directory, when kept. */
  evidence?: {
    screenshot: string | null;
    html: string | null;
    /** The screenshot itself (a data: URL), when the report carries it inside. */
    screenshotData?: string | null;
  } | null;
}

export interface SiteDetail {
  site: SiteRow;
  inputUrl: string;
  finalUrl: string | null;
  /** What the site is (a shelter, a clinic, a church), from its home page: every page of it tells of that. */
  nature: { categories: string[]; evidence: string };
  pages: PageDetail[];
  /** False when the report left this site's page details out to stay small (see `earshot serve`). */
  complete: boolean;
}

/** Filters of the sites table, as the URL hash and the API take them. */
export interface SiteQuery {
  q?: string;
  company?: string;
  category?: string;
  list?: string;
  sort?: keyof SiteRow;
  desc?: boolean;
  page?: number;
  perPage?: number;
}

export interface SitePage {
  rows: SiteRow[];
  total: number;
  page: number;
  pages: number;
}

/** Everything the self-contained report embeds. */
export interface ReportData {
  overview: Overview;
  sites: SiteRow[];
  /** Details by site name; sites left out (size budget) show their row only. */
  details: Record<string, SiteDetail>;
}

/**
 * What analysis derives from a capture, in one place: the shapes the store writes and the report
 * and exports read (findings, personal data found, identifier syncs, a page's analysis), apart from
 * the code that computes them (`src/analyze/`), so the store depends on the data, not on analysis.
 */
import type { ConsentState } from "../classify/consent-state.ts";
import type { Classification } from "../classify/sensitive.ts";
import type { DataShared, Identifier, IdentifierSource } from "../decode/types.ts";

/** The personal data of the synthetic identity, and how it was found encoded in a request. */
export type LeakField = "email" | "phone" | "firstName" | "lastName" | "address";
export type LeakEncoding =
  | "plain"
  | "url"
  | "base64"
  | "md5"
  | "sha1"
  | "sha256"
  | "sha512"
  /** Hashes of a hash's hex digest, as real tags send them (Criteo's `m=`: SHA-256 of the MD5). */
  | "sha256_md5"
  | "sha256_sha256"
  | "md5_sha256";

/** The synthetic identity found in a request: which field, how it was encoded, and where. */
export interface LeakMatch {
  field: LeakField;
  encoding: LeakEncoding;
  /** `query:NAME`, `body:NAME` (form), `body:$.path` (JSON), `body`, `header:NAME` or `url`. */
  where: string;
  /** Sent while the visitor was typing, before the form was submitted: key logging. */
  keylogged?: boolean;
}

export type Phase = "before_consent" | "after_consent" | "no_consent_prompt";

/**
 * `data`: the tracker received a beacon (or an identifier, or personal data). `script_loaded`: only its
 * script or configuration was downloaded and nothing was sent after it (a tag that switched itself
 * off, or one waiting for consent): counts of who received visitor data leave these out.
 */
export type FindingKind = "data" | "script_loaded";

/** What one tracker (company and product) received from one page. */
export interface Finding {
  entity: string;
  tracker: string;
  requests: number;
  pixelIds: string[];
  events: string[];
  dataShared: DataShared[];
  identifiers: Identifier[];
  /** The synthetic identity found in its requests. */
  leaks: LeakMatch[];
  phase: Phase;
  kind: FindingKind;
  /** Indexes into the page's requests that carried it: the evidence. */
  evidence: number[];
  /** First-party hosts it was reached at that are aliases of its servers (CNAME cloaking), with their chains. */
  cloaked: Array<{ host: string; chain: string[] }>;
}

export type SyncMeans = "redirect" | "parameter" | "body";
export type SyncEncoding = "plain" | "url" | "base64" | "md5" | "sha1" | "sha256";

/** How Earshot knows whose identifier a value is. */
export type OwnershipProof = "set_cookie" | "cookie_domain" | "own_tag";

/** One company's identifier for the visitor, received by another company from one page. */
export interface IdSync {
  /** The company (and product) whose identifier it is. */
  sourceEntity: string;
  sourceTracker: string;
  /** The cookie or storage key holding it, or the parameter the source's own tag sent it in. */
  idName: string;
  idSource: IdentifierSource;
  proof: OwnershipProof;
  /** The company (and product) that received it. */
  entity: string;
  tracker: string;
  /** A redirect (a hop of a redirect chain), a parameter of the URL, or the body. */
  means: SyncMeans;
  encoding: SyncEncoding;
  /** `query:NAME`, `url` (the path), `body:NAME` or `body`, as leaks say it. */
  where: string;
  phase: Phase;
  /** How many of the page's requests carried it to that company. */
  requests: number;
  /** Indexes into the page's requests: the first is the evidence. */
  evidence: number[];
  value: string;
}

/** What analysis derived from one page: its findings, its sensitive categories, what its site is. */
export interface PageAnalysis {
  findings: Finding[];
  /** Identifiers one company handed to another on this page (`src/analyze/id-sync.ts`). */
  syncs: IdSync[];
  sensitive: Classification & { lang?: string | null };
  /** What the site is, judged from this page: set on the home page's analysis only. */
  site?: Classification;
  /** What the site's own consent records say the visitor chose (absent: not derived). */
  consentState?: ConsentState;
}

/** How an identifier that links sites reached its company. */
export type ProfileCarrier =
  | "third_party_cookie"
  | "first_party_cookie"
  | "storage"
  | "parameter"
  | "synced"
  | "fingerprint";

/**
 * One identifier one company received from a page of a persistent crawl: what profiles are built
 * from (the stored findings, with their page and site).
 */
export interface ProfileSighting {
  site: string;
  /** Where the site came in the crawl's visits (the visitor's profile depends on the order). */
  siteOrder: number;
  pageUrl: string;
  /** Sent to the second, fresh visitor of the first sites (the check for constants). */
  control: boolean;
  sensitive: string[];
  at: number;
  entity: string;
  tracker: string;
  identifier: Identifier;
  /** The finding's account and pixel IDs: a value among them names the site's account, not the visitor. */
  pixelIds: string[];
  /** The domain of the page's cookie that holds it, when one does. */
  cookieDomain: string | null;
  /** Another company's identifier for the visitor (an identifier sync), handed to this one. */
  synced: boolean;
  /** The first request that carried it (a row id), for evidence. */
  requestId: number | null;
}

/**
 * What one company could put together about one visitor: one identifier it received from more than
 * one site of a persistent crawl, and the pages it came from.
 */
export interface Profile {
  entity: string;
  tracker: string;
  /** The cookie, storage key or parameter that carried it. */
  name: string;
  carrier: ProfileCarrier;
  value: string;
  /** The sites it was sent from, in the order the crawl visited them. */
  sites: string[];
  pages: number;
  sensitive: string[];
  /** The sensitive pages among them, each with its categories. */
  sensitivePages: Array<{ site: string; url: string; categories: string[] }>;
  firstAt: number;
  lastAt: number;
  /** Requests that carried it, one per page (bounded). */
  evidence: Array<{ site: string; pageUrl: string; requestId: number | null }>;
  /**
   * `differs`: the second, fresh visitor was sent another value under the same name, so this one
   * identifies the visitor; `unchecked`: the second visitor saw none of these sites' requests for it.
   */
  control: "differs" | "unchecked";
}

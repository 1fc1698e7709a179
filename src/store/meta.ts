/**
 * A crawl's metadata: what was crawled, how and with what, one typed record per key, so nobody
 * parses a blob and casts it. Values are stored as JSON (two keys, older than that rule, as text).
 */
import type { Identity } from "../capture/types.ts";
import type { CrawlSettings } from "../crawl/settings.ts";
import type { ListProvenance } from "../lists/lists.ts";
import type { CrawlStore } from "./crawl-store.ts";

/** A list a crawl was given: where from, its checksum, and (a downloaded list) its provenance. */
export interface ListRecord {
  source: string;
  label: string;
  sha256: string;
  sites: number;
  provenance: ListProvenance | null;
  /** When it was added, and how many of its sites were new to the crawl. */
  at: number;
  added?: number;
}

/** One run of `earshot crawl` over the crawl (a resumed crawl has several). */
export interface RunRecord {
  startedAt: number;
  endedAt: number;
  crawled: number;
  interrupted: boolean;
  config: CrawlSettings;
  browser: string | null;
}

/** A HAR file imported into the crawl: one visit of one site. */
export interface ImportRecord {
  file: string;
  sha256: string;
  creator: { name: string; version: string } | null;
  pages: number;
  requests: number;
  /** The site the visit was filed under (one; a list as first recorded). */
  sites: string[];
  at: number;
  /** Entries in the file, and those left out by reason (absent in imports made before they were recorded). */
  entries?: number;
  skipped?: Record<string, number>;
  /** Documents of frames inside the pages (not pages). */
  frames?: number;
  /** The visit's pages, with what a page was inferred from when the capture held no document for it. */
  pageUrls?: Array<{ url: string; inferredFrom: string | null }>;
  /** Which visit of its site this was (1 for the first). */
  visit?: number;
}

/** The tracker database a crawl used: where it was and its checksum (the list itself is never copied). */
export interface TrackerDbRecord {
  path: string;
  sha256?: string;
  format: string;
  domains: number;
}

export interface CrawlMeta {
  /** When the crawl was created (ms since the epoch). */
  created_at: number;
  /** Earshot's version that created or last crawled it. */
  tool_version: string;
  /** The crawl's settings (a crawl recorded by an older version may lack later ones: `settingsFromRecord`). */
  config: CrawlSettings;
  identity: Identity;
  browser: {
    executable: string;
    version: string | null;
    userAgent: string | null;
    /** Chromium's sandbox on (absent in crawls made before it was recorded). */
    sandbox?: boolean;
    /** The unprivileged account the browser ran as when Earshot ran as root. */
    runsAs?: string | null;
  };
  vantage: { proxy: string | null; dnsServer?: string | null };
  lists: ListRecord[];
  runs: RunRecord[];
  imports: ImportRecord[];
  tracker_db: TrackerDbRecord;
}

export type MetaKey = keyof CrawlMeta;

/** Keys stored as plain text rather than JSON (as the first crawls wrote them). */
const TEXT_KEYS: ReadonlySet<MetaKey> = new Set(["created_at", "tool_version"]);

/** A metadata record, or null when the crawl has none (or it cannot be read). */
export async function readMeta<K extends MetaKey>(store: CrawlStore, key: K): Promise<CrawlMeta[K] | null> {
  const text = await store.getMeta(key);
  if (text === null) return null;
  if (key === "created_at") {
    const at = Number(text);
    return (Number.isFinite(at) && at > 0 ? at : null) as CrawlMeta[K] | null;
  }
  if (TEXT_KEYS.has(key)) return text as CrawlMeta[K];
  try {
    return JSON.parse(text) as CrawlMeta[K];
  } catch {
    return null;
  }
}

export async function writeMeta<K extends MetaKey>(
  store: CrawlStore,
  key: K,
  value: CrawlMeta[K],
): Promise<void> {
  await store.setMeta(key, TEXT_KEYS.has(key) ? String(value) : JSON.stringify(value));
}

/** Appends to a list-valued record (lists, runs, imports). */
export async function appendMeta<K extends "lists" | "runs" | "imports">(
  store: CrawlStore,
  key: K,
  ...values: CrawlMeta[K]
): Promise<void> {
  const current = (await readMeta(store, key)) ?? [];
  await writeMeta(store, key, [...current, ...values] as CrawlMeta[K]);
}

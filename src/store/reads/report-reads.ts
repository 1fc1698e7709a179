/**
 * The store's reads for the report, the web UI and `earshot diff`: typed rows, JSON columns parsed,
 * streamed where a crawl can hold millions of them. What the rows mean is decided in `src/report/`.
 */
import type { ConsentRecord } from "../../capture/types.ts";
import type { Identifier } from "../../decode/types.ts";
import type { LeakMatch as Leak } from "../../derived/types.ts";
import { parseJson, parseStringArray } from "../../util/json.ts";
import type { CrawlStore } from "../crawl-store.ts";
import { postDataSql } from "../schema.ts";

/**
 * Which pages a read covers: every page (undefined), the pages of no variant (null), or one run of
 * a `--compare-consent`/`--compare-gpc` crawl (its name).
 */
export type VariantFilter = string | null | undefined;

function variantWhere(variant: VariantFilter): { clause: string; params: string[] } {
  if (variant === undefined) return { clause: "1 = 1", params: [] };
  if (variant === null) return { clause: "p.variant IS NULL", params: [] };
  return { clause: "p.variant = ?", params: [variant] };
}

export interface SiteSummary {
  id: number;
  site: string;
  list: string | null;
  rank: number | null;
  status: string;
  error: string | null;
  pages: number;
  /** What the site is (its own categories). */
  sensitive: string[];
}

/** Every site, in list order. */
export async function* siteSummaries(store: CrawlStore): AsyncIterable<SiteSummary> {
  for await (const s of store.sql.iterate<Omit<SiteSummary, "sensitive"> & { sensitive: string }>(
    "SELECT id, site, list, rank, status, error, pages, sensitive FROM sites ORDER BY position",
  ))
    yield { ...s, sensitive: parseStringArray(s.sensitive) };
}

export interface SensitivePage {
  id: number;
  siteId: number;
  site: string;
  url: string;
  title: string | null;
  categories: string[];
  evidence: string;
}

/** Pages with sensitive categories of their own, in crawl order. */
export async function* sensitivePages(
  store: CrawlStore,
  variant?: VariantFilter,
): AsyncIterable<SensitivePage> {
  const where = variantWhere(variant);
  for await (const p of store.sql.iterate<Omit<SensitivePage, "categories"> & { categories: string }>(
    `SELECT p.id, p.site_id AS "siteId", s.site, p.url, p.title, p.sensitive AS categories,
       p.sensitive_evidence AS evidence
     FROM pages p JOIN sites s ON s.id = p.site_id
     WHERE p.sensitive != '[]' AND ${where.clause} ORDER BY s.position, p.id`,
    where.params,
  )) {
    const categories = parseStringArray(p.categories);
    if (categories.length > 0) yield { ...p, categories };
  }
}

export interface DataFinding {
  siteId: number;
  pageId: number;
  site: string;
  url: string;
  entity: string;
  tracker: string;
  phase: string;
  events: string[];
  dataShared: string[];
  leaks: Array<Partial<Leak>>;
  /** Whether the finding holds a fingerprint the browser yielded (canvas, audio, WebRTC, ...). */
  fingerprinted: boolean;
  /** The pixel or account IDs the requests carried. */
  pixelIds: string[];
}

/** Findings of data received (not scripts merely loaded), in crawl order. */
export async function* dataFindings(store: CrawlStore, variant?: VariantFilter): AsyncIterable<DataFinding> {
  const where = variantWhere(variant);
  for await (const f of store.sql.iterate<
    Omit<DataFinding, "events" | "dataShared" | "leaks" | "fingerprinted" | "pixelIds"> & {
      pixelIds: string;
      events: string;
      dataShared: string;
      leaks: string;
      fingerprinted: number;
    }
  >(
    `SELECT f.site_id AS "siteId", f.page_id AS "pageId", s.site, p.url, f.entity, f.tracker, f.phase,
       f.events, f.data_shared AS "dataShared", f.leaks, f.pixel_ids AS "pixelIds",
       CASE WHEN f.identifiers LIKE '%"source":"generated"%' THEN 1 ELSE 0 END AS fingerprinted
     FROM findings f JOIN pages p ON p.id = f.page_id JOIN sites s ON s.id = f.site_id
     WHERE f.kind = 'data' AND ${where.clause} ORDER BY s.position, f.id`,
    where.params,
  )) {
    const leaks = parseJson<unknown>(f.leaks, []);
    yield {
      ...f,
      events: parseStringArray(f.events),
      dataShared: parseStringArray(f.dataShared),
      leaks: Array.isArray(leaks) ? (leaks as Array<Partial<Leak>>) : [],
      fingerprinted: Number(f.fingerprinted) === 1,
      pixelIds: parseStringArray(f.pixelIds),
    };
  }
}

export interface RefusingPage {
  id: number;
  site: string;
  url: string;
  /** The page's stored consent state (JSON), whose verdict is "refused". */
  consentState: string;
}

/** Pages whose site's own consent records say the visitor refused, in crawl order. */
export async function* refusingPages(
  store: CrawlStore,
  variant?: VariantFilter,
): AsyncIterable<RefusingPage> {
  const where = variantWhere(variant);
  yield* store.sql.iterate<RefusingPage>(
    `SELECT p.id, s.site, p.url, p.consent_state AS "consentState" FROM pages p JOIN sites s ON s.id = p.site_id
     WHERE p.consent_state LIKE '%"verdict":"refused"%' AND ${where.clause} ORDER BY s.position, p.id`,
    where.params,
  );
}

export interface StoredSync {
  siteId: number;
  pageId: number;
  site: string;
  url: string;
  sourceEntity: string;
  idName: string;
  entity: string;
  tracker: string;
  means: string;
  encoding: string;
}

/** Every identifier sync analysis found, in crawl order. */
export async function* idSyncs(store: CrawlStore, variant?: VariantFilter): AsyncIterable<StoredSync> {
  const where = variantWhere(variant);
  yield* store.sql.iterate<StoredSync>(
    `SELECT y.site_id AS "siteId", y.page_id AS "pageId", s.site, p.url, y.source_entity AS "sourceEntity",
       y.id_name AS "idName", y.entity, y.tracker, y.means, y.encoding
     FROM id_syncs y JOIN pages p ON p.id = y.page_id JOIN sites s ON s.id = y.site_id
     WHERE ${where.clause} ORDER BY s.position, y.id`,
    where.params,
  );
}

export interface StoredCloaking {
  site: string;
  entity: string;
  tracker: string;
  cloaked: Array<{ host: string; chain: string[] }>;
}

/** Findings whose tracker was reached at the site's own subdomains (CNAME cloaking), in crawl order. */
export async function* cloakedFindings(store: CrawlStore): AsyncIterable<StoredCloaking> {
  for await (const f of store.sql.iterate<{ site: string; entity: string; tracker: string; cloaked: string }>(
    `SELECT s.site, f.entity, f.tracker, f.cloaked FROM findings f JOIN sites s ON s.id = f.site_id
     WHERE f.cloaked <> '[]' ORDER BY s.position, f.id`,
  )) {
    const cloaked = parseJson<unknown>(f.cloaked, []);
    yield { ...f, cloaked: Array.isArray(cloaked) ? (cloaked as StoredCloaking["cloaked"]) : [] };
  }
}

/** Each page's consent record (the banner and what the crawler did about it), with its site. */
export async function* consentRecords(
  store: CrawlStore,
): AsyncIterable<{ siteId: number; record: ConsentRecord }> {
  for await (const row of store.sql.iterate<{ siteId: number; consent: string }>(
    `SELECT site_id AS "siteId", consent FROM pages WHERE consent IS NOT NULL`,
  )) {
    const record = parseJson<ConsentRecord | null>(row.consent, null);
    if (record) yield { siteId: row.siteId, record };
  }
}

/** The variants a comparison crawl stored, in the order they were run; empty otherwise. */
export async function variantsOf(store: CrawlStore): Promise<string[]> {
  const rows = await store.sql.all<{ variant: string; first: number }>(
    "SELECT variant, MIN(id) AS first FROM pages WHERE variant IS NOT NULL GROUP BY variant ORDER BY first",
  );
  return rows.map((r) => r.variant);
}

/** Per site and tracker, the pages of one variant where it received data (after consent only, if asked). */
export function trackersInVariant(
  store: CrawlStore,
  variant: string,
  afterConsentOnly: boolean,
): Promise<Array<{ site: string; entity: string; tracker: string; pages: number }>> {
  const condition = afterConsentOnly ? "f.phase = 'after_consent'" : "1 = 1";
  return store.sql.all(
    `SELECT s.site, f.entity, f.tracker, COUNT(DISTINCT f.page_id) AS pages FROM findings f
     JOIN pages p ON p.id = f.page_id JOIN sites s ON s.id = f.site_id
     WHERE p.variant = ? AND f.kind = 'data' AND ${condition}
     GROUP BY s.site, f.entity, f.tracker ORDER BY s.site, f.entity, f.tracker`,
    [variant],
  );
}

/** Sites finished since `at` (ms since the epoch). */
export async function sitesFinishedSince(store: CrawlStore, at: number): Promise<number> {
  const row = await store.sql.get<{ n: number }>("SELECT COUNT(*) AS n FROM sites WHERE finished_at >= ?", [
    at,
  ]);
  return Number(row?.n ?? 0);
}

// One site's details, read in one query per table rather than one per page or per request.

export interface DetailPage {
  id: number;
  url: string;
  title: string | null;
  depth: number;
  status: string;
  sensitive: string[];
  sensitiveEvidence: string;
  consent: ConsentRecord | null;
  evidence: { screenshot: string | null; html: string | null } | null;
}

export interface DetailCookie {
  pageId: number;
  name: string;
  domain: string;
  expires: number | null;
  setBy: string | null;
}

/** What the crawler did on a page (interaction, a form submitted, the consent banner answered). */
export interface DetailAction {
  pageId: number;
  kind: string;
  detail: string;
  at: number;
}

export interface DetailFinding {
  pageId: number;
  entity: string;
  tracker: string;
  phase: string;
  kind: string;
  requests: number;
  pixelIds: string[];
  events: string[];
  dataShared: string[];
  identifiers: Identifier[];
  leaks: Leak[];
  /** The ids of the requests behind the finding. */
  evidence: number[];
  /** The site's own subdomains it was reached at, aliases of its servers (CNAME cloaking). */
  cloaked: Array<{ host: string; chain: string[] }>;
}

export interface DetailSync {
  pageId: number;
  sourceEntity: string;
  idName: string;
  entity: string;
  means: string;
}

export interface DetailRequest {
  id: number;
  url: string;
  method: string;
  resourceType: string;
  status: number | null;
  sentAt: number;
  postData: string | null;
  postDataLength: number | null;
  requestHeaders: Record<string, string>;
}

export interface SiteDetailRows {
  site: {
    id: number;
    inputUrl: string;
    finalUrl: string | null;
    sensitive: string[];
    sensitiveEvidence: string;
  };
  pages: DetailPage[];
  cookies: DetailCookie[];
  actions: DetailAction[];
  findings: DetailFinding[];
  /** Identifiers of one company that another received, per page. */
  syncs: DetailSync[];
  /** When each request of the site was sent, by id. */
  sentAt: Map<number, number>;
  /** The requests kept as evidence (the first `evidencePerFinding` of each finding), by id. */
  requests: Map<number, DetailRequest>;
}

/** One site's stored pages, cookies, actions, findings and evidence requests; null if no such site. */
export async function siteDetailRows(
  store: CrawlStore,
  siteName: string,
  evidencePerFinding: number,
): Promise<SiteDetailRows | null> {
  const sql = store.sql;
  const site = await sql.get<{
    id: number;
    inputUrl: string;
    finalUrl: string | null;
    sensitive: string;
    sensitiveEvidence: string;
  }>(
    `SELECT id, input_url AS "inputUrl", final_url AS "finalUrl", sensitive, sensitive_evidence AS "sensitiveEvidence"
     FROM sites WHERE site = ?`,
    [siteName],
  );
  if (!site) return null;
  const pages = await sql.all<
    Omit<DetailPage, "sensitive" | "consent" | "evidence"> & {
      sensitive: string;
      consent: string | null;
      evidence: string | null;
    }
  >(
    `SELECT id, url, title, depth, status, sensitive, sensitive_evidence AS "sensitiveEvidence", consent, evidence
     FROM pages WHERE site_id = ? ORDER BY id`,
    [site.id],
  );
  const cookies = await sql.all<DetailCookie>(
    `SELECT c.page_id AS "pageId", c.name, c.domain, c.expires, c.set_by AS "setBy"
     FROM cookies c JOIN pages p ON p.id = c.page_id WHERE p.site_id = ? ORDER BY c.id`,
    [site.id],
  );
  const actions = await sql.all<DetailAction>(
    `SELECT e.page_id AS "pageId", e.kind, e.detail, e.at FROM page_events e JOIN pages p ON p.id = e.page_id
     WHERE p.site_id = ? AND e.kind IN ('interaction', 'form_submitted', 'consent') ORDER BY e.id`,
    [site.id],
  );
  const sent = await sql.all<{ id: number; sentAt: number }>(
    `SELECT r.id, r.sent_at AS "sentAt" FROM requests r JOIN pages p ON p.id = r.page_id WHERE p.site_id = ?`,
    [site.id],
  );
  const findings = (
    await sql.all<Record<string, string | number>>(
      "SELECT * FROM findings WHERE site_id = ? ORDER BY page_id, id",
      [site.id],
    )
  ).map(detailFinding);
  const syncs = await sql.all<DetailSync>(
    `SELECT page_id AS "pageId", source_entity AS "sourceEntity", id_name AS "idName", entity, means
     FROM id_syncs WHERE site_id = ? ORDER BY id`,
    [site.id],
  );
  const wanted = findings.flatMap((f) => f.evidence.slice(0, evidencePerFinding));
  return {
    site: { ...site, sensitive: parseStringArray(site.sensitive) },
    pages: pages.map((p) => ({
      ...p,
      sensitive: parseStringArray(p.sensitive),
      consent: parseJson<ConsentRecord | null>(p.consent, null),
      evidence: parseJson<DetailPage["evidence"]>(p.evidence, null),
    })),
    cookies,
    actions,
    findings,
    syncs,
    sentAt: new Map(sent.map((r) => [r.id, r.sentAt])),
    requests: await requestsById(store, wanted),
  };
}

function detailFinding(f: Record<string, string | number>): DetailFinding {
  const evidence = parseJson<unknown>(String(f.evidence ?? "[]"), []);
  const identifiers = parseJson<unknown>(String(f.identifiers ?? "[]"), []);
  const leaks = parseJson<unknown>(String(f.leaks ?? "[]"), []);
  const cloaked = parseJson<unknown>(String(f.cloaked ?? "[]"), []);
  return {
    pageId: Number(f.page_id),
    entity: String(f.entity),
    tracker: String(f.tracker),
    phase: String(f.phase),
    kind: String(f.kind ?? "data"),
    requests: Number(f.requests),
    pixelIds: parseStringArray(String(f.pixel_ids)),
    events: parseStringArray(String(f.events)),
    dataShared: parseStringArray(String(f.data_shared)),
    identifiers: Array.isArray(identifiers) ? (identifiers as Identifier[]) : [],
    leaks: Array.isArray(leaks) ? (leaks as Leak[]) : [],
    evidence: Array.isArray(evidence) ? evidence.filter((id): id is number => typeof id === "number") : [],
    cloaked: Array.isArray(cloaked) ? (cloaked as DetailFinding["cloaked"]).slice(0, 20) : [],
  };
}

/** Requests by id, read 500 at a time. */
async function requestsById(store: CrawlStore, ids: number[]): Promise<Map<number, DetailRequest>> {
  const out = new Map<number, DetailRequest>();
  const unique = [...new Set(ids)];
  for (let i = 0; i < unique.length; i += 500) {
    const chunk = unique.slice(i, i + 500);
    const rows = await store.sql.all<Omit<DetailRequest, "requestHeaders"> & { requestHeaders: string }>(
      `SELECT id, url, method, resource_type AS "resourceType", status, sent_at AS "sentAt",
         ${postDataSql()} AS "postData", post_data_length AS "postDataLength", request_headers AS "requestHeaders"
       FROM requests WHERE id IN (${chunk.map(() => "?").join(", ")})`,
      chunk,
    );
    for (const r of rows)
      out.set(r.id, { ...r, requestHeaders: parseJson<Record<string, string>>(r.requestHeaders, {}) });
  }
  return out;
}

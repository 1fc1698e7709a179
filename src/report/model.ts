/**
 * Reads a crawl's database into what the report and the web UI show (`types.ts`): aggregates for
 * the first screen, one row per site, and per-site details with evidence. Reads only stored data:
 * findings as analysis wrote them, requests as captured (decoded again for display).
 */

import type { ConsentRecord } from "../capture/types.ts";
import { refusingRecords } from "../classify/consent-state.ts";
import { decodeRequest, decoderInput } from "../decode/index.ts";
import type { Identifier } from "../decode/types.ts";
import type { CrawlStore } from "../store/crawl-store.ts";
import { postDataSql } from "../store/schema.ts";
import { clip } from "../util/bound.ts";
import { parseJson, parseStringArray } from "../util/json.ts";
import { type PageAction, shorten, whatWasLearned } from "./learned.ts";
import { orderCompanies } from "./query.ts";
import type {
  BeforeConsentRow,
  Capped,
  CategoryReach,
  CompanyOnPage,
  CompanyReach,
  CrawlInfo,
  EvidenceRequest,
  FindingView,
  LeakRow,
  ListReach,
  Overview,
  PageDetail,
  RefusedRow,
  ReportData,
  SensitivePageRow,
  SiteDetail,
  SiteRow,
} from "./types.ts";

/** Rows kept of each overview list (sensitive pages, leaks, before consent); the total is kept too. */
const MAX_LIST_ROWS = 2000;
/** The list name of sites crawled before lists were recorded, or given on the command line. */
const NO_LIST = "(no list)";

async function crawlInfo(store: CrawlStore): Promise<CrawlInfo> {
  const counts = await store.counts();
  const config = parseJson<Record<string, string | number | boolean | null>>(
    await store.getMeta("config"),
    {},
  );
  const browser = parseJson<{ version?: string }>(await store.getMeta("browser"), {});
  const lists = parseJson<Array<{ source?: string }>>(await store.getMeta("lists"), [])
    .map((l) => String(l.source ?? ""))
    .filter(Boolean);
  const created = Number(await store.getMeta("created_at"));
  return {
    createdAt: Number.isFinite(created) && created > 0 ? created : null,
    generatedAt: Date.now(),
    toolVersion: await store.getMeta("tool_version"),
    browser: browser.version ?? null,
    config: config && typeof config === "object" ? config : {},
    lists: [...new Set(lists)],
    sites: {
      total: counts.total,
      ok: counts.ok,
      failed: counts.failed,
      pending: counts.pending,
      botWalls: (await store.failuresByReason()).bot_wall ?? 0,
    },
    pages: counts.pages,
    requests: counts.requests,
  };
}

interface SiteAccumulator {
  row: SiteRow;
  companies: Set<string>;
  categories: Set<string>;
}

/** The first screen's aggregates and one row per site, in list order. */
/**
 * Pages whose site's own consent record (TCF, US Privacy, OneTrust, Cookiebot, …) says the visitor
 * refused, yet trackers received data from them: the site's own evidence against itself.
 */
async function refusedYetTracked(
  sql: CrawlStore["sql"],
  pageCompanies: Map<number, Set<string>>,
): Promise<Capped<RefusedRow>> {
  const rows: RefusedRow[] = [];
  let total = 0;
  for await (const p of sql.iterate<{ id: number; site: string; url: string; consent_state: string }>(
    `SELECT p.id, s.site, p.url, p.consent_state FROM pages p JOIN sites s ON s.id = p.site_id
     WHERE p.consent_state LIKE '%"verdict":"refused"%' ORDER BY s.position, p.id`,
  )) {
    const companies = pageCompanies.get(p.id);
    if (!companies || companies.size === 0) continue;
    total++;
    if (rows.length >= MAX_LIST_ROWS) continue;
    const records = refusingRecords(p.consent_state);
    rows.push({
      site: p.site,
      url: p.url,
      records: clip(records, 300) ?? "",
      companies: [...companies].sort(),
    });
  }
  return { rows, total };
}

export async function loadOverview(store: CrawlStore): Promise<{ overview: Overview; sites: SiteRow[] }> {
  const sql = store.sql;
  const byId = new Map<number, SiteAccumulator>();
  const siteRows = sql.iterate<{
    id: number;
    site: string;
    list: string | null;
    rank: number | null;
    status: string;
    error: string | null;
    pages: number;
    sensitive: string;
  }>("SELECT id, site, list, rank, status, error, pages, sensitive FROM sites ORDER BY position");
  for await (const s of siteRows) {
    byId.set(s.id, {
      row: {
        site: s.site,
        list: s.list,
        rank: s.rank,
        status: s.status,
        error: s.error,
        pages: s.pages,
        companies: [],
        categories: [],
        leaks: 0,
        beforeConsent: 0,
      },
      companies: new Set(),
      // What the site is counts as much as what its pages are about.
      categories: new Set(parseStringArray(s.sensitive)),
    });
  }

  // Sensitive pages, whether or not anyone received data from them.
  const categories = new Map<string, { pages: number; pagesWithData: Set<number>; sites: Set<number> }>();
  const categoryCompanies = new Map<string, Map<string, Set<number>>>();
  const sensitivePageIds = new Map<number, { siteId: number; categories: string[] }>();
  const sensitiveRows = sql.iterate<{ id: number; site_id: number; sensitive: string }>(
    "SELECT id, site_id, sensitive FROM pages WHERE sensitive != '[]'",
  );
  for await (const p of sensitiveRows) {
    const cats = parseStringArray(p.sensitive);
    if (cats.length === 0) continue;
    sensitivePageIds.set(p.id, { siteId: p.site_id, categories: cats });
    for (const c of cats) {
      const entry = categories.get(c) ?? { pages: 0, pagesWithData: new Set(), sites: new Set() };
      entry.pages++;
      entry.sites.add(p.site_id);
      categories.set(c, entry);
      byId.get(p.site_id)?.categories.add(c);
    }
  }

  const companies = new Map<
    string,
    { sites: Set<number>; pages: Set<number>; sensitivePages: Set<number>; trackers: Set<string> }
  >();
  const pageCompanies = new Map<number, Set<string>>();
  const leaks: LeakRow[] = [];
  let leakTotal = 0;
  const beforeConsent: BeforeConsentRow[] = [];
  let beforeTotal = 0;
  const findingRows = sql.iterate<{
    site_id: number;
    page_id: number;
    entity: string;
    tracker: string;
    events: string;
    leaks: string;
    phase: string;
    url: string;
    site: string;
  }>(`SELECT f.site_id, f.page_id, f.entity, f.tracker, f.events, f.leaks, f.phase, p.url, s.site
       FROM findings f JOIN pages p ON p.id = f.page_id JOIN sites s ON s.id = f.site_id
       WHERE f.kind = 'data' ORDER BY s.position, f.id`);
  for await (const f of findingRows) {
    const site = byId.get(f.site_id);
    site?.companies.add(f.entity);
    const company = companies.get(f.entity) ?? {
      sites: new Set(),
      pages: new Set(),
      sensitivePages: new Set(),
      trackers: new Set(),
    };
    company.sites.add(f.site_id);
    company.pages.add(f.page_id);
    company.trackers.add(f.tracker);
    companies.set(f.entity, company);
    const onPage = pageCompanies.get(f.page_id) ?? new Set<string>();
    onPage.add(f.entity);
    pageCompanies.set(f.page_id, onPage);
    const sensitive = sensitivePageIds.get(f.page_id);
    if (sensitive) {
      company.sensitivePages.add(f.page_id);
      for (const c of sensitive.categories) {
        categories.get(c)?.pagesWithData.add(f.page_id);
        const perCompany = categoryCompanies.get(c) ?? new Map<string, Set<number>>();
        const pages = perCompany.get(f.entity) ?? new Set<number>();
        pages.add(f.page_id);
        perCompany.set(f.entity, pages);
        categoryCompanies.set(c, perCompany);
      }
    }
    const found = parseJson<
      Array<{ field?: string; encoding?: string; where?: string; keylogged?: boolean }>
    >(f.leaks, []);
    for (const leak of Array.isArray(found) ? found : []) {
      leakTotal++;
      if (site) site.row.leaks++;
      if (leaks.length < MAX_LIST_ROWS) {
        leaks.push({
          site: f.site,
          url: f.url,
          entity: f.entity,
          tracker: f.tracker,
          field: String(leak.field ?? ""),
          encoding: String(leak.encoding ?? ""),
          where: String(leak.where ?? ""),
          keylogged: leak.keylogged === true,
        });
      }
    }
    if (f.phase === "before_consent") {
      beforeTotal++;
      if (site) site.row.beforeConsent++;
      if (beforeConsent.length < MAX_LIST_ROWS) {
        beforeConsent.push({
          site: f.site,
          url: f.url,
          entity: f.entity,
          tracker: f.tracker,
          events: parseStringArray(f.events),
        });
      }
    }
  }

  // Sensitive pages where somebody received data, in crawl order.
  const sensitivePages: SensitivePageRow[] = [];
  let sensitiveTotal = 0;
  const pageRows = sql.iterate<{
    id: number;
    url: string;
    title: string | null;
    sensitive: string;
    sensitive_evidence: string;
    site: string;
  }>(`SELECT p.id, p.url, p.title, p.sensitive, p.sensitive_evidence, s.site FROM pages p JOIN sites s ON s.id = p.site_id
       WHERE p.sensitive != '[]' ORDER BY s.position, p.id`);
  for await (const p of pageRows) {
    const who = pageCompanies.get(p.id);
    if (!who || !sensitivePageIds.has(p.id)) continue;
    sensitiveTotal++;
    if (sensitivePages.length >= MAX_LIST_ROWS) continue;
    sensitivePages.push({
      site: p.site,
      url: p.url,
      title: clip(p.title, 200),
      categories: parseStringArray(p.sensitive),
      evidence: clip(p.sensitive_evidence, 300) ?? "",
      companies: orderCompanies(
        [...who],
        (e) => e,
        (e) => companies.get(e)?.sites.size ?? 0,
      ),
    });
  }

  const okSites = [...byId.values()].filter((s) => s.row.status === "ok");
  const lists = new Map<string, ListReach>();
  for (const s of okSites) {
    const name = s.row.list ?? NO_LIST;
    const list = lists.get(name) ?? { list: name, sites: 0, sitesWithData: 0, companies: {} };
    list.sites++;
    if (s.companies.size > 0) list.sitesWithData++;
    for (const c of s.companies) list.companies[c] = (list.companies[c] ?? 0) + 1;
    lists.set(name, list);
  }

  const companyReach: CompanyReach[] = orderCompanies(
    [...companies.entries()].map(([entity, c]) => ({
      entity,
      sites: c.sites.size,
      pages: c.pages.size,
      sensitivePages: c.sensitivePages.size,
      trackers: [...c.trackers].sort(),
    })),
    (c) => c.entity,
    (c) => c.sites,
  );
  const byCategory: CategoryReach[] = [...categories.entries()]
    .map(([category, c]) => {
      const perCompany: Record<string, number> = {};
      for (const [entity, pages] of categoryCompanies.get(category) ?? []) perCompany[entity] = pages.size;
      return {
        category,
        pages: c.pages,
        pagesWithData: c.pagesWithData.size,
        sites: c.sites.size,
        companies: perCompany,
      };
    })
    .sort((a, b) => b.pagesWithData - a.pagesWithData || a.category.localeCompare(b.category));

  const consentRows = await sql.all<{ site_id: number; consent: string }>(
    "SELECT site_id, consent FROM pages WHERE consent IS NOT NULL",
  );
  const prompted = new Set<number>();
  const accepted = new Set<number>();
  const rejected = new Set<number>();
  for (const row of consentRows) {
    const record = parseJson<ConsentRecord | null>(row.consent, null);
    if (!record || record.promptAt === null) continue;
    prompted.add(row.site_id);
    if (record.action === "accept" && record.succeeded) accepted.add(row.site_id);
    if (record.action === "reject" && record.succeeded) rejected.add(row.site_id);
  }

  const refused = await refusedYetTracked(sql, pageCompanies);
  const sites = [...byId.values()].map((s) => {
    s.row.companies = orderCompanies(
      [...s.companies],
      (e) => e,
      (e) => companies.get(e)?.sites.size ?? 0,
    );
    s.row.categories = [...s.categories].sort();
    return s.row;
  });
  return {
    overview: {
      crawl: await crawlInfo(store),
      sitesWithData: okSites.filter((s) => s.companies.size > 0).length,
      companies: companyReach,
      byList: [...lists.values()].sort((a, b) => b.sites - a.sites || a.list.localeCompare(b.list)),
      byCategory,
      sensitivePages: { rows: sensitivePages, total: sensitiveTotal },
      leaks: { rows: leaks, total: leakTotal },
      beforeConsent: { rows: beforeConsent, total: beforeTotal },
      refusedYetTracked: refused,
      consent: { prompts: prompted.size, accepted: accepted.size, rejected: rejected.size },
    },
    sites,
  };
}

export interface DetailOptions {
  /** Requests kept as evidence per finding. */
  evidencePerFinding: number;
  /** Characters of a request URL or body kept. */
  textLimit: number;
}

export const SERVE_DETAIL: DetailOptions = { evidencePerFinding: 20, textLimit: 20_000 };
export const REPORT_DETAIL: DetailOptions = { evidencePerFinding: 2, textLimit: 1500 };

interface RequestRow {
  id: number;
  url: string;
  method: string;
  resource_type: string;
  status: number | null;
  sent_at: number;
  post_data: string | null;
  post_data_length: number | null;
  request_headers: string;
}

function evidenceOf(row: RequestRow, limit: number): EvidenceRequest {
  const headers = parseJson<Record<string, string>>(row.request_headers, {});
  const input = decoderInput(row.url, row.method, row.post_data, headers);
  const beacon = input ? decodeRequest(input) : null;
  const details: Record<string, string> = {};
  for (const [key, value] of Object.entries(beacon?.details ?? {}).slice(0, 30)) {
    details[shorten(key, 80)] = shorten(String(value), 300);
  }
  return {
    method: row.method,
    url: shorten(row.url, limit),
    urlLength: row.url.length,
    status: row.status,
    resourceType: row.resource_type,
    sentAt: row.sent_at,
    body: row.post_data === null ? null : shorten(row.post_data, limit),
    bodyLength: row.post_data_length ?? row.post_data?.length ?? null,
    referer: typeof headers.referer === "string" ? shorten(headers.referer, 500) : null,
    decoded: beacon
      ? {
          vendor: beacon.vendor,
          pixelIds: beacon.pixelIds.slice(0, 20),
          events: beacon.events.slice(0, 30),
          details,
        }
      : null,
  };
}

/** One site's pages, who learned what on each, with evidence. Null when the crawl has no such site. */
export async function loadSiteDetail(
  store: CrawlStore,
  siteName: string,
  row: SiteRow,
  options: DetailOptions,
): Promise<SiteDetail | null> {
  const sql = store.sql;
  const site = await sql.get<{
    id: number;
    input_url: string;
    final_url: string | null;
    sensitive: string;
    sensitive_evidence: string;
  }>("SELECT id, input_url, final_url, sensitive, sensitive_evidence FROM sites WHERE site = ?", [siteName]);
  if (!site) return null;
  const pages = await sql.all<{
    id: number;
    url: string;
    title: string | null;
    depth: number;
    status: string;
    sensitive: string;
    sensitive_evidence: string;
    consent: string | null;
    evidence: string | null;
  }>(
    "SELECT id, url, title, depth, status, sensitive, sensitive_evidence, consent, evidence FROM pages WHERE site_id = ? ORDER BY id",
    [site.id],
  );

  const details: PageDetail[] = [];
  for (const p of pages) {
    const cookies = await sql.all<{
      name: string;
      domain: string;
      expires: number | null;
      set_by: string | null;
    }>("SELECT name, domain, expires, set_by FROM cookies WHERE page_id = ?", [p.id]);
    const actions = await sql.all<PageAction>(
      "SELECT kind, detail, at FROM page_events WHERE page_id = ? AND kind IN ('interaction', 'form_submitted', 'consent') ORDER BY id",
      [p.id],
    );
    const sent = new Map(
      (
        await sql.all<{ id: number; sent_at: number }>("SELECT id, sent_at FROM requests WHERE page_id = ?", [
          p.id,
        ])
      ).map((r) => [r.id, r.sent_at]),
    );
    const byCompany = new Map<string, { findings: FindingView[]; sentAt: number[] }>();
    for (const f of await sql.all<Record<string, string | number>>(
      "SELECT * FROM findings WHERE page_id = ? ORDER BY id",
      [p.id],
    )) {
      const evidenceIds = parseJson<number[]>(String(f.evidence ?? "[]"), []);
      const evidence: EvidenceRequest[] = [];
      for (const id of evidenceIds.slice(0, options.evidencePerFinding)) {
        const request = await sql.get<RequestRow>(
          `SELECT id, url, method, resource_type, status, sent_at, ${postDataSql()} AS post_data, post_data_length,
             request_headers FROM requests WHERE id = ?`,
          [id],
        );
        if (request) evidence.push(evidenceOf(request, options.textLimit));
      }
      const identifiers = parseJson<Identifier[]>(String(f.identifiers), []).map((i) => {
        const cookie = i.source === "cookie" ? cookies.find((c) => c.name === i.name) : undefined;
        return {
          name: shorten(String(i.name), 100),
          source: String(i.source),
          value: shorten(String(i.value ?? ""), 60),
          cookie: cookie ? { domain: cookie.domain, expires: cookie.expires, setBy: cookie.set_by } : null,
        };
      });
      const view: FindingView = {
        entity: String(f.entity),
        tracker: String(f.tracker),
        phase: String(f.phase),
        kind: f.kind === "script_loaded" ? "script_loaded" : "data",
        requests: Number(f.requests),
        pixelIds: parseStringArray(String(f.pixel_ids)).slice(0, 20),
        events: parseStringArray(String(f.events)).slice(0, 50),
        dataShared: parseStringArray(String(f.data_shared)),
        identifiers,
        leaks: parseJson(String(f.leaks), []),
        evidence,
        evidenceOmitted: Math.max(0, Number(f.requests) - evidence.length),
      };
      const company = byCompany.get(view.entity) ?? { findings: [], sentAt: [] };
      company.findings.push(view);
      for (const id of evidenceIds) {
        const at = sent.get(id);
        if (at !== undefined) company.sentAt.push(at);
      }
      byCompany.set(view.entity, company);
    }
    const companies: CompanyOnPage[] = orderCompanies(
      [...byCompany.entries()],
      ([entity]) => entity,
      ([, c]) => c.findings.length,
    ).map(([entity, c]) => ({
      entity,
      learned: whatWasLearned(c.findings, p, actions, c.sentAt),
      findings: c.findings,
    }));
    const consent = parseJson<ConsentRecord | null>(p.consent, null);
    details.push({
      url: p.url,
      title: clip(p.title, 300),
      depth: p.depth,
      status: p.status,
      sensitive: parseStringArray(p.sensitive),
      sensitiveEvidence: clip(p.sensitive_evidence, 500) ?? "",
      consent: consent
        ? {
            cmp: consent.cmp,
            action: consent.action,
            succeeded: consent.succeeded,
            prompted: consent.promptAt !== null,
            foundBy: consent.page?.shown ? consent.page.detectedBy : null,
            control: clip(consent.page?.control ?? null, 100),
            bannerGone: consent.page?.bannerGone ?? null,
          }
        : null,
      evidence: parseJson<{ screenshot: string | null; html: string | null } | null>(p.evidence, null),
      actions: actions
        .filter((a) => a.kind !== "consent")
        .map((a) => clip(a.kind === "form_submitted" ? `submitted ${a.detail}` : a.detail, 200) ?? "")
        .slice(0, 50),
      companies,
    });
  }
  return {
    site: row,
    inputUrl: site.input_url,
    finalUrl: site.final_url,
    nature: {
      categories: parseStringArray(site.sensitive),
      evidence: clip(site.sensitive_evidence, 500) ?? "",
    },
    pages: details,
    complete: true,
  };
}

/** How interesting a site's details are to a reader: leaks, then tracked sensitive pages, then reach. */
function detailPriority(row: SiteRow): number {
  return (
    (row.leaks > 0 ? 4_000_000 : 0) +
    (row.categories.length > 0 && row.companies.length > 0 ? 2_000_000 : 0) +
    (row.beforeConsent > 0 ? 1_000_000 : 0) +
    row.companies.length
  );
}

export interface ReportOptions {
  /** Bytes of site details the report may embed; the most telling sites come first. */
  detailBudget: number;
}

export const DEFAULT_REPORT_OPTIONS: ReportOptions = { detailBudget: 12 * 1024 * 1024 };

/** Everything a self-contained report embeds, within its size budget. */
export async function loadReportData(
  store: CrawlStore,
  options: ReportOptions = DEFAULT_REPORT_OPTIONS,
): Promise<ReportData> {
  const { overview, sites } = await loadOverview(store);
  const details: Record<string, SiteDetail> = {};
  let used = 0;
  const candidates = sites
    .map((row, position) => ({ row, position }))
    .filter(({ row }) => row.pages > 0)
    .sort((a, b) => detailPriority(b.row) - detailPriority(a.row) || a.position - b.position);
  for (const { row } of candidates) {
    const detail = await loadSiteDetail(store, row.site, row, REPORT_DETAIL);
    if (!detail) continue;
    const size = JSON.stringify(detail).length;
    if (used + size > options.detailBudget) break;
    used += size;
    details[row.site] = detail;
  }
  return { overview, sites, details };
}

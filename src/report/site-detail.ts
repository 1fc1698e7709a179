/**
 * One site's details as the report and the web UI show them, from the store's rows for the site
 * (`siteDetailRows`): pure, every request shown decoded again, every text bounded.
 */

import { attributeStored } from "../attribute/attribution.ts";
import { meaningsOf } from "../decode/index.ts";
import type {
  DetailAction,
  DetailCookie,
  DetailFinding,
  DetailPage,
  DetailRequest,
  DetailSync,
  SiteDetailRows,
} from "../store/reads/report-reads.ts";
import { clip } from "../util/bound.ts";
import { shorten, whatWasLearned } from "./learned.ts";
import { orderCompanies } from "./query.ts";
import type {
  CompanyOnPage,
  EvidenceRequest,
  FindingView,
  PageDetail,
  SiteDetail,
  SiteRow,
} from "./types.ts";

export interface DetailOptions {
  /** Requests kept as evidence per finding. */
  evidencePerFinding: number;
  /** Characters of a request URL or body kept. */
  textLimit: number;
}

export const SERVE_DETAIL: DetailOptions = { evidencePerFinding: 20, textLimit: 20_000 };
export const REPORT_DETAIL: DetailOptions = { evidencePerFinding: 2, textLimit: 1500 };

function evidenceOf(row: DetailRequest, pageUrl: string, limit: number): EvidenceRequest {
  const headers = row.requestHeaders;
  const beacon = attributeStored(row, pageUrl).beacon;
  const details: Record<string, string> = {};
  for (const [key, value] of Object.entries(beacon?.details ?? {}).slice(0, 30)) {
    details[shorten(key, 80)] = shorten(String(value), 300);
  }
  return {
    method: row.method,
    url: shorten(row.url, limit),
    urlLength: row.url.length,
    status: row.status,
    resourceType: row.resourceType,
    sentAt: row.sentAt,
    body: row.postData === null ? null : shorten(row.postData, limit),
    bodyLength: row.postDataLength ?? row.postData?.length ?? null,
    referer: typeof headers.referer === "string" ? shorten(headers.referer, 500) : null,
    decoded: beacon
      ? {
          vendor: beacon.vendor,
          pixelIds: beacon.pixelIds.slice(0, 20),
          events: beacon.events.slice(0, 30),
          details,
          meanings: meaningsOf({ vendor: beacon.vendor, details }),
        }
      : null,
  };
}

function findingView(
  pageUrl: string,
  f: DetailFinding,
  cookies: DetailCookie[],
  requests: Map<number, DetailRequest>,
  options: DetailOptions,
): FindingView {
  const evidence = f.evidence.slice(0, options.evidencePerFinding).flatMap((id) => {
    const request = requests.get(id);
    return request ? [evidenceOf(request, pageUrl, options.textLimit)] : [];
  });
  const identifiers = f.identifiers.map((i) => {
    const cookie = i.source === "cookie" ? cookies.find((c) => c.name === i.name) : undefined;
    return {
      name: shorten(String(i.name), 100),
      source: String(i.source),
      value: shorten(String(i.value ?? ""), 60),
      cookie: cookie ? { domain: cookie.domain, expires: cookie.expires, setBy: cookie.setBy } : null,
    };
  });
  return {
    entity: f.entity,
    tracker: f.tracker,
    phase: f.phase,
    kind: f.kind === "script_loaded" ? "script_loaded" : "data",
    requests: f.requests,
    pixelIds: f.pixelIds.slice(0, 20),
    events: f.events.slice(0, 50),
    dataShared: f.dataShared,
    identifiers,
    leaks: f.leaks,
    evidence,
    evidenceOmitted: Math.max(0, f.requests - evidence.length),
    cloaked: f.cloaked,
  };
}

function pageDetail(
  p: DetailPage,
  rows: SiteDetailRows,
  byPage: {
    cookies: DetailCookie[];
    actions: DetailAction[];
    findings: DetailFinding[];
    syncs: DetailSync[];
  },
  options: DetailOptions,
): PageDetail {
  const byCompany = new Map<string, { findings: FindingView[]; sentAt: number[] }>();
  for (const f of byPage.findings) {
    const view = findingView(p.url, f, byPage.cookies, rows.requests, options);
    const company = byCompany.get(view.entity) ?? { findings: [], sentAt: [] };
    company.findings.push(view);
    for (const id of f.evidence) {
      const at = rows.sentAt.get(id);
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
    learned: whatWasLearned(
      c.findings,
      p,
      byPage.actions,
      c.sentAt,
      byPage.syncs.filter((s) => s.entity === entity),
    ),
    findings: c.findings,
  }));
  const consent = p.consent;
  return {
    url: p.url,
    title: clip(p.title, 300),
    depth: p.depth,
    status: p.status,
    sensitive: p.sensitive,
    sensitiveEvidence: clip(p.sensitiveEvidence, 500) ?? "",
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
    evidence: p.evidence,
    actions: byPage.actions
      .filter((a) => a.kind !== "consent")
      .map((a) => clip(a.kind === "form_submitted" ? `submitted ${a.detail}` : a.detail, 200) ?? "")
      .slice(0, 50),
    companies,
  };
}

function groupByPage<T extends { pageId: number }>(rows: T[]): Map<number, T[]> {
  const out = new Map<number, T[]>();
  for (const row of rows) {
    const list = out.get(row.pageId) ?? [];
    list.push(row);
    out.set(row.pageId, list);
  }
  return out;
}

/** One site's pages, who learned what on each, with evidence. */
export function siteDetailFrom(rows: SiteDetailRows, row: SiteRow, options: DetailOptions): SiteDetail {
  const cookies = groupByPage(rows.cookies);
  const actions = groupByPage(rows.actions);
  const findings = groupByPage(rows.findings);
  const syncs = groupByPage(rows.syncs ?? []);
  return {
    site: row,
    inputUrl: rows.site.inputUrl,
    finalUrl: rows.site.finalUrl,
    nature: { categories: rows.site.sensitive, evidence: clip(rows.site.sensitiveEvidence, 500) ?? "" },
    pages: rows.pages.map((p) =>
      pageDetail(
        p,
        rows,
        {
          cookies: cookies.get(p.id) ?? [],
          actions: actions.get(p.id) ?? [],
          findings: findings.get(p.id) ?? [],
          syncs: syncs.get(p.id) ?? [],
        },
        options,
      ),
    ),
    complete: true,
  };
}

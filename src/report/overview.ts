/**
 * The first screen's aggregates and one row per site, computed from the store's rows as they stream
 * past (`src/store/reads/report-reads.ts`): pure, so it is tested without a browser or a database, and a
 * crawl of a million pages is never held in memory.
 */
import type { ConsentRecord } from "../capture/types.ts";
import { refusingRecords } from "../classify/consent-state.ts";
import type {
  DataFinding,
  RefusingPage,
  SensitivePage,
  SiteSummary,
  StoredCloaking,
  StoredSync,
} from "../store/reads/report-reads.ts";
import { clip } from "../util/bound.ts";
import { type CategoryCompanyReach, keyFindings } from "./key-findings.ts";
import { orderCompanies } from "./query.ts";
import type {
  BeforeConsentRow,
  Capped,
  CategoryReach,
  CloakedRow,
  CompanyReach,
  CrawlInfo,
  LeakRow,
  ListReach,
  LookedFor,
  Overview,
  RefusedRow,
  SensitivePageRow,
  SiteRow,
  SyncRow,
} from "./types.ts";

/** The kinds of finding every crawl looks for, in the order the report answers them. */
const LOOKED_FOR: LookedFor["kind"][] = [
  "leaks",
  "fingerprinting",
  "session_recording",
  "before_consent",
  "syncs",
  "cloaking",
];

/** Rows kept of each overview list (sensitive pages, leaks, before consent); the total is kept too. */
export const MAX_LIST_ROWS = 2000;
/** The list name of sites crawled before lists were recorded, or given on the command line. */
const NO_LIST = "(no list)";

interface SiteAccumulator {
  row: SiteRow;
  companies: Set<string>;
  categories: Set<string>;
  /** What the site itself is (from its home page), apart from what its pages are about. */
  nature: Set<string>;
}

interface CompanyAccumulator {
  sites: Set<number>;
  pages: Set<number>;
  sensitivePages: Set<number>;
  trackers: Set<string>;
  /** Pixel ID → sites; event → pages (each bounded: a company's list on its page, not a census). */
  pixelIds: Map<string, Set<number>>;
  events: Map<string, Set<number>>;
}

/** Distinct pixel IDs and events kept per company. */
const MAX_COMPANY_KEYS = 500;
/** Pixel IDs and events shown per company. */
const TOP_COMPANY_KEYS = 20;

function addTo(map: Map<string, Set<number>>, key: string, id: number): void {
  const set = map.get(key);
  if (set) set.add(id);
  else if (map.size < MAX_COMPANY_KEYS) map.set(key, new Set([id]));
}

function topOf(map: Map<string, Set<number>>): Array<[string, number]> {
  return [...map.entries()]
    .map(([key, ids]): [string, number] => [key, ids.size])
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, TOP_COMPANY_KEYS);
}

interface CategoryAccumulator {
  pages: number;
  pagesWithData: Set<number>;
  sites: Set<number>;
  /** Company → the category's pages where it received data. */
  companies: Map<string, Set<number>>;
}

/** A list that keeps its first `MAX_LIST_ROWS` rows and counts them all. */
function capped<T>(): Capped<T> {
  return { rows: [], total: 0 };
}

function push<T>(list: Capped<T>, row: () => T): void {
  list.total++;
  if (list.rows.length < MAX_LIST_ROWS) list.rows.push(row());
}

/**
 * Fed in this order: sites, sensitive pages, data findings, sensitive pages again (those that
 * turned out to be tracked), consent records, refusing pages, identifier syncs, cloaked findings;
 * then `result`.
 */
export class OverviewAggregate {
  private readonly sites = new Map<number, SiteAccumulator>();
  private readonly companies = new Map<string, CompanyAccumulator>();
  private readonly categories = new Map<string, CategoryAccumulator>();
  private readonly sensitiveOf = new Map<number, string[]>();
  /** The site of each sensitive page. */
  private readonly sensitiveSite = new Map<number, number>();
  private readonly pageCompanies = new Map<number, Set<string>>();
  private readonly prompted = new Set<number>();
  private readonly accepted = new Set<number>();
  private readonly rejected = new Set<number>();
  private readonly leaks = capped<LeakRow>();
  private readonly beforeConsent = capped<BeforeConsentRow>();
  private readonly sensitivePages = capped<SensitivePageRow>();
  private readonly refused = capped<RefusedRow>();
  private readonly syncs = capped<SyncRow>();
  private readonly cloaked = capped<CloakedRow>();
  private readonly cloakedSeen = new Set<string>();
  /** Per kind of finding looked for: the sites where it was found and the companies behind it. */
  private readonly found = new Map<LookedFor["kind"], { sites: Set<string>; companies: Set<string> }>();
  private readonly syncEdges = new Map<
    string,
    { source: string; entity: string; sites: Set<number>; pages: Set<number> }
  >();

  addSite(s: SiteSummary): void {
    this.sites.set(s.id, {
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
      categories: new Set(s.sensitive),
      nature: new Set(s.sensitive),
    });
  }

  /** A sensitive page, whether or not anyone received data from it. */
  addSensitivePage(p: SensitivePage): void {
    this.sensitiveOf.set(p.id, p.categories);
    this.sensitiveSite.set(p.id, p.siteId);
    for (const c of p.categories) {
      const entry = this.categories.get(c) ?? {
        pages: 0,
        pagesWithData: new Set(),
        sites: new Set(),
        companies: new Map(),
      };
      entry.pages++;
      entry.sites.add(p.siteId);
      this.categories.set(c, entry);
      this.sites.get(p.siteId)?.categories.add(c);
    }
  }

  addFinding(f: DataFinding): void {
    const site = this.sites.get(f.siteId);
    site?.companies.add(f.entity);
    const company = this.companies.get(f.entity) ?? {
      sites: new Set(),
      pages: new Set(),
      sensitivePages: new Set(),
      trackers: new Set(),
      pixelIds: new Map(),
      events: new Map(),
    };
    company.sites.add(f.siteId);
    for (const id of f.pixelIds) addTo(company.pixelIds, id, f.siteId);
    for (const event of f.events) addTo(company.events, event, f.pageId);
    company.pages.add(f.pageId);
    company.trackers.add(f.tracker);
    this.companies.set(f.entity, company);
    const onPage = this.pageCompanies.get(f.pageId) ?? new Set<string>();
    onPage.add(f.entity);
    this.pageCompanies.set(f.pageId, onPage);
    const categories = this.sensitiveOf.get(f.pageId);
    if (categories) {
      company.sensitivePages.add(f.pageId);
      for (const c of categories) {
        const category = this.categories.get(c);
        category?.pagesWithData.add(f.pageId);
        const pages = category?.companies.get(f.entity) ?? new Set<number>();
        pages.add(f.pageId);
        category?.companies.set(f.entity, pages);
      }
    }
    if (f.fingerprinted) this.foundOn("fingerprinting", f.site, f.entity);
    if (f.events.includes("session_recording")) this.foundOn("session_recording", f.site, f.entity);
    if (f.leaks.length > 0) this.foundOn("leaks", f.site, f.entity);
    if (f.phase === "before_consent") this.foundOn("before_consent", f.site, f.entity);
    for (const leak of f.leaks) {
      if (site) site.row.leaks++;
      push(this.leaks, () => ({
        site: f.site,
        url: f.url,
        entity: f.entity,
        tracker: f.tracker,
        field: String(leak.field ?? ""),
        encoding: String(leak.encoding ?? ""),
        where: String(leak.where ?? ""),
        keylogged: leak.keylogged === true,
      }));
    }
    if (f.phase === "before_consent") {
      if (site) site.row.beforeConsent++;
      push(this.beforeConsent, () => ({
        site: f.site,
        url: f.url,
        entity: f.entity,
        tracker: f.tracker,
        events: f.events,
      }));
    }
  }

  /** A sensitive page again, once the findings are in: listed when somebody received data from it. */
  addTrackedSensitivePage(p: SensitivePage): void {
    const who = this.pageCompanies.get(p.id);
    if (!who) return;
    push(this.sensitivePages, () => ({
      site: p.site,
      url: p.url,
      title: clip(p.title, 200),
      categories: p.categories,
      evidence: clip(p.evidence, 300) ?? "",
      companies: this.byReach(who),
    }));
  }

  addConsent(siteId: number, record: ConsentRecord): void {
    if (record.promptAt === null) return;
    this.prompted.add(siteId);
    if (record.action === "accept" && record.succeeded) this.accepted.add(siteId);
    if (record.action === "reject" && record.succeeded) this.rejected.add(siteId);
  }

  /**
   * A page whose site's own consent record (TCF, US Privacy, OneTrust, Cookiebot, …) says the
   * visitor refused: listed when trackers received data from it, the site's evidence against itself.
   */
  addRefusingPage(p: RefusingPage): void {
    const companies = this.pageCompanies.get(p.id);
    if (!companies || companies.size === 0) return;
    push(this.refused, () => ({
      site: p.site,
      url: p.url,
      records: clip(refusingRecords(p.consentState), 300) ?? "",
      companies: [...companies].sort(),
    }));
  }

  private foundOn(kind: LookedFor["kind"], site: string, entity: string): void {
    const entry = this.found.get(kind) ?? { sites: new Set<string>(), companies: new Set<string>() };
    entry.sites.add(site);
    entry.companies.add(entity);
    this.found.set(kind, entry);
  }

  /** A finding whose tracker was reached at the site's own subdomains; each host once per site. */
  addCloaking(f: StoredCloaking): void {
    if (f.cloaked.length > 0) this.foundOn("cloaking", f.site, f.entity);
    for (const { host, chain } of f.cloaked) {
      const key = `${f.site}\u0000${host}`;
      if (this.cloakedSeen.has(key) || this.cloakedSeen.size >= 100_000) continue;
      this.cloakedSeen.add(key);
      push(this.cloaked, () => ({ site: f.site, host, chain, entity: f.entity, tracker: f.tracker }));
    }
  }

  /** An identifier one company handed to another. */
  addSync(s: StoredSync): void {
    this.foundOn("syncs", s.site, s.entity);
    push(this.syncs, () => ({
      site: s.site,
      url: s.url,
      source: s.sourceEntity,
      idName: s.idName,
      entity: s.entity,
      tracker: s.tracker,
      means: s.means,
      encoding: s.encoding,
    }));
    const key = `${s.sourceEntity}\u0000${s.entity}`;
    const edge = this.syncEdges.get(key) ?? {
      source: s.sourceEntity,
      entity: s.entity,
      sites: new Set(),
      pages: new Set(),
    };
    edge.sites.add(s.siteId);
    edge.pages.add(s.pageId);
    this.syncEdges.set(key, edge);
  }

  result(crawl: CrawlInfo): { overview: Overview; sites: SiteRow[] } {
    const okSites = [...this.sites.values()].filter((s) => s.row.status === "ok");
    const sites = [...this.sites.values()].map((s) => {
      s.row.companies = this.byReach(s.companies);
      s.row.categories = [...s.categories].sort();
      return s.row;
    });
    const overview: Overview = {
      crawl,
      sitesWithData: okSites.filter((s) => s.companies.size > 0).length,
      companies: this.companyReach(),
      byList: listReach(okSites),
      byCategory: this.categoryReach(),
      sensitivePages: this.sensitivePages,
      leaks: this.leaks,
      beforeConsent: this.beforeConsent,
      refusedYetTracked: this.refused,
      syncs: this.syncs,
      cloaked: this.cloaked,
      syncGraph: [...this.syncEdges.values()]
        .map((e) => ({ source: e.source, entity: e.entity, sites: e.sites.size, pages: e.pages.size }))
        .sort(
          (a, b) => b.sites - a.sites || a.source.localeCompare(b.source) || a.entity.localeCompare(b.entity),
        ),
      consent: { prompts: this.prompted.size, accepted: this.accepted.size, rejected: this.rejected.size },
    };
    overview.lookedFor = LOOKED_FOR.map((kind) => {
      const entry = this.found.get(kind);
      return { kind, sites: entry?.sites.size ?? 0, companies: entry ? this.byReach(entry.companies) : [] };
    });
    overview.keyFindings = keyFindings(overview, this.categoryCompanyReach());
    return { overview, sites };
  }

  /** Each company's reach on each category's pages: sites, pages, and which kinds of site. */
  private categoryCompanyReach(): CategoryCompanyReach[] {
    return [...this.categories.entries()].flatMap(([category, c]) =>
      [...c.companies.entries()].map(([entity, pages]) => {
        const siteIds = new Set([...pages].flatMap((id) => this.sensitiveSite.get(id) ?? []));
        const lists: Record<string, number> = {};
        let sitesOfThatKind = 0;
        for (const id of siteIds) {
          const site = this.sites.get(id);
          const list = site?.row.list ?? NO_LIST;
          lists[list] = (lists[list] ?? 0) + 1;
          if (site?.nature.has(category)) sitesOfThatKind++;
        }
        return { category, entity, pages: pages.size, sites: siteIds.size, lists, sitesOfThatKind };
      }),
    );
  }

  /** Companies, those on the most sites first. */
  private byReach(entities: Iterable<string>): string[] {
    return orderCompanies(
      [...entities],
      (e) => e,
      (e) => this.companies.get(e)?.sites.size ?? 0,
    );
  }

  private companyReach(): CompanyReach[] {
    return orderCompanies(
      [...this.companies.entries()].map(([entity, c]) => ({
        entity,
        sites: c.sites.size,
        pages: c.pages.size,
        sensitivePages: c.sensitivePages.size,
        trackers: [...c.trackers].sort(),
        pixelIds: topOf(c.pixelIds).map(([id, sites]) => ({ id, sites })),
        events: topOf(c.events).map(([name, pages]) => ({ name, pages })),
      })),
      (c) => c.entity,
      (c) => c.sites,
    );
  }

  private categoryReach(): CategoryReach[] {
    return [...this.categories.entries()]
      .map(([category, c]) => ({
        category,
        pages: c.pages,
        pagesWithData: c.pagesWithData.size,
        sites: c.sites.size,
        companies: Object.fromEntries([...c.companies].map(([entity, pages]) => [entity, pages.size])),
      }))
      .sort((a, b) => b.pagesWithData - a.pagesWithData || a.category.localeCompare(b.category));
  }
}

/** Per list: its sites crawled, those where somebody received data, and each company's count. */
function listReach(okSites: SiteAccumulator[]): ListReach[] {
  const lists = new Map<string, ListReach>();
  for (const s of okSites) {
    const name = s.row.list ?? NO_LIST;
    const list = lists.get(name) ?? { list: name, sites: 0, sitesWithData: 0, companies: {} };
    list.sites++;
    if (s.companies.size > 0) list.sitesWithData++;
    for (const c of s.companies) list.companies[c] = (list.companies[c] ?? 0) + 1;
    lists.set(name, list);
  }
  return [...lists.values()].sort((a, b) => b.sites - a.sites || a.list.localeCompare(b.list));
}

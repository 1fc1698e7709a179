/**
 * Did anything change? Two crawls of overlapping sites (another date, another vantage point, consent
 * refused or accepted, GPC off or on) compared by company, by site and by sensitive page: trackers
 * that appeared or went, data newly shared or no longer shared. Also the two runs of each site in a
 * `--compare-consent` crawl, compared the same way.
 */

import { refusingRecords } from "../classify/consent-state.ts";
import type { Profile } from "../derived/types.ts";
import type { CrawlStore } from "../store/crawl-store.ts";
import {
  dataFindings,
  idSyncs,
  refusingPages,
  sensitivePages,
  siteSummaries,
  trackersInVariant,
  variantsOf,
} from "../store/reads/report-reads.ts";
import { clip } from "../util/bound.ts";

/** What one crawl says about one site: each tracker there and what it received. */
interface SiteView {
  status: string;
  trackers: Map<string, { entity: string; tracker: string; data: Set<string> }>;
  /** Sensitive pages (by address) and the trackers that received data from each. */
  sensitive: Map<string, { categories: string[]; trackers: Set<string> }>;
  /** Pages (by address) whose own consent record says the visitor refused: what it says, and who still received data. */
  refused: Map<string, { records: string; companies: Set<string> }>;
  /** Identifier syncs on the site: "source\u0000receiver" company pairs. */
  syncs: Set<string>;
}

/** A pair of companies that began, or stopped, passing an identifier on a site. */
export interface SyncChange {
  site: string;
  source: string;
  entity: string;
  change: "added" | "removed";
}

/** A site whose own consent record says the visitor refused (or sent GPC) while trackers still received data. */
export interface RefusedSite {
  site: string;
  pages: number;
  /** What the record says: `usp: opt-out of sale: Y; tcf: purposes none consented`. */
  records: string;
  companies: string[];
}

export interface TrackerRef {
  entity: string;
  tracker: string;
}

export interface SiteChange {
  site: string;
  added: TrackerRef[];
  removed: TrackerRef[];
  /** Data types a tracker present in both now receives, or no longer receives. */
  newlyShared: Array<TrackerRef & { data: string[] }>;
  noLongerShared: Array<TrackerRef & { data: string[] }>;
}

export interface CompanyChange {
  entity: string;
  sitesBefore: number;
  sitesAfter: number;
  /** Sites where the company now receives data and did not, and the reverse. */
  gained: string[];
  lost: string[];
  /** Data type → sites where the company newly receives it (or no longer does). */
  newlyShared: Record<string, string[]>;
  noLongerShared: Record<string, string[]>;
}

export interface SensitivePageChange {
  site: string;
  url: string;
  categories: string[];
  added: TrackerRef[];
  removed: TrackerRef[];
}

export interface CrawlDiff {
  before: { label: string; sites: number };
  after: { label: string; sites: number };
  /** Sites crawled successfully in both: the only ones compared. */
  compared: number;
  onlyBefore: number;
  onlyAfter: number;
  companies: CompanyChange[];
  sites: SiteChange[];
  sensitivePages: SensitivePageChange[];
  /** In each crawl: sites whose own consent record says the visitor refused, yet trackers received data. */
  refusedYetTracked: { before: RefusedSite[]; after: RefusedSite[] };
  /** Identifier syncs that appeared or went, per site crawled successfully in both. */
  syncs: SyncChange[];
  /** Per company, how many sites its identifiers linked in each crawl (persistent crawls only). */
  profiles?: ProfileChange[];
}

/** What one company could link about the visitor in each of two crawls. */
export interface ProfileChange {
  entity: string;
  sitesBefore: number;
  sitesAfter: number;
  sensitiveBefore: string[];
  sensitiveAfter: string[];
}

/** Each company whose cross-site reach differs between two crawls' profiles. */
export function profileChanges(before: readonly Profile[], after: readonly Profile[]): ProfileChange[] {
  const reach = (profiles: readonly Profile[]) => {
    const byEntity = new Map<string, { sites: Set<string>; sensitive: Set<string> }>();
    for (const p of profiles) {
      const r = byEntity.get(p.entity) ?? { sites: new Set(), sensitive: new Set() };
      for (const s of p.sites) r.sites.add(s);
      for (const c of p.sensitive) r.sensitive.add(c);
      byEntity.set(p.entity, r);
    }
    return byEntity;
  };
  const a = reach(before);
  const b = reach(after);
  return [...new Set([...a.keys(), ...b.keys()])]
    .map((entity) => ({
      entity,
      sitesBefore: a.get(entity)?.sites.size ?? 0,
      sitesAfter: b.get(entity)?.sites.size ?? 0,
      sensitiveBefore: [...(a.get(entity)?.sensitive ?? [])].sort(),
      sensitiveAfter: [...(b.get(entity)?.sensitive ?? [])].sort(),
    }))
    .filter((c) => c.sitesBefore !== c.sitesAfter || c.sensitiveBefore.join() !== c.sensitiveAfter.join())
    .sort(
      (x, y) =>
        y.sitesBefore + y.sitesAfter - (x.sitesBefore + x.sitesAfter) || x.entity.localeCompare(y.entity),
    );
}

const key = (entity: string, tracker: string) => `${entity}\u0000${tracker}`;
const ref = (k: string): TrackerRef => {
  const [entity, tracker] = k.split("\u0000");
  return { entity: entity ?? "", tracker: tracker ?? "" };
};

function addTo(map: Record<string, string[]>, key: string, value: string): void {
  const list = map[key] ?? [];
  list.push(value);
  map[key] = list;
}

/** A page address without its fragment and trailing slash, so two crawls' pages match. */
function pageKey(url: string): string {
  return url.split("#")[0]?.replace(/\/$/, "") ?? url;
}

/**
 * Each site as one crawl saw it. `variant` picks one run of a `--compare-consent` crawl (pages of
 * that variant only); null takes the pages that have no variant.
 */
export async function loadSiteViews(
  store: CrawlStore,
  variant: string | null = null,
): Promise<Map<string, SiteView>> {
  const sites = new Map<string, SiteView>();
  for await (const s of siteSummaries(store)) {
    sites.set(s.site, {
      status: s.status,
      trackers: new Map(),
      sensitive: new Map(),
      refused: new Map(),
      syncs: new Set(),
    });
  }
  for await (const y of idSyncs(store, variant)) sites.get(y.site)?.syncs.add(key(y.sourceEntity, y.entity));
  for await (const p of refusingPages(store, variant)) {
    const records = refusingRecords(p.consentState);
    sites
      .get(p.site)
      ?.refused.set(pageKey(p.url), { records: clip(records, 300) ?? "", companies: new Set() });
  }
  for await (const p of sensitivePages(store, variant)) {
    sites.get(p.site)?.sensitive.set(pageKey(p.url), { categories: p.categories, trackers: new Set() });
  }
  for await (const f of dataFindings(store, variant)) {
    const site = sites.get(f.site);
    if (!site) continue;
    const k = key(f.entity, f.tracker);
    const entry = site.trackers.get(k) ?? { entity: f.entity, tracker: f.tracker, data: new Set<string>() };
    for (const d of f.dataShared) entry.data.add(d);
    site.trackers.set(k, entry);
    site.sensitive.get(pageKey(f.url))?.trackers.add(k);
    site.refused.get(pageKey(f.url))?.companies.add(f.entity);
  }
  return sites;
}

/** The sites of one crawl whose own consent record refused while trackers still received data. */
function refusedSites(views: Map<string, SiteView>): RefusedSite[] {
  const out: RefusedSite[] = [];
  for (const [site, view] of [...views].sort(([a], [b]) => a.localeCompare(b))) {
    const pages = [...view.refused.values()].filter((p) => p.companies.size > 0);
    if (pages.length === 0) continue;
    out.push({
      site,
      pages: pages.length,
      records: pages[0]?.records ?? "",
      companies: [...new Set(pages.flatMap((p) => [...p.companies]))].sort(),
    });
  }
  return out;
}

/** The changes from `before` to `after`, over the sites both crawled successfully. */
/** One site's trackers before against after: added, removed, and data newly or no longer shared. */
function siteChange(site: string, a: SiteView, b: SiteView): SiteChange | null {
  const change: SiteChange = { site, added: [], removed: [], newlyShared: [], noLongerShared: [] };
  for (const [k, t] of b.trackers) {
    const old = a.trackers.get(k);
    if (!old) {
      change.added.push({ entity: t.entity, tracker: t.tracker });
      continue;
    }
    const gained = [...t.data].filter((d) => !old.data.has(d)).sort();
    const lost = [...old.data].filter((d) => !t.data.has(d)).sort();
    if (gained.length) change.newlyShared.push({ entity: t.entity, tracker: t.tracker, data: gained });
    if (lost.length) change.noLongerShared.push({ entity: t.entity, tracker: t.tracker, data: lost });
  }
  for (const [k, t] of a.trackers)
    if (!b.trackers.has(k)) change.removed.push({ entity: t.entity, tracker: t.tracker });
  const changed =
    change.added.length || change.removed.length || change.newlyShared.length || change.noLongerShared.length;
  return changed ? change : null;
}

/** Per company on a site: the data types it received (across its trackers). */
function dataByCompany(v: SiteView): Map<string, Set<string>> {
  const m = new Map<string, Set<string>>();
  for (const t of v.trackers.values()) {
    const set = m.get(t.entity) ?? new Set<string>();
    for (const d of t.data) set.add(d);
    m.set(t.entity, set);
  }
  return m;
}

/** Counts a site into each company's change: present before/after, gained or lost, data types. */
function addCompanyChanges(
  site: string,
  a: SiteView,
  b: SiteView,
  company: (entity: string) => CompanyChange,
): void {
  const ca = dataByCompany(a);
  const cb = dataByCompany(b);
  for (const [entity, data] of ca) {
    const c = company(entity);
    c.sitesBefore++;
    if (!cb.has(entity)) c.lost.push(site);
    else for (const d of data) if (!cb.get(entity)?.has(d)) addTo(c.noLongerShared, d, site);
  }
  for (const [entity, data] of cb) {
    const c = company(entity);
    c.sitesAfter++;
    if (!ca.has(entity)) c.gained.push(site);
    else for (const d of data) if (!ca.get(entity)?.has(d)) addTo(c.newlyShared, d, site);
  }
}

/** Sensitive pages crawled both times whose trackers changed. */
function pageChanges(site: string, a: SiteView, b: SiteView): SensitivePageChange[] {
  const out: SensitivePageChange[] = [];
  for (const [url, page] of b.sensitive) {
    const old = a.sensitive.get(url);
    if (!old) continue;
    const added = [...page.trackers].filter((k) => !old.trackers.has(k)).map(ref);
    const removed = [...old.trackers].filter((k) => !page.trackers.has(k)).map(ref);
    if (added.length || removed.length) out.push({ site, url, categories: page.categories, added, removed });
  }
  return out;
}

/** Pairs of companies passing an identifier on a site, in one crawl and not the other. */
function syncChanges(site: string, a: SiteView, b: SiteView): SyncChange[] {
  const pair = (k: string, change: SyncChange["change"]) => {
    const { entity: source, tracker: entity } = ref(k);
    return { site, source, entity, change };
  };
  return [
    ...[...b.syncs].filter((k) => !a.syncs.has(k)).map((k) => pair(k, "added")),
    ...[...a.syncs].filter((k) => !b.syncs.has(k)).map((k) => pair(k, "removed")),
  ];
}

const changed = (c: CompanyChange) =>
  c.gained.length ||
  c.lost.length ||
  Object.keys(c.newlyShared).length ||
  Object.keys(c.noLongerShared).length ||
  c.sitesBefore !== c.sitesAfter;

export function diffCrawls(
  before: Map<string, SiteView>,
  after: Map<string, SiteView>,
  labels: { before: string; after: string },
): CrawlDiff {
  const ok = (m: Map<string, SiteView>) =>
    new Set([...m].filter(([, v]) => v.status === "ok").map(([k]) => k));
  const okBefore = ok(before);
  const okAfter = ok(after);
  const common = [...okBefore].filter((s) => okAfter.has(s)).sort();
  const companies = new Map<string, CompanyChange>();
  const company = (entity: string): CompanyChange => {
    const c = companies.get(entity) ?? {
      entity,
      sitesBefore: 0,
      sitesAfter: 0,
      gained: [],
      lost: [],
      newlyShared: {},
      noLongerShared: {},
    };
    companies.set(entity, c);
    return c;
  };
  const sites: SiteChange[] = [];
  const sensitivePages: SensitivePageChange[] = [];
  const syncs: SyncChange[] = [];
  for (const site of common) {
    const a = before.get(site) as SiteView;
    const b = after.get(site) as SiteView;
    const change = siteChange(site, a, b);
    if (change) sites.push(change);
    addCompanyChanges(site, a, b, company);
    sensitivePages.push(...pageChanges(site, a, b));
    syncs.push(...syncChanges(site, a, b));
  }
  return {
    before: { label: labels.before, sites: before.size },
    after: { label: labels.after, sites: after.size },
    compared: common.length,
    onlyBefore: [...okBefore].filter((s) => !okAfter.has(s)).length,
    onlyAfter: [...okAfter].filter((s) => !okBefore.has(s)).length,
    companies: [...companies.values()]
      .filter(changed)
      .sort(
        (x, y) =>
          y.sitesAfter + y.sitesBefore - (x.sitesAfter + x.sitesBefore) || x.entity.localeCompare(y.entity),
      ),
    sites,
    sensitivePages,
    refusedYetTracked: { before: refusedSites(before), after: refusedSites(after) },
    syncs,
  };
}

export { variantsOf };

/** A `--compare-consent`/`--compare-gpc` crawl's first run against its second; null for a plain crawl. */
export async function diffVariants(store: CrawlStore): Promise<CrawlDiff | null> {
  const variants = await variantsOf(store);
  if (variants.length !== 2) return null;
  const [first, second] = variants as [string, string];
  return diffCrawls(await loadSiteViews(store, first), await loadSiteViews(store, second), {
    before: first,
    after: second,
  });
}

/** Trackers that received data after the visitor refused consent (`reject` run) or with GPC on (`gpc` run). */
export async function ignoringTrackers(
  store: CrawlStore,
  variant: "reject" | "gpc",
): Promise<Array<{ site: string; entity: string; tracker: string; pages: number }>> {
  return trackersInVariant(store, variant, variant === "reject");
}

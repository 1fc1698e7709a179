/**
 * Filtering, sorting and paging of the sites table. Pure and browser-safe: the HTML report runs it
 * in the page over embedded rows, `earshot serve` runs it in the server behind its API.
 */
import type { SitePage, SiteQuery, SiteRow } from "./types.ts";

export const PER_PAGE = 50;
const MAX_PER_PAGE = 500;

/** The companies the report leads with, in this order; the rest follow by reach. */
export const LEAD_COMPANIES = ["ByteDance", "Meta", "Google"];

/** Companies better known by a product's name than by their legal name. */
const KNOWN_AS: Record<string, string> = { ByteDance: "TikTok" };
/** Other names readers use for a company, as filters accept them (any case). */
const ALSO_CALLED: Record<string, string[]> = {
  ByteDance: ["TikTok"],
  Meta: ["Facebook", "Instagram"],
  Google: ["Alphabet", "YouTube", "DoubleClick"],
  Microsoft: ["Bing", "LinkedIn"],
};

/** How a company is named on screen: the name readers know, the legal entity beside it ("TikTok (ByteDance)"). */
export function companyLabel(entity: string): string {
  const known = KNOWN_AS[entity];
  return known ? `${known} (${entity})` : entity;
}

/**
 * The entity a reader's name for a company stands for: "TikTok", "tiktok", "TikTok (ByteDance)" and
 * "ByteDance" all mean ByteDance. A name no table knows is taken as an entity's own name.
 */
export function companyEntity(name: string): string {
  const wanted = name.trim().toLowerCase();
  for (const [entity, names] of Object.entries(ALSO_CALLED))
    if ([entity, companyLabel(entity), ...names].some((n) => n.toLowerCase() === wanted)) return entity;
  return name.trim();
}

/** Orders companies: the lead three first (when present), then by `count` descending, then by name. */
export function orderCompanies<T>(items: T[], entity: (item: T) => string, count: (item: T) => number): T[] {
  const lead = (item: T) => {
    const i = LEAD_COMPANIES.indexOf(entity(item));
    return i < 0 ? LEAD_COMPANIES.length : i;
  };
  return [...items].sort(
    (a, b) => lead(a) - lead(b) || count(b) - count(a) || entity(a).localeCompare(entity(b)),
  );
}

const SORTABLE: ReadonlyArray<keyof SiteRow> = [
  "site",
  "list",
  "rank",
  "status",
  "pages",
  "companies",
  "categories",
  "leaks",
  "beforeConsent",
];

function sortValue(row: SiteRow, key: keyof SiteRow): string | number {
  const value = row[key];
  if (Array.isArray(value)) return value.length;
  if (typeof value === "number") return value;
  return value == null ? "" : String(value);
}

/** Reads a query from URL search parameters (the hash of the report, the API's query string). */
export function parseSiteQuery(params: URLSearchParams): SiteQuery {
  const sort = params.get("sort");
  const page = Number(params.get("page") ?? "1");
  const perPage = Number(params.get("perPage") ?? String(PER_PAGE));
  return {
    q: params.get("q") ?? undefined,
    // A reader's name for a company ("TikTok") is read as its entity ("ByteDance").
    company: params.get("company") ? companyEntity(params.get("company") ?? "") : undefined,
    category: params.get("category") ?? undefined,
    list: params.get("list") ?? undefined,
    sort: sort && (SORTABLE as string[]).includes(sort) ? (sort as keyof SiteRow) : undefined,
    desc: params.get("desc") === "1",
    page: Number.isInteger(page) && page >= 1 ? page : 1,
    perPage: Number.isInteger(perPage) && perPage >= 1 ? Math.min(perPage, MAX_PER_PAGE) : PER_PAGE,
  };
}

export function siteQueryParams(query: SiteQuery): URLSearchParams {
  const params = new URLSearchParams();
  if (query.q) params.set("q", query.q);
  if (query.company) params.set("company", query.company);
  if (query.category) params.set("category", query.category);
  if (query.list) params.set("list", query.list);
  if (query.sort) params.set("sort", query.sort);
  if (query.desc) params.set("desc", "1");
  if (query.page && query.page > 1) params.set("page", String(query.page));
  if (query.perPage && query.perPage !== PER_PAGE) params.set("perPage", String(query.perPage));
  return params;
}

/** The report's and the UI's address of the sites table filtered by `query` (`#/sites?company=Meta`). */
export function sitesHref(query: SiteQuery): string {
  return `#/sites?${siteQueryParams(query).toString()}`;
}

/** One page of the sites that match. Search text matches the site name (substring, any case). */
export function querySites(rows: SiteRow[], query: SiteQuery): SitePage {
  const q = query.q?.trim().toLowerCase() ?? "";
  const company = query.company ? companyEntity(query.company).toLowerCase() : "";
  const matched = rows.filter(
    (row) =>
      (!q || row.site.includes(q)) &&
      (!company || row.companies.some((c) => c.toLowerCase() === company)) &&
      (!query.category || row.categories.includes(query.category)) &&
      (!query.list || row.list === query.list),
  );
  if (query.sort) {
    const key = query.sort;
    const sign = query.desc ? -1 : 1;
    matched.sort((a, b) => {
      const x = sortValue(a, key);
      const y = sortValue(b, key);
      const order =
        typeof x === "number" && typeof y === "number" ? x - y : String(x).localeCompare(String(y));
      return sign * order;
    });
  }
  const perPage = Math.min(query.perPage ?? PER_PAGE, MAX_PER_PAGE);
  const pages = Math.max(1, Math.ceil(matched.length / perPage));
  const page = Math.min(Math.max(1, query.page ?? 1), pages);
  return {
    rows: matched.slice((page - 1) * perPage, page * perPage),
    total: matched.length,
    page,
    pages,
  };
}

/**
 * The report's first lines: what a reader should know before any table, as generated sentences,
 * most serious first. Each says which company received visits to which kind of sensitive page, on
 * how many sites and pages, what kind of sites they were, and links to them; then personal data,
 * refusals ignored and trackers before consent. Reads the overview's `lookedFor`: compute it first.
 */
import { categoryLabel, severityRank } from "../classify/category-labels.ts";
import { companyLabel, sitesHref } from "./query.ts";
import type { KeyFinding, LookedFor, Overview, ProfilesSummary } from "./types.ts";

/** The reach of one company on one category's pages, with the lists and natures of those sites. */
export interface CategoryCompanyReach {
  category: string;
  entity: string;
  pages: number;
  sites: number;
  /** How many of the sites are in each list (when the crawl has several). */
  lists: Record<string, number>;
  /** How many of the sites are, by what they are, of this same category (a shelter, a clinic). */
  sitesOfThatKind: number;
}

/** Sentences about sensitive pages at most; the totals follow. */
const MAX_SENSITIVE_FINDINGS = 8;

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/** "of them" for a part of the sites, "all" for every one, nothing for a single site. */
function howMany(part: number, all: number): string {
  if (all === 1) return "";
  return part === all ? "all of them " : `${part} of them `;
}

/** ", 2 of them domestic violence sites themselves; all of them in the list “dotgov”". */
function whichSites(r: CategoryCompanyReach, severalLists: boolean): string {
  const parts: string[] = [];
  const kind = categoryLabel(r.category).toLowerCase();
  const n = r.sitesOfThatKind;
  if (n > 0)
    parts.push(`${howMany(n, r.sites)}${n === 1 ? `a ${kind} site itself` : `${kind} sites themselves`}`);
  const [list, inList] =
    Object.entries(r.lists).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0] ?? [];
  if (severalLists && list !== undefined && inList !== undefined)
    parts.push(`${howMany(inList, r.sites)}in the list “${list}”`);
  return parts.length > 0 ? `, ${parts.join("; ")}` : "";
}

/** "a, b and c". */
function andList(words: string[]): string {
  return words.length < 2 ? (words[0] ?? "") : `${words.slice(0, -1).join(", ")} and ${words.at(-1)}`;
}

/** Sentences about cross-site profiles at most. */
const MAX_PROFILE_FINDINGS = 3;

/**
 * A persistent crawl's first lines: the companies that could recognise its one visitor on most of
 * the listed sites, and the sensitive pages that fall under that one profile.
 */
export function profileFindings(p: ProfilesSummary): KeyFinding[] {
  return p.companies.slice(0, MAX_PROFILE_FINDINGS).map((c) => {
    const names = [...new Set(c.identifiers.map((i) => i.name))];
    const categories = [...new Set(c.sensitivePages.flatMap((page) => page.categories))]
      .sort((a, b) => severityRank(a) - severityRank(b))
      .map((category) => categoryLabel(category).toLowerCase());
    return {
      kind: "profile" as const,
      text:
        `${companyLabel(c.entity)} could recognise the same visitor on ${c.sites.length} of the ${p.listed} sites ` +
        `(${names.length === 1 ? "identifier" : "identifiers"} ${names.join(", ")})` +
        (categories.length > 0 ? `; that one profile holds visits to ${andList(categories)} pages.` : "."),
      href: "#h-profiles",
    };
  });
}

/** One sentence per company and category, most serious category first, then the widest reach. */
export function keyFindings(o: Overview, reach: CategoryCompanyReach[]): KeyFinding[] {
  const severalLists = o.byList.length > 1;
  const sensitive = [...reach]
    .sort(
      (a, b) =>
        severityRank(a.category) - severityRank(b.category) ||
        b.sites - a.sites ||
        b.pages - a.pages ||
        a.entity.localeCompare(b.entity),
    )
    .slice(0, MAX_SENSITIVE_FINDINGS)
    .map((r) => ({
      kind: "sensitive" as const,
      text: `${companyLabel(r.entity)} received visits to ${categoryLabel(r.category).toLowerCase()} pages on ${plural(r.sites, "site")} (${plural(r.pages, "page")})${whichSites(r, severalLists)}.`,
      href: sitesHref({ company: r.entity, category: r.category }),
    }));
  // Sites and companies counted over every finding (`lookedFor`), not over the rows the report keeps.
  const found = (kind: LookedFor["kind"]) =>
    o.lookedFor?.find((l) => l.kind === kind) ?? { sites: 0, companies: [] };
  const totals: KeyFinding[] = [];
  if (o.leaks.total > 0) {
    const leaks = found("leaks");
    totals.push({
      kind: "leaks",
      text: `The visitor's personal data (email, phone or name, plain or hashed) reached ${plural(leaks.companies.length, "company")} on ${plural(leaks.sites, "site")}, ${plural(o.leaks.total, "time")} in all.`,
      href: "#h-leaks",
    });
  }
  const refused = o.refusedYetTracked?.total ?? 0;
  if (refused > 0)
    totals.push({
      kind: "refused",
      text: `On ${plural(refused, "page")}, the site's own consent record says the visitor refused, and trackers still received data.`,
      href: "#h-consent",
    });
  if (o.beforeConsent.total > 0)
    totals.push({
      kind: "before_consent",
      text: `Trackers received data before the visitor answered the consent banner on ${plural(found("before_consent").sites, "site")}.`,
      href: "#h-consent",
    });
  return [...sensitive, ...totals];
}

/**
 * One company: what it received, where, under which pixel IDs and events, on which sensitive pages,
 * from the crawl's overview; each page links to its site's view, where the requests are the evidence.
 * Named as readers know it ("TikTok"), with the legal entity beside it; any of its names finds it.
 */
import { companyEntity, companyLabel, sitesHref } from "../query.ts";
import type { Capped, CompanyReach, Overview, SensitivePageRow } from "../types.ts";
import { percent } from "./charts.ts";
import { type Child, h } from "./dom.ts";
import { categoryLabel, companyHref } from "./format.ts";
import { beforeConsentTable, leaksTable, sensitiveTable } from "./overview-view.ts";

function list<T>(items: T[], line: (item: T) => string, none: string): HTMLElement {
  return items.length > 0
    ? h(
        "ul",
        {},
        items.map((i) => h("li", {}, line(i))),
      )
    : h("p", {}, none);
}

/** Rows of a capped list that concern one company, with a note when the list was cut. */
function only<T>(rows: { rows: T[]; total: number }, keep: (row: T) => boolean) {
  const kept = rows.rows.filter(keep);
  return { rows: kept, total: kept.length, cut: rows.rows.length < rows.total };
}

function unknownCompany(name: string, o: Overview): HTMLElement {
  return h(
    "div",
    {},
    h("h1", { tabindex: -1 }, name),
    h("p", {}, "No company of that name received data in this crawl. Those that did:"),
    h(
      "ul",
      {},
      o.companies
        .slice(0, 50)
        .map((c) => h("li", {}, h("a", { href: companyHref(c.entity) }, companyLabel(c.entity)))),
    ),
  );
}

/** Who it is and how far it reached. */
function companyHead(company: CompanyReach, ok: number): Child[] {
  const entity = company.entity;
  const label = companyLabel(entity);
  return [
    h("h1", { tabindex: -1 }, label),
    label !== entity ? h("p", { class: "meta" }, `Legal entity: ${entity}`) : null,
    h(
      "p",
      { class: "lede" },
      `Received visitor data on ${company.sites} of ${ok} sites crawled (${percent(company.sites, ok)}), from ${company.pages} page${company.pages === 1 ? "" : "s"}; `,
      h("strong", {}, `${company.sensitivePages} sensitive page${company.sensitivePages === 1 ? "" : "s"}`),
      ".",
    ),
    h(
      "p",
      {},
      "Its tags and services: ",
      company.trackers.join(", ") || "—",
      ". ",
      h("a", { href: sitesHref({ company: entity }) }, "Its sites"),
      ".",
    ),
  ];
}

/** The sensitive pages it heard about: by category, then page by page, the most serious first. */
function companySensitive(entity: string, o: Overview, sensitive: Capped<SensitivePageRow>): Child[] {
  const categories = o.byCategory
    .map((c) => ({ category: c.category, pages: c.companies[entity] ?? 0, of: c.pages }))
    .filter((c) => c.pages > 0);
  return [
    h("h2", {}, "Sensitive pages it heard about"),
    list(
      categories,
      (c) =>
        `${categoryLabel(c.category)}: ${c.pages} of ${c.of} page${c.of === 1 ? "" : "s"} (${percent(c.pages, c.of)})`,
      "None found.",
    ),
    sensitive.rows.length > 0
      ? sensitiveTable(
          sensitive,
          `Sensitive pages that sent data to ${companyLabel(entity)}, the most serious first`,
        )
      : null,
  ];
}

/** A persistent crawl: the sites on which this company could recognise the one visitor. */
function companyProfile(entity: string, o: Overview): Child {
  const p = o.profiles;
  if (!p) return null;
  const c = p.companies.find((x) => x.entity === entity);
  return [
    h("h2", {}, "What it could put together about one visitor"),
    c
      ? h(
          "p",
          {},
          `The same identifier (${[...new Set(c.identifiers.map((i) => i.name))].join(", ")}) reached it from ` +
            `${c.sites.length} of the ${p.listed} sites: ${c.sites.join(", ")}. `,
          "The overview's section on profiles says how, and which pages fall under it.",
        )
      : h(
          "p",
          {},
          "No identifier reached it from two sites: it could not link the visitor's visits, as far as the browser shows.",
        ),
  ];
}

export function companyView(name: string, o: Overview): HTMLElement {
  const wanted = companyEntity(name).toLowerCase();
  const company = o.companies.find((c) => c.entity.toLowerCase() === wanted);
  if (!company) return unknownCompany(name, o);
  const entity = company.entity;
  const sensitive = only(o.sensitivePages, (r) => r.companies.includes(entity));
  const leaks = only(o.leaks, (r) => r.entity === entity);
  const before = only(o.beforeConsent, (r) => r.entity === entity);
  return h(
    "div",
    { class: "company-view" },
    companyHead(company, o.crawl.sites.ok),
    companySensitive(entity, o, sensitive),
    companyProfile(entity, o),
    h("h2", {}, "Under which pixel and account IDs"),
    list(
      company.pixelIds ?? [],
      (p) => `${p.id}: on ${p.sites} site${p.sites === 1 ? "" : "s"}`,
      "None found in its requests.",
    ),
    h("h2", {}, "Events it was sent"),
    list(
      company.events ?? [],
      (e) => `${e.name}: on ${e.pages} page${e.pages === 1 ? "" : "s"}`,
      "None named in its requests.",
    ),
    h("h2", {}, "Personal data it received"),
    leaks.rows.length > 0 ? leaksTable(leaks) : h("p", {}, "None found."),
    h("h2", {}, "Before the visitor answered a consent banner"),
    before.rows.length > 0 ? beforeConsentTable(before) : h("p", {}, "None found."),
    [sensitive, leaks, before].some((x) => x.cut)
      ? h(
          "p",
          { class: "note" },
          "The report keeps the first rows of each list; `earshot export` has them all.",
        )
      : null,
    h("p", { class: "note" }, "Each site's view shows the requests that prove what this company received."),
  );
}

/**
 * The first screen: who hears about visits, to which sensitive pages. Headline numbers, reach per
 * company, per list and per sensitive category, then the pages, leaks and pre-consent trackers.
 */
import { severityRank } from "../../classify/category-labels.ts";
import { companyLabel, LEAD_COMPANIES, sitesHref } from "../query.ts";
import type { BeforeConsentRow, Capped, LeakRow, Overview, RefusedRow, SensitivePageRow } from "../types.ts";
import { changesView } from "./changes-view.ts";
import { barChart, percent } from "./charts.ts";
import { cloakingSection, syncSection } from "./disguise-view.ts";
import { h } from "./dom.ts";
import { categoryBadges, categoryLabel, companyHref, date, shortUrl, siteLink } from "./format.ts";
import { profilesSection } from "./profiles-view.ts";
import { dataTable } from "./table.ts";

function headline(o: Overview): HTMLElement {
  const ok = o.crawl.sites.ok;
  const lead = LEAD_COMPANIES.map((entity) => o.companies.find((c) => c.entity === entity)).filter(
    (c) => c !== undefined,
  );
  const trackedSensitive = o.sensitivePages.total;
  const sensitiveAll = o.byCategory.reduce((n, c) => n + c.pages, 0);
  return h(
    "div",
    { class: "headline" },
    h(
      "p",
      { class: "lede" },
      `Of ${ok} site${ok === 1 ? "" : "s"} crawled, `,
      h("strong", {}, `${o.sitesWithData} (${percent(o.sitesWithData, ok)})`),
      " sent visitor data to at least one company.",
    ),
    lead.length > 0
      ? h(
          "ul",
          { class: "lead-companies" },
          lead.map((c) =>
            h(
              "li",
              {},
              h("a", { href: companyHref(c.entity) }, companyLabel(c.entity)),
              `: ${c.sites} site${c.sites === 1 ? "" : "s"} (${percent(c.sites, ok)})`,
              c.sensitivePages > 0
                ? `, ${c.sensitivePages} sensitive page${c.sensitivePages === 1 ? "" : "s"}`
                : "",
            ),
          ),
        )
      : null,
    h(
      "p",
      {},
      trackedSensitive > 0
        ? `${trackedSensitive} sensitive page${trackedSensitive === 1 ? "" : "s"} sent data to third parties, in these categories: ${o.byCategory
            .filter((c) => c.pagesWithData > 0)
            .map((c) => categoryLabel(c.category))
            .join(", ")}.`
        : sensitiveAll > 0
          ? `None of the ${sensitiveAll} sensitive pages sent data to a third party.`
          : "No crawled page was classified as sensitive.",
      o.leaks.total > 0
        ? ` The synthetic visitor's personal data was found ${o.leaks.total} time${o.leaks.total === 1 ? "" : "s"} in requests to trackers.`
        : "",
    ),
  );
}

/** How serious a tracked sensitive page is: its most serious category, then how many companies heard. */
function bySeriousness(a: SensitivePageRow, b: SensitivePageRow): number {
  const rank = (r: SensitivePageRow) => Math.min(...r.categories.map(severityRank));
  return rank(a) - rank(b) || b.companies.length - a.companies.length;
}

const LOOKED_FOR_LABELS: Record<string, string> = {
  leaks: "The synthetic visitor's personal data in requests (plain, encoded or hashed)",
  fingerprinting: "Fingerprinting of the browser (canvas, fonts, audio, WebRTC)",
  session_recording: "Session recording (scripts that replay what the visitor did)",
  before_consent: "Trackers receiving data before the visitor answered a consent banner",
  syncs: "Identifiers handed from one company to another",
  cloaking: "Trackers at the site's own address (CNAME cloaking)",
};

/** Each kind of finding the crawl looked for, answered: found where and by whom, or none found. */
function lookedForSection(o: Overview): HTMLElement | null {
  if (!o.lookedFor) return null;
  return h(
    "section",
    { class: "looked-for", "aria-labelledby": "h-looked" },
    h("h2", { id: "h-looked" }, "What the crawl looked for"),
    h(
      "dl",
      { class: "facts" },
      o.lookedFor.map((l) => [
        h("dt", {}, LOOKED_FOR_LABELS[l.kind] ?? l.kind),
        h(
          "dd",
          { "data-kind": l.kind },
          l.sites === 0
            ? "none found"
            : `found on ${l.sites} site${l.sites === 1 ? "" : "s"}, by ${l.companies.slice(0, 6).map(companyLabel).join(", ")}${l.companies.length > 6 ? ` and ${l.companies.length - 6} more` : ""}`,
        ),
      ]),
    ),
  );
}

/** The key findings: generated sentences, most serious first, each linked to what it is about. */
function keyFindingsSection(o: Overview): HTMLElement | null {
  const findings = o.keyFindings;
  if (!findings) return null;
  return h(
    "section",
    { class: "key-findings", "aria-labelledby": "h-key" },
    h("h2", { id: "h-key" }, "Key findings"),
    findings.length > 0
      ? h(
          "ol",
          {},
          findings.map((f) => h("li", { "data-kind": f.kind }, h("a", { href: f.href }, f.text))),
        )
      : h(
          "p",
          {},
          "No company received visits to a sensitive page, no personal data was found in requests, and no tracker fired before consent.",
        ),
  );
}

export function sensitiveTable(
  list: Capped<SensitivePageRow>,
  caption = "Sensitive pages where trackers fired, the most serious first",
): HTMLElement {
  return dataTable<SensitivePageRow>({
    caption,
    rows: [...list.rows].sort(bySeriousness),
    totalRows: list.total,
    empty: "No sensitive page sent data to a third party.",
    columns: [
      { label: "Site", sortValue: (r) => r.site, cell: (r) => siteLink(r.site) },
      {
        label: "Page",
        sortValue: (r) => r.url,
        cell: (r) =>
          h(
            "span",
            { title: r.url },
            r.title ? [h("span", { class: "title" }, r.title), h("br"), shortUrl(r.url)] : shortUrl(r.url),
          ),
      },
      {
        label: "Categories",
        sortValue: (r) => r.categories.join(","),
        cell: (r) => categoryBadges(r.categories),
      },
      {
        label: "Companies that received data",
        sortValue: (r) => r.companies.length,
        cell: (r) => r.companies.map(companyLabel).join(", "),
      },
      { label: "Why it is sensitive", cell: (r) => h("span", { class: "evidence" }, r.evidence) },
    ],
  });
}

export function leaksTable(list: Capped<LeakRow>): HTMLElement {
  return dataTable<LeakRow>({
    caption: "Personal data of the synthetic visitor found in requests",
    rows: list.rows,
    totalRows: list.total,
    empty: "No personal data was found in requests to third parties.",
    columns: [
      { label: "Site", sortValue: (r) => r.site, cell: (r) => siteLink(r.site) },
      {
        label: "Page",
        sortValue: (r) => r.url,
        cell: (r) => h("span", { title: r.url }, shortUrl(r.url, 60)),
      },
      {
        label: "Company",
        sortValue: (r) => r.entity,
        cell: (r) => `${companyLabel(r.entity)} (${r.tracker})`,
      },
      { label: "Data", sortValue: (r) => r.field, cell: (r) => r.field },
      { label: "Encoding", sortValue: (r) => r.encoding, cell: (r) => r.encoding },
      { label: "Where in the request", cell: (r) => h("code", {}, r.where) },
      {
        label: "Before submit",
        sortValue: (r) => (r.keylogged ? 1 : 0),
        cell: (r) => (r.keylogged ? "yes (key logging)" : "no"),
      },
    ],
  });
}

export function beforeConsentTable(list: Capped<BeforeConsentRow>): HTMLElement {
  return dataTable<BeforeConsentRow>({
    caption: "Trackers that received data before the visitor answered the consent banner",
    rows: list.rows,
    totalRows: list.total,
    empty: "No tracker fired before a consent choice (or no banner was handled in this crawl).",
    columns: [
      { label: "Site", sortValue: (r) => r.site, cell: (r) => siteLink(r.site) },
      {
        label: "Page",
        sortValue: (r) => r.url,
        cell: (r) => h("span", { title: r.url }, shortUrl(r.url, 60)),
      },
      { label: "Company", sortValue: (r) => r.entity, cell: (r) => companyLabel(r.entity) },
      { label: "Tracker", sortValue: (r) => r.tracker, cell: (r) => r.tracker },
      { label: "Events", cell: (r) => r.events.join(", ") },
    ],
  });
}

function refusedTable(o: Overview): HTMLElement {
  const refused = o.refusedYetTracked ?? { rows: [], total: 0 };
  return dataTable<RefusedRow>({
    caption:
      "Pages whose site's own consent record says the visitor refused, where trackers still received data",
    rows: refused.rows,
    totalRows: refused.total,
    empty: "No site's consent record says the visitor refused while trackers received data.",
    columns: [
      { label: "Site", sortValue: (r) => r.site, cell: (r) => siteLink(r.site) },
      {
        label: "Page",
        sortValue: (r) => r.url,
        cell: (r) => h("span", { title: r.url }, shortUrl(r.url, 60)),
      },
      { label: "The site's record", cell: (r) => r.records },
      { label: "Companies that received data", cell: (r) => r.companies.map(companyLabel).join(", ") },
    ],
  });
}

/** The share of sites crawled successfully that sent data to each of the largest companies. */
function companySection(o: Overview): HTMLElement {
  const ok = o.crawl.sites.ok;
  const bars = [...o.companies]
    .sort((a, b) => b.sites - a.sites || a.entity.localeCompare(b.entity))
    .slice(0, 15)
    .map((c) => ({
      label: companyLabel(c.entity),
      value: c.sites,
      of: ok,
      note: `${percent(c.sites, ok)} (${c.sites} site${c.sites === 1 ? "" : "s"})`,
      href: companyHref(c.entity),
    }));
  return h(
    "section",
    { "aria-labelledby": "h-companies" },
    h("h2", { id: "h-companies" }, "Share of sites sending visitor data to each company"),
    bars.length > 0
      ? barChart(
          "Share of sites crawled successfully that sent visitor data to each company, most sites first",
          [{ label: "", bars }],
          ["Company", "Sites", "Share"],
        )
      : h("p", {}, "No company received data."),
  );
}

function sensitiveSection(o: Overview): HTMLElement {
  const bars = o.byCategory.map((c) => ({
    label: categoryLabel(c.category),
    value: c.pagesWithData,
    of: c.pages,
    note: `${c.pagesWithData} of ${c.pages} page${c.pages === 1 ? "" : "s"} (${percent(c.pagesWithData, c.pages)})`,
    href: sitesHref({ category: c.category }),
  }));
  return h(
    "section",
    { "aria-labelledby": "h-sensitive" },
    h("h2", { id: "h-sensitive" }, "Sensitive pages where trackers fired"),
    bars.length > 0
      ? barChart(
          "Sensitive pages, by category, that sent data to third parties, most pages first",
          [{ label: "", bars }],
          ["Category", "Pages with trackers", "Share"],
        )
      : h("p", {}, "No page of this crawl was classified as sensitive."),
    categoryMatrix(o),
    sensitiveTable(o.sensitivePages),
  );
}

/** Per list: the share of its sites sending data at all, and to each of the five largest companies. */
function listSection(o: Overview): HTMLElement {
  const topCompanies = o.companies.slice(0, 5).map((c) => c.entity);
  const groups = o.byList.map((l) => ({
    label: `${l.list} — ${l.sites} site${l.sites === 1 ? "" : "s"}`,
    bars: [
      {
        label: "Any company",
        value: l.sitesWithData,
        of: l.sites,
        note: `${percent(l.sitesWithData, l.sites)} (${l.sitesWithData})`,
      },
      ...topCompanies.map((entity) => {
        const n = l.companies[entity] ?? 0;
        return {
          label: companyLabel(entity),
          value: n,
          of: l.sites,
          note: `${percent(n, l.sites)} (${n})`,
          href: sitesHref({ company: entity, list: l.list }),
        };
      }),
    ],
  }));
  return h(
    "section",
    { "aria-labelledby": "h-lists" },
    h("h2", { id: "h-lists" }, "By site list"),
    groups.length > 0
      ? barChart("Share of each list's sites sending data, overall and to the largest companies", groups, [
          "List: company",
          "Sites",
          "Share",
        ])
      : h("p", {}, "No site was crawled successfully."),
  );
}

/** What each imported capture was: who wrote it, the site and pages it became, what was left out. */
function importsSection(o: Overview): HTMLElement | null {
  const imports = o.crawl.imports ?? [];
  if (imports.length === 0) return null;
  return h(
    "section",
    { "aria-labelledby": "h-imports" },
    h("h2", { id: "h-imports" }, "Imported captures"),
    h(
      "p",
      {},
      "These pages come from HAR files recorded elsewhere, not from Earshot's browser: what the page did " +
        "with a consent banner, and what it stored in the browser, are not in a HAR.",
    ),
    h(
      "ul",
      {},
      ...imports.map((i) => {
        const skipped = Object.entries(i.skipped);
        return h(
          "li",
          {},
          `${i.file}${i.producer ? `, written by ${i.producer}` : ""}: ${i.pages.length} pages of ${i.site}` +
            `${i.visit > 1 ? ` (visit ${i.visit})` : ""}; ${i.requests} of ${i.entries} entries imported` +
            (skipped.length
              ? `, skipped: ${skipped.map(([why, n]) => `${n} ${why}`).join("; ")}`
              : ", none skipped") +
            `; ${i.frames} documents of frames kept inside their pages.`,
          h(
            "ul",
            {},
            ...i.pages.map((p) =>
              h(
                "li",
                {},
                p.url + (p.inferredFrom ? ` (no document in the capture: named by ${p.inferredFrom})` : ""),
              ),
            ),
          ),
        );
      }),
    ),
  );
}

const CONSENT_WORDS: Record<string, string> = {
  accept: "the crawler clicked the banner's accept button",
  reject: "the crawler clicked the banner's reject button",
  ignore: "left alone: the crawler clicked nothing, as a visitor who ignores the banner",
};

/** How the crawl was made, in words: what a reader must know to weigh every figure below. */
function crawlLine(o: Overview): HTMLElement {
  const { sites, config } = o.crawl;
  if ((o.crawl.imports?.length ?? 0) > 0 && Object.keys(config).length === 0)
    return h(
      "p",
      { class: "meta" },
      `Imported from ${o.crawl.imports?.length} HAR files: ${sites.total} sites, ${o.crawl.pages} pages, ` +
        `${o.crawl.requests} requests; imported ${date(o.crawl.createdAt)}. Consent banners, GPC and ` +
        "interaction were as the capturing browser had them.",
    );
  const fact = (term: string, value: string) => [h("dt", {}, term), h("dd", {}, value)];
  const consent = String(config.consent ?? "ignore");
  return h(
    "section",
    { class: "how", "aria-labelledby": "h-how" },
    h("h2", { id: "h-how" }, "How this crawl was made"),
    h(
      "dl",
      { class: "facts" },
      fact(
        "Sites",
        `${sites.total} (${sites.ok} loaded, ${sites.failed} failed` +
          (sites.botWalls ? `, ${sites.botWalls} of them behind a bot wall` : "") +
          (sites.pending ? `, ${sites.pending} not yet crawled` : "") +
          `); ${o.crawl.pages} pages, ${o.crawl.requests} requests`,
      ),
      fact("Started", date(o.crawl.createdAt)),
      fact("Consent banners", CONSENT_WORDS[consent] ?? consent),
      fact(
        "Global Privacy Control",
        config.gpc
          ? "sent: the browser asked every site not to sell or share the visitor's data"
          : "not sent",
      ),
      fact(
        "Interaction",
        config.interact
          ? "the crawler scrolled, clicked and filled forms with a synthetic identity"
          : "none: pages were loaded and left",
      ),
      fact(
        "Browser",
        (o.crawl.browser
          ? /^chrom/i.test(o.crawl.browser)
            ? o.crawl.browser
            : `Chromium ${o.crawl.browser}`
          : "Chromium (version unknown)") +
          (o.crawl.sandbox === false ? ", without its sandbox" : "") +
          (o.crawl.userAgent ? `; it said it was “${o.crawl.userAgent}”` : ""),
      ),
      fact(
        "Seen from",
        o.crawl.proxy
          ? `a proxy, ${o.crawl.proxy}: sites saw the proxy's address and place`
          : "the crawling machine's own network: sites saw its address and place",
      ),
      fact("Times", "in UTC"),
      (o.crawl.settings?.length ?? 0) > 0
        ? fact(
            "Every setting",
            (o.crawl.settings ?? []).map(([label, value]) => `${label}: ${value}`).join("; "),
          )
        : [],
    ),
  );
}

export function overviewView(o: Overview): HTMLElement {
  return h(
    "div",
    {},
    h("h1", { tabindex: -1 }, "Who hears about visits, and to which sensitive pages"),
    keyFindingsSection(o),
    profilesSection(o),
    lookedForSection(o),
    crawlLine(o),
    headline(o),
    companySection(o),
    sensitiveSection(o),
    listSection(o),
    importsSection(o),
    o.changes ? changesView(o.changes) : null,
    h(
      "section",
      { "aria-labelledby": "h-leaks" },
      h("h2", { id: "h-leaks" }, "Personal data leaks"),
      leaksTable(o.leaks),
    ),
    syncSection(o),
    cloakingSection(o),
    h(
      "section",
      { "aria-labelledby": "h-consent" },
      h("h2", { id: "h-consent" }, "Before consent"),
      h(
        "p",
        {},
        `${o.consent.prompts} site${o.consent.prompts === 1 ? "" : "s"} showed a consent banner; the crawler accepted on ${o.consent.accepted} and rejected on ${o.consent.rejected}.`,
      ),
      beforeConsentTable(o.beforeConsent),
      refusedTable(o),
    ),
  );
}

/** Category × company: how many sensitive pages of each category sent data to each large company. */
function categoryMatrix(o: Overview): HTMLElement | null {
  if (o.byCategory.length === 0) return null;
  const companies = o.companies.slice(0, 6).map((c) => c.entity);
  return h(
    "div",
    { class: "table-wrap" },
    h(
      "table",
      {},
      h("caption", {}, "Sensitive pages that sent data to each company, by category"),
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          h("th", { scope: "col" }, "Category"),
          h("th", { scope: "col" }, "Pages"),
          companies.map((c) => h("th", { scope: "col" }, companyLabel(c))),
        ),
      ),
      h(
        "tbody",
        {},
        o.byCategory.map((c) =>
          h(
            "tr",
            {},
            h(
              "th",
              { scope: "row" },
              h("a", { href: sitesHref({ category: c.category }) }, categoryLabel(c.category)),
            ),
            h("td", {}, c.pages),
            companies.map((entity) => {
              const n = c.companies[entity] ?? 0;
              return h("td", { class: n > 0 ? "hit" : "" }, n > 0 ? `${n} (${percent(n, c.pages)})` : "—");
            }),
          ),
        ),
      ),
    ),
  );
}

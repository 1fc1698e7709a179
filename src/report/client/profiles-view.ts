/**
 * "What each company could put together about one visitor": a persistent crawl's profiles, a row
 * per company: how many of the listed sites it could recognise the visitor on, under which
 * identifiers, which sensitive pages fall under that one profile, and the requests that show it.
 */
import { companyLabel } from "../query.ts";
import type { Overview, ProfileCompany, ProfilesSummary } from "../types.ts";
import { type Child, h } from "./dom.ts";
import { categoryLabel, companyHref, shortUrl, siteHref, siteLink } from "./format.ts";
import { dataTable } from "./table.ts";

const CARRIERS: Record<string, string> = {
  third_party_cookie: "its own cookie, sent from every site (third-party cookie)",
  first_party_cookie: "a cookie on each site, with the same value",
  storage: "stored in the site's storage",
  parameter: "an ID in its requests",
  synced: "handed over by another company (a sync)",
  fingerprint: "a fingerprint of the browser",
};

function identifiersCell(c: ProfileCompany): Child {
  return h(
    "ul",
    { class: "plain" },
    c.identifiers.map((i) =>
      h(
        "li",
        {},
        h("code", {}, i.name),
        `: ${CARRIERS[i.carrier] ?? i.carrier}, ${i.sites} sites`,
        i.control === "differs" ? " (a second visitor got another value: it identifies this one)" : "",
      ),
    ),
  );
}

function sensitiveCell(c: ProfileCompany): Child {
  if (c.sensitivePages.length === 0) return "none";
  return h(
    "ul",
    { class: "plain" },
    c.sensitivePages.map((p) =>
      h(
        "li",
        {},
        h("a", { href: siteHref(p.site) }, shortUrl(p.url, 60)),
        ` (${p.categories.map(categoryLabel).join(", ")})`,
      ),
    ),
  );
}

function evidenceCell(c: ProfileCompany): Child {
  return h(
    "ul",
    { class: "plain" },
    c.evidence.map((e) =>
      h("li", {}, h("a", { href: siteHref(e.site), class: "evidence" }, `requests on ${e.site}`)),
    ),
  );
}

function intro(p: ProfilesSummary): string {
  const cookies =
    p.thirdPartyCookies === "block"
      ? "third-party cookies blocked"
      : "third-party cookies allowed, as Chrome ships to most people";
  const control =
    p.controlSites > 0
      ? ` A second, fresh visitor saw the first ${p.controlSites} sites too: a value both were sent is the same for everyone, and is left out.`
      : " No second visitor checked the values: some may be the same for everyone.";
  return (
    `One visitor's browser went from site to site, keeping its cookies and storage (${cookies}). ` +
    "Each row is a company that received the same identifier from several of the listed sites: it could " +
    `recognise this visitor on all of them and put the pages together into one profile.${control} ` +
    "Links made on the company's own servers (by IP address, or by matching a fingerprint) cannot be seen from the browser and are not counted."
  );
}

export function profilesSection(o: Overview): HTMLElement | null {
  const p = o.profiles;
  if (!p) return null;
  return h(
    "section",
    { "aria-labelledby": "h-profiles", class: "profiles" },
    h("h2", { id: "h-profiles" }, "What each company could put together about one visitor"),
    h("p", {}, intro(p)),
    dataTable<ProfileCompany>({
      caption: "Companies that could recognise the visitor across sites, most sites first",
      rows: p.companies,
      empty: "No company received the same identifier from two sites.",
      columns: [
        {
          label: "Company",
          sortValue: (c) => c.entity,
          cell: (c) => h("a", { href: companyHref(c.entity) }, companyLabel(c.entity)),
        },
        {
          label: "Listed sites it could link",
          sortValue: (c) => c.sites.length,
          cell: (c) => [
            h("strong", {}, `${c.sites.length} of ${p.listed}: `),
            ...c.sites.flatMap((s, i) => (i === 0 ? [siteLink(s)] : [", ", siteLink(s)])),
          ],
        },
        { label: "Identifiers", cell: identifiersCell },
        {
          label: "Sensitive pages in the profile",
          sortValue: (c) => c.sensitivePages.length,
          cell: sensitiveCell,
        },
        { label: "Evidence", cell: evidenceCell },
      ],
    }),
  );
}

/** "What changed": another crawl compared with this one, or a comparison crawl's two runs. */
import type { CrawlDiff, SiteChange, TrackerRef } from "../diff.ts";
import { companyLabel } from "../query.ts";
import { h } from "./dom.ts";
import { categoryBadges, shortUrl, siteLink } from "./format.ts";
import { dataTable } from "./table.ts";

const name = (t: TrackerRef) =>
  t.tracker === t.entity ? companyLabel(t.entity) : `${companyLabel(t.entity)} ${t.tracker}`;

function siteSummary(s: SiteChange): string {
  return [
    ...s.added.map((t) => `+ ${name(t)}`),
    ...s.removed.map((t) => `− ${name(t)}`),
    ...s.newlyShared.map((t) => `${name(t)} now receives ${t.data.join(", ")}`),
    ...s.noLongerShared.map((t) => `${name(t)} no longer receives ${t.data.join(", ")}`),
  ].join("; ");
}

export function changesView(diff: CrawlDiff): HTMLElement {
  return h(
    "section",
    { "aria-labelledby": "h-changes" },
    h("h2", { id: "h-changes" }, "What changed"),
    h(
      "p",
      {},
      `From ${diff.before.label} to ${diff.after.label}: ${diff.compared} sites crawled successfully in both` +
        (diff.onlyBefore || diff.onlyAfter
          ? ` (${diff.onlyBefore} only in the first, ${diff.onlyAfter} only in the second).`
          : "."),
    ),
    dataTable({
      caption: "Companies whose reach or data changed",
      rows: diff.companies,
      empty: "No company changed.",
      columns: [
        { label: "Company", sortValue: (c) => c.entity, cell: (c) => companyLabel(c.entity) },
        { label: "Sites before", sortValue: (c) => c.sitesBefore, cell: (c) => c.sitesBefore },
        { label: "Sites after", sortValue: (c) => c.sitesAfter, cell: (c) => c.sitesAfter },
        { label: "Now on", cell: (c) => c.gained.join(", ") },
        { label: "Gone from", cell: (c) => c.lost.join(", ") },
        {
          label: "Data newly received",
          cell: (c) =>
            Object.entries(c.newlyShared)
              .map(([d, sites]) => `${d} (${sites.length} site${sites.length === 1 ? "" : "s"})`)
              .join(", "),
        },
        {
          label: "Data no longer received",
          cell: (c) =>
            Object.entries(c.noLongerShared)
              .map(([d, sites]) => `${d} (${sites.length} site${sites.length === 1 ? "" : "s"})`)
              .join(", "),
        },
      ],
    }),
    dataTable({
      caption: "Sites that changed",
      rows: diff.sites,
      empty: "No site changed.",
      columns: [
        { label: "Site", sortValue: (s) => s.site, cell: (s) => siteLink(s.site) },
        { label: "Changes", cell: (s) => siteSummary(s) },
      ],
    }),
    dataTable({
      caption: "Sensitive pages that gained or lost trackers",
      rows: diff.sensitivePages,
      empty: "No sensitive page changed.",
      columns: [
        { label: "Page", sortValue: (p) => p.url, cell: (p) => h("span", { title: p.url }, shortUrl(p.url)) },
        { label: "Categories", cell: (p) => categoryBadges(p.categories) },
        {
          label: "Changes",
          cell: (p) =>
            [...p.added.map((t) => `+ ${name(t)}`), ...p.removed.map((t) => `− ${name(t)}`)].join("; "),
        },
      ],
    }),
  );
}

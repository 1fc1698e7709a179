/**
 * Every site, searchable by name and filterable by company, category and list; sorted and paged by
 * the data source (in the page for the report, in the server for `earshot serve`).
 */
import { companyLabel, sitesHref } from "../query.ts";
import type { Overview, SiteQuery, SiteRow } from "../types.ts";
import { h, replaceChildren } from "./dom.ts";
import { CATEGORY_LABELS, categoryBadges, siteLink } from "./format.ts";
import type { DataSource } from "./source.ts";
import { pager } from "./table.ts";

const COLUMNS: Array<{ key: keyof SiteRow; label: string; cell: (row: SiteRow) => HTMLElement | string }> = [
  { key: "site", label: "Site", cell: (r) => siteLink(r.site) },
  { key: "list", label: "List", cell: (r) => r.list ?? "" },
  {
    key: "status",
    label: "Status",
    cell: (r) => (r.status === "failed" ? `failed (${r.error ?? "?"})` : r.status),
  },
  { key: "pages", label: "Pages", cell: (r) => String(r.pages) },
  {
    key: "companies",
    label: "Companies that received data",
    // A site that did not load sent nothing we saw: "not loaded", never an empty "none".
    cell: (r) => (r.status === "failed" ? "not loaded" : r.companies.map(companyLabel).join(", ")),
  },
  { key: "categories", label: "Sensitive pages", cell: (r) => categoryBadges(r.categories) },
  { key: "leaks", label: "Leaks", cell: (r) => String(r.leaks) },
  { key: "beforeConsent", label: "Before consent", cell: (r) => String(r.beforeConsent) },
];

function select(
  label: string,
  id: string,
  value: string | undefined,
  options: Array<[string, string]>,
): HTMLElement {
  const element = h(
    "select",
    { id, name: id },
    h("option", { value: "" }, "All"),
    options.map(([v, text]) => h("option", { value: v, selected: v === value }, text)),
  );
  return h("label", { for: id }, `${label} `, element);
}

function filterForm(overview: Overview, query: SiteQuery, search: HTMLElement): HTMLFormElement {
  return h(
    "form",
    { class: "filters", role: "search", "aria-label": "Filter sites" },
    h("label", { for: "q" }, "Site ", search),
    select(
      "Company",
      "company",
      query.company,
      overview.companies.map((c) => [c.entity, companyLabel(c.entity)]),
    ),
    select("Category", "category", query.category, Object.entries(CATEGORY_LABELS)),
    select(
      "List",
      "list",
      query.list,
      overview.byList.map((l) => [l.list, l.list]),
    ),
    h("button", { type: "submit" }, "Filter"),
  ) as HTMLFormElement;
}

/** The column headers, each a button that sorts by it (again: the other way). */
function sortHeaders(
  query: SiteQuery,
  sortBy: (key: SiteQuery["sort"], desc: boolean) => void,
): HTMLElement[] {
  return COLUMNS.map((c) => {
    const active = query.sort === c.key;
    const button = h(
      "button",
      { type: "button", class: "sort" },
      c.label,
      active ? (query.desc ? " ▼" : " ▲") : "",
    );
    button.addEventListener("click", () => sortBy(c.key, active ? !query.desc : false));
    return h(
      "th",
      { scope: "col", "aria-sort": active ? (query.desc ? "descending" : "ascending") : "none" },
      button,
    );
  });
}

function sitesTable(header: HTMLElement[], rows: SiteRow[]): HTMLElement {
  return h(
    "table",
    { id: "sites-table" },
    h("caption", {}, "Sites"),
    h("thead", {}, h("tr", {}, header)),
    h(
      "tbody",
      {},
      rows.length === 0
        ? h("tr", {}, h("td", { colspan: COLUMNS.length }, "No site matches."))
        : rows.map((row) =>
            h(
              "tr",
              {},
              COLUMNS.map((c) => h("td", {}, c.cell(row))),
            ),
          ),
    ),
  );
}

export function sitesView(source: DataSource, overview: Overview, initial: SiteQuery): HTMLElement {
  let query: SiteQuery = { ...initial };
  let updates = 0;
  const status = h("p", { id: "sites-status", role: "status", "aria-live": "polite" });
  const results = h("div", { class: "table-wrap" });
  const search = h("input", {
    id: "q",
    name: "q",
    type: "search",
    value: query.q ?? "",
    placeholder: "part of a site name",
    autocomplete: "off",
  });
  const form = filterForm(overview, query, search);

  const update = async () => {
    // A debounced search can fire after the reader has left this view: it must not rewrite the address.
    if (updates > 0 && !form.isConnected) return;
    updates++;
    history.replaceState(null, "", sitesHref(query));
    const page = await source.sites(query);
    status.textContent = `${page.total} site${page.total === 1 ? "" : "s"} match.`;
    const header = sortHeaders(query, (sort, desc) => {
      query = { ...query, sort, desc, page: 1 };
      void update();
    });
    replaceChildren(
      results,
      sitesTable(header, page.rows),
      pager(page.page, page.pages, (p) => {
        query = { ...query, page: p };
        void update();
      }),
    );
  };

  const fromForm = () => {
    if (!form.isConnected) return;
    const data = new FormData(form);
    const text = (name: string) => String(data.get(name) ?? "") || undefined;
    query = {
      ...query,
      q: text("q"),
      company: text("company"),
      category: text("category"),
      list: text("list"),
      page: 1,
    };
    void update();
  };
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    fromForm();
  });
  for (const element of form.querySelectorAll("select")) element.addEventListener("change", fromForm);
  let timer: ReturnType<typeof setTimeout> | undefined;
  search.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(fromForm, 250);
  });
  void update();
  return h("div", {}, h("h1", { tabindex: -1 }, "Sites"), form, status, results);
}

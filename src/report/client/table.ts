/**
 * Tables: sortable by any column (a button in each header, `aria-sort` kept current) and paged, so a
 * list of thousands of rows stays a page of fifty in the document.
 */
import { type Child, h, replaceChildren } from "./dom.ts";

export interface Column<T> {
  label: string;
  /** What the column sorts by. */
  sortValue?: (row: T) => string | number;
  cell: (row: T) => Child;
}

export interface TableOptions<T> {
  caption: string;
  columns: Column<T>[];
  rows: T[];
  pageSize?: number;
  /** Rows that exist but were not included (the report caps long lists). */
  totalRows?: number;
  empty?: string;
}

/** A self-contained sortable, paged table over rows already in memory. */
export function dataTable<T>(options: TableOptions<T>): HTMLElement {
  const pageSize = options.pageSize ?? 25;
  const container = h("div", { class: "table-wrap" });
  let page = 1;
  let sortColumn = -1;
  let descending = false;

  const render = () => {
    const rows = [...options.rows];
    const column = options.columns[sortColumn];
    if (column?.sortValue) {
      const value = column.sortValue;
      rows.sort((a, b) => {
        const x = value(a);
        const y = value(b);
        const order =
          typeof x === "number" && typeof y === "number" ? x - y : String(x).localeCompare(String(y));
        return descending ? -order : order;
      });
    }
    const pages = Math.max(1, Math.ceil(rows.length / pageSize));
    page = Math.min(page, pages);
    const shown = rows.slice((page - 1) * pageSize, page * pageSize);
    const header = options.columns.map((c, i) => {
      if (!c.sortValue) return h("th", { scope: "col" }, c.label);
      const sort = i === sortColumn ? (descending ? "descending" : "ascending") : "none";
      const button = h(
        "button",
        { type: "button", class: "sort" },
        c.label,
        i === sortColumn ? (descending ? " ▼" : " ▲") : "",
      );
      button.addEventListener("click", () => {
        descending = i === sortColumn ? !descending : false;
        sortColumn = i;
        render();
      });
      return h("th", { scope: "col", "aria-sort": sort }, button);
    });
    const body =
      shown.length === 0
        ? [h("tr", {}, h("td", { colspan: options.columns.length }, options.empty ?? "Nothing to show."))]
        : shown.map((row) =>
            h(
              "tr",
              {},
              options.columns.map((c) => h("td", {}, c.cell(row))),
            ),
          );
    const total = options.totalRows ?? rows.length;
    replaceChildren(
      container,
      h(
        "table",
        {},
        h("caption", {}, options.caption),
        h("thead", {}, h("tr", {}, header)),
        h("tbody", {}, body),
      ),
      pager(page, pages, (p) => {
        page = p;
        render();
      }),
      total > rows.length
        ? h(
            "p",
            { class: "note" },
            `Showing the first ${rows.length} of ${total}; every row is in the crawl database (earshot export, earshot serve).`,
          )
        : null,
    );
  };
  render();
  return container;
}

/** Previous / next buttons with "page X of Y"; nothing when there is one page. */
export function pager(page: number, pages: number, go: (page: number) => void): HTMLElement | null {
  if (pages <= 1) return null;
  const previous = h("button", { type: "button", disabled: page <= 1 }, "← Previous");
  const next = h("button", { type: "button", disabled: page >= pages }, "Next →");
  previous.addEventListener("click", () => go(page - 1));
  next.addEventListener("click", () => go(page + 1));
  return h(
    "nav",
    { class: "pager", "aria-label": "Pages of this table" },
    previous,
    ` Page ${page} of ${pages} `,
    next,
  );
}

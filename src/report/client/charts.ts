/**
 * Bar charts as SVG built from DOM nodes (no markup strings): readable offline, printable, and each
 * comes with its numbers as a table for screen readers and for copying.
 */
import { h, svg } from "./dom.ts";

export interface Bar {
  label: string;
  value: number;
  /** The whole the value is a share of (bar length is value / of). */
  of: number;
  /** Text after the bar, e.g. "42% (21 sites)". */
  note: string;
  /** In-page link for the label (a filtered table). */
  href?: string;
}

export interface BarGroup {
  label: string;
  bars: Bar[];
}

const WIDTH = 760;
const LABEL = 230;
const BAR_AREA = 360;
const ROW = 24;
const GROUP_HEADER = 26;

export function percent(value: number, of: number): string {
  if (of <= 0) return "0%";
  const p = (100 * value) / of;
  return `${p < 10 && p > 0 ? p.toFixed(1) : Math.round(p)}%`;
}

export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

let chartCount = 0;

/** A horizontal bar chart; groups (e.g. one per site list) are stacked with a heading each. */
export function barChart(title: string, groups: BarGroup[], columns: [string, string, string]): HTMLElement {
  chartCount++;
  const titleId = `chart-title-${chartCount}`;
  const grouped = groups.length > 1 || (groups[0] !== undefined && groups[0].label !== "");
  const rows = groups.reduce((n, g) => n + g.bars.length, 0);
  const height = rows * ROW + (grouped ? groups.length * GROUP_HEADER : 0) + 8;
  const chart = svg("svg", {
    viewBox: `0 0 ${WIDTH} ${height}`,
    width: "100%",
    role: "img",
    "aria-labelledby": titleId,
    class: "chart",
    preserveAspectRatio: "xMinYMin meet",
  });
  chart.appendChild(svg("title", { id: titleId }, title));
  let y = 4;
  for (const group of groups) {
    if (grouped) {
      chart.appendChild(svg("text", { x: 0, y: y + 18, class: "group-label" }, truncate(group.label, 60)));
      y += GROUP_HEADER;
    }
    for (const bar of group.bars) {
      const length = bar.of > 0 ? Math.max(bar.value > 0 ? 2 : 0, (BAR_AREA * bar.value) / bar.of) : 0;
      const label = svg("text", { x: LABEL - 8, y: y + 16, "text-anchor": "end", class: "bar-label" });
      label.appendChild(document.createTextNode(truncate(bar.label, 32)));
      if (bar.href) {
        const link = svg("a", { href: bar.href });
        link.appendChild(label);
        chart.appendChild(link);
      } else {
        chart.appendChild(label);
      }
      chart.appendChild(
        svg("rect", { x: LABEL, y: y + 4, width: BAR_AREA, height: ROW - 8, class: "bar-bg" }),
      );
      chart.appendChild(
        svg("rect", { x: LABEL, y: y + 4, width: length.toFixed(1), height: ROW - 8, class: "bar" }),
      );
      chart.appendChild(svg("text", { x: LABEL + BAR_AREA + 8, y: y + 16, class: "bar-note" }, bar.note));
      y += ROW;
    }
  }
  const table = h(
    "table",
    { class: "chart-data" },
    h("caption", {}, title),
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        columns.map((c) => h("th", { scope: "col" }, c)),
      ),
    ),
    h(
      "tbody",
      {},
      groups.flatMap((g) =>
        g.bars.map((b) =>
          h(
            "tr",
            {},
            h("td", {}, grouped ? `${g.label}: ${b.label}` : b.label),
            h("td", {}, b.value),
            h("td", {}, b.note),
          ),
        ),
      ),
    ),
  );
  return h(
    "figure",
    { class: "figure" },
    h("figcaption", {}, title),
    h("div", { class: "chart-scroll" }, chart),
    h("details", {}, h("summary", {}, "Numbers behind this chart"), table),
  );
}

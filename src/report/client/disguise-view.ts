/**
 * Trackers in disguise: identifiers one company hands to another (a table, and a graph of who
 * passes IDs to whom) and trackers at the site's own subdomains (CNAME cloaking), built from DOM
 * nodes like every other view.
 */
import type { CloakedRow, Overview, SyncEdge, SyncRow } from "../types.ts";
import { truncate } from "./charts.ts";
import { h, svg } from "./dom.ts";
import { shortUrl, siteLink } from "./format.ts";
import { dataTable } from "./table.ts";

const GRAPH_EDGES = 24;
const ROW = 26;
const WIDTH = 760;
const NODE = 210;

/** Sources on the left, receivers on the right, a line per pair (thicker on more sites). */
function syncGraph(edges: SyncEdge[]): SVGElement {
  const shown = edges.slice(0, GRAPH_EDGES);
  const sources = [...new Set(shown.map((e) => e.source))];
  const receivers = [...new Set(shown.map((e) => e.entity))];
  const height = Math.max(sources.length, receivers.length) * ROW + 12;
  const most = Math.max(1, ...shown.map((e) => e.sites));
  const y = (list: string[], name: string) => 6 + list.indexOf(name) * ROW + ROW / 2;
  const graph = svg("svg", {
    viewBox: `0 0 ${WIDTH} ${height}`,
    width: "100%",
    role: "img",
    "aria-label": "Who passes visitor identifiers to whom",
    class: "chart sync-graph",
  });
  for (const e of shown) {
    graph.appendChild(
      svg(
        "line",
        {
          x1: NODE,
          y1: y(sources, e.source),
          x2: WIDTH - NODE,
          y2: y(receivers, e.entity),
          class: "sync-edge",
          "stroke-width": (1 + (4 * e.sites) / most).toFixed(1),
        },
        svg("title", {}, `${e.source} → ${e.entity}: ${e.sites} site${e.sites === 1 ? "" : "s"}`),
      ),
    );
  }
  for (const name of sources)
    graph.appendChild(
      svg(
        "text",
        { x: NODE - 8, y: y(sources, name) + 5, "text-anchor": "end", class: "bar-label" },
        truncate(name, 28),
      ),
    );
  for (const name of receivers)
    graph.appendChild(
      svg("text", { x: WIDTH - NODE + 8, y: y(receivers, name) + 5, class: "bar-label" }, truncate(name, 28)),
    );
  return graph;
}

function syncTable(o: Overview): HTMLElement {
  const syncs = o.syncs ?? { rows: [], total: 0 };
  return dataTable<SyncRow>({
    caption: "Identifiers handed from one company to another",
    rows: syncs.rows,
    totalRows: syncs.total,
    empty: "No company's identifier for the visitor was seen reaching another company.",
    columns: [
      { label: "Site", sortValue: (r) => r.site, cell: (r) => siteLink(r.site) },
      {
        label: "Page",
        sortValue: (r) => r.url,
        cell: (r) => h("span", { title: r.url }, shortUrl(r.url, 50)),
      },
      { label: "Whose identifier", sortValue: (r) => r.source, cell: (r) => r.source },
      { label: "Held in", cell: (r) => h("code", {}, r.idName) },
      { label: "Received by", sortValue: (r) => r.entity, cell: (r) => `${r.entity} (${r.tracker})` },
      { label: "How", sortValue: (r) => r.means, cell: (r) => `${r.means}, ${r.encoding}` },
    ],
  });
}

function cloakedTable(o: Overview): HTMLElement {
  const cloaked = o.cloaked ?? { rows: [], total: 0 };
  return dataTable<CloakedRow>({
    caption: "The sites' own subdomains that are aliases of a tracker's servers",
    rows: cloaked.rows,
    totalRows: cloaked.total,
    empty: "No first-party host was found to be an alias (CNAME) of a tracker.",
    columns: [
      { label: "Site", sortValue: (r) => r.site, cell: (r) => siteLink(r.site) },
      { label: "Host", sortValue: (r) => r.host, cell: (r) => h("code", {}, r.host) },
      { label: "Company", sortValue: (r) => r.entity, cell: (r) => `${r.entity} (${r.tracker})` },
      { label: "CNAME chain", cell: (r) => h("code", {}, [r.host, ...r.chain].join(" → ")) },
    ],
  });
}

/** CNAME cloaking: trackers answering at the site's own subdomains, first-party to the browser. */
export function cloakingSection(o: Overview): HTMLElement {
  return h(
    "section",
    { "aria-labelledby": "h-cloaking" },
    h("h2", { id: "h-cloaking" }, "CNAME cloaking"),
    h(
      "p",
      {},
      "A subdomain of the site that is an alias (DNS CNAME) of a tracker's servers: the browser treats the " +
        "tracker as the site itself, sends it the site's own cookies, and third-party blocking does not apply.",
    ),
    cloakedTable(o),
  );
}

export function syncSection(o: Overview): HTMLElement {
  const edges = o.syncGraph ?? [];
  return h(
    "section",
    { "aria-labelledby": "h-syncs" },
    h("h2", { id: "h-syncs" }, "Identifier syncing"),
    h(
      "p",
      {},
      "A company's identifier for the visitor (a cookie its server set, or the ID its own tag sends) " +
        "seen in a request to another company: the second can join its profile of the visitor to the first's.",
    ),
    edges.length > 0 ? syncGraph(edges) : null,
    syncTable(o),
  );
}

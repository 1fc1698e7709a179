/**
 * The sheet a journalist opens first: one row per site and company, saying what the company
 * received there (data types, pages, sensitive pages, pixel IDs), from the findings of data received.
 */
import { parseJson, parseStringArray } from "../../util/json.ts";
import type { CrawlStore } from "../crawl-store.ts";

export interface MatrixRecord {
  site: string;
  entity: string;
  trackers: string[];
  /** Data types the company received on the site (page URL, title, events, identifiers, …). */
  dataShared: string[];
  /** Pages of the site where it received data, and how many of those are sensitive. */
  pages: number;
  sensitivePages: number;
  /** The sensitive pages' categories, and the site's own (a shelter, a clinic, a church). */
  sensitiveCategories: string[];
  siteSensitive: string[];
  pixelIds: string[];
  /** Pages where it received data before the visitor answered a consent banner. */
  beforeConsentPages: number;
  /** Pages where it received the synthetic visitor's personal data. */
  leakPages: number;
}

interface Row {
  site: string;
  entity: string;
  tracker: string;
  pageId: number;
  dataShared: string;
  pixelIds: string;
  phase: string;
  leaks: string;
  pageSensitive: string;
  siteSensitive: string;
}

class Cell {
  readonly trackers = new Set<string>();
  readonly data = new Set<string>();
  readonly pages = new Set<number>();
  readonly sensitive = new Set<number>();
  readonly categories = new Set<string>();
  readonly pixels = new Set<string>();
  readonly before = new Set<number>();
  readonly leaked = new Set<number>();

  constructor(
    readonly site: string,
    readonly entity: string,
    readonly siteSensitive: string[],
  ) {}

  add(r: Row): void {
    this.trackers.add(r.tracker);
    for (const d of parseStringArray(r.dataShared)) this.data.add(d);
    for (const p of parseStringArray(r.pixelIds).slice(0, 50)) this.pixels.add(p);
    this.pages.add(r.pageId);
    const categories = parseStringArray(r.pageSensitive);
    if (categories.length > 0) this.sensitive.add(r.pageId);
    for (const c of categories) this.categories.add(c);
    if (r.phase === "before_consent") this.before.add(r.pageId);
    const leaks = parseJson<unknown>(r.leaks, []);
    if (Array.isArray(leaks) && leaks.length > 0) this.leaked.add(r.pageId);
  }

  record(): MatrixRecord {
    const sorted = (s: Set<string>) => [...s].sort();
    return {
      site: this.site,
      entity: this.entity,
      trackers: sorted(this.trackers),
      dataShared: sorted(this.data),
      pages: this.pages.size,
      sensitivePages: this.sensitive.size,
      sensitiveCategories: sorted(this.categories),
      siteSensitive: this.siteSensitive,
      pixelIds: sorted(this.pixels).slice(0, 50),
      beforeConsentPages: this.before.size,
      leakPages: this.leaked.size,
    };
  }
}

/** The matrix's columns, as its records have them (the header of an empty export). */
export function matrixColumns(): string[] {
  return Object.keys(new Cell("", "", []).record());
}

/** One record per site and company, sites in list order, companies by name; streamed site by site. */
export async function* matrixRecords(store: CrawlStore): AsyncGenerator<MatrixRecord> {
  let cells = new Map<string, Cell>();
  let site: string | null = null;
  const flush = () =>
    [...cells.values()].sort((a, b) => a.entity.localeCompare(b.entity)).map((c) => c.record());
  for await (const r of store.sql.iterate<Row>(
    `SELECT s.site, f.entity, f.tracker, f.page_id AS "pageId", f.data_shared AS "dataShared", f.pixel_ids AS "pixelIds",
       f.phase, f.leaks, p.sensitive AS "pageSensitive", s.sensitive AS "siteSensitive"
     FROM findings f JOIN pages p ON p.id = f.page_id JOIN sites s ON s.id = f.site_id
     WHERE f.kind = 'data' ORDER BY s.position, f.id`,
  )) {
    if (r.site !== site) {
      yield* flush();
      cells = new Map();
      site = r.site;
    }
    let cell = cells.get(r.entity);
    if (!cell) {
      cell = new Cell(r.site, r.entity, parseStringArray(r.siteSensitive));
      cells.set(r.entity, cell);
    }
    cell.add(r);
  }
  yield* flush();
}

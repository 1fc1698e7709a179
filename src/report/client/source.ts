/**
 * Where the client's data comes from: embedded in the report file, or `earshot serve`'s JSON API.
 * Both answer the same questions with the same shapes, so the views do not know which they use.
 */
import { querySites, siteQueryParams } from "../query.ts";
import type { Overview, ReportData, SiteDetail, SitePage, SiteQuery, SiteRow } from "../types.ts";

/** A site's details, or just its row when the report left the details out. */
export type SiteAnswer = { detail: SiteDetail } | { row: SiteRow } | null;

export interface DataSource {
  /** `report`: a file opened offline; `serve`: the local web app. */
  readonly mode: "report" | "serve";
  overview(): Promise<Overview>;
  sites(query: SiteQuery): Promise<SitePage>;
  site(name: string): Promise<SiteAnswer>;
}

/** The data the report embeds in `<script type="application/json" id="earshot-data">`. */
export class EmbeddedSource implements DataSource {
  readonly mode = "report";
  private readonly byName: Map<string, SiteRow>;

  constructor(private readonly data: ReportData) {
    this.byName = new Map(data.sites.map((row) => [row.site, row]));
  }

  static fromDocument(): EmbeddedSource {
    const text = document.getElementById("earshot-data")?.textContent ?? "";
    return new EmbeddedSource(JSON.parse(text) as ReportData);
  }

  async overview(): Promise<Overview> {
    return this.data.overview;
  }

  async sites(query: SiteQuery): Promise<SitePage> {
    return querySites(this.data.sites, query);
  }

  async site(name: string): Promise<SiteAnswer> {
    const detail = Object.hasOwn(this.data.details, name) ? this.data.details[name] : undefined;
    if (detail) return { detail };
    const row = this.byName.get(name);
    return row ? { row } : null;
  }
}

/** `earshot serve`'s API on the same origin. */
export class ApiSource implements DataSource {
  readonly mode = "serve";

  private async get<T>(path: string): Promise<T> {
    const response = await fetch(path, { headers: { accept: "application/json" } });
    if (response.status === 404) return null as T;
    if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
    return (await response.json()) as T;
  }

  overview(): Promise<Overview> {
    return this.get<Overview>("/api/overview");
  }

  sites(query: SiteQuery): Promise<SitePage> {
    return this.get<SitePage>(`/api/sites?${siteQueryParams(query).toString()}`);
  }

  async site(name: string): Promise<SiteAnswer> {
    const detail = await this.get<SiteDetail | null>(`/api/site?name=${encodeURIComponent(name)}`);
    return detail ? { detail } : null;
  }
}

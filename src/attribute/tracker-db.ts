import { readFileSync } from "node:fs";
import { normaliseCompany } from "./entities.ts";
import { tldts } from "./party.ts";

/** Who is behind a domain, by a user-supplied tracker database. */
export interface TrackerDbEntry {
  entity: string;
  tracker: string;
  category: string;
}

/**
 * A tracker database imported from a file the user supplies: Disconnect `services.json`,
 * DuckDuckGo Tracker Radar (`entity_map.json` or `tds.json`), or a Ghostery TrackerDB JSON export.
 * These lists are non-commercial (CC BY-NC-SA), so Earshot never bundles them; when given, they take
 * precedence over the built-in third-party-web data.
 */
export class TrackerDb {
  private readonly byDomain = new Map<string, TrackerDbEntry>();

  constructor(
    readonly format: "disconnect" | "tracker-radar" | "ghostery",
    entries: Iterable<[string, TrackerDbEntry]>,
  ) {
    for (const [domain, entry] of entries) {
      const key = domain
        .toLowerCase()
        .replace(/^\*\./, "")
        .replace(/^www\./, "");
      if (key && !this.byDomain.has(key)) this.byDomain.set(key, entry);
    }
  }

  get size(): number {
    return this.byDomain.size;
  }

  /** The entry for a URL's host or its nearest listed parent domain. */
  lookup(url: string): TrackerDbEntry | null {
    let host = tldts().getHostname(url) ?? "";
    while (host) {
      const entry = this.byDomain.get(host);
      if (entry) return entry;
      const dot = host.indexOf(".");
      if (dot === -1) break;
      host = host.slice(dot + 1);
    }
    return null;
  }

  /** Reads a database file in any of the supported formats; throws a one-line message naming the problem. */
  static load(path: string): TrackerDb {
    let data: unknown;
    try {
      data = JSON.parse(readFileSync(path, "utf8"));
    } catch (error) {
      throw new Error(
        `--tracker-db ${path}: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`,
      );
    }
    const db = parseTrackerDb(data);
    if (!db) {
      throw new Error(
        `--tracker-db ${path}: not a Disconnect services.json, Tracker Radar entity map or tds.json, or Ghostery TrackerDB export`,
      );
    }
    if (db.size === 0) throw new Error(`--tracker-db ${path}: no domains found`);
    return db;
  }
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
const strings = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];

export function parseTrackerDb(data: unknown): TrackerDb | null {
  if (!isObject(data)) return null;
  // Disconnect: {categories: {Advertising: [{Company: {"https://company/": ["domain", ...]}}]}}
  if (isObject(data.categories)) {
    const entries: Array<[string, TrackerDbEntry]> = [];
    for (const [category, services] of Object.entries(data.categories)) {
      for (const service of Array.isArray(services) ? services : []) {
        if (!isObject(service)) continue;
        for (const [company, sites] of Object.entries(service)) {
          if (!isObject(sites)) continue;
          const entity = normaliseCompany(company);
          for (const domains of Object.values(sites)) {
            for (const domain of strings(domains))
              entries.push([domain, { entity, tracker: company, category: category.toLowerCase() }]);
          }
        }
      }
    }
    return new TrackerDb("disconnect", entries);
  }
  // Tracker Radar tds.json: {trackers: {domain: {owner: {name, displayName}, categories}}, entities: {...}}
  if (isObject(data.trackers) && isObject(data.entities)) {
    const entries: Array<[string, TrackerDbEntry]> = [];
    for (const [domain, tracker] of Object.entries(data.trackers)) {
      if (!isObject(tracker) || !isObject(tracker.owner)) continue;
      const name = String(tracker.owner.displayName ?? tracker.owner.name ?? domain);
      entries.push([
        domain,
        {
          entity: normaliseCompany(name),
          tracker: name,
          category: strings(tracker.categories)[0]?.toLowerCase() ?? "tracker",
        },
      ]);
    }
    for (const [name, entity] of Object.entries(data.entities)) {
      if (!isObject(entity)) continue;
      const display = String(entity.displayName ?? name);
      for (const domain of strings(entity.domains))
        entries.push([domain, { entity: normaliseCompany(display), tracker: display, category: "owned" }]);
    }
    return new TrackerDb("tracker-radar", entries);
  }
  // Ghostery TrackerDB export: {patterns: {key: {name, category, organization, domains}}, organizations: {key: {name}}}
  if (isObject(data.patterns)) {
    const organizations = isObject(data.organizations) ? data.organizations : {};
    const entries: Array<[string, TrackerDbEntry]> = [];
    for (const pattern of Object.values(data.patterns)) {
      if (!isObject(pattern)) continue;
      const org = organizations[String(pattern.organization ?? "")];
      const company =
        isObject(org) && typeof org.name === "string" ? org.name : String(pattern.name ?? "unknown");
      const tracker = String(pattern.name ?? company);
      for (const domain of strings(pattern.domains)) {
        entries.push([
          domain,
          {
            entity: normaliseCompany(company),
            tracker,
            category: String(pattern.category ?? "tracker").toLowerCase(),
          },
        ]);
      }
    }
    return new TrackerDb("ghostery", entries);
  }
  // Tracker Radar entity_map.json: {"Company LLC": {properties: [domains], displayName}}
  const values = Object.values(data);
  if (values.length > 0 && values.every((v) => isObject(v) && Array.isArray(v.properties))) {
    const entries: Array<[string, TrackerDbEntry]> = [];
    for (const [name, entity] of Object.entries(data)) {
      const display = String((entity as Json).displayName ?? name);
      for (const domain of strings((entity as Json).properties)) {
        entries.push([domain, { entity: normaliseCompany(display), tracker: display, category: "owned" }]);
      }
    }
    return new TrackerDb("tracker-radar", entries);
  }
  return null;
}

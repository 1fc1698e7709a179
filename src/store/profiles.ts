/**
 * The profiles table: what each company could link about a persistent crawl's visitor. Its rows
 * are derived (`src/analyze/profiles.ts`) from the findings, which this file reads for it, and are
 * replaced whole each time they are computed.
 */
import type { Identifier } from "../decode/types.ts";
import type { Profile, ProfileSighting } from "../derived/types.ts";
import { parseJson } from "../util/json.ts";
import type { CrawlStore } from "./crawl-store.ts";
import type { Sql, SqlTransaction } from "./sql.ts";

interface FindingRow {
  pageId: number;
  site: string;
  url: string;
  variant: string | null;
  sensitive: string;
  startedAt: number;
  entity: string;
  tracker: string;
  identifiers: string;
  pixelIds: string;
  evidence: string;
}

/** Every identifier every finding of the crawl carried, with its page and site. */
export async function readProfileSightings(store: CrawlStore): Promise<ProfileSighting[]> {
  const sql = store.sql;
  const rows = await sql.all<FindingRow>(
    `SELECT f.page_id AS "pageId", s.site, p.url, p.variant, p.sensitive, p.started_at AS "startedAt",
       f.entity, f.tracker, f.identifiers, f.pixel_ids AS "pixelIds", f.evidence
     FROM findings f JOIN pages p ON p.id = f.page_id JOIN sites s ON s.id = f.site_id
     WHERE f.identifiers <> '[]' ORDER BY p.started_at, f.id`,
  );
  const cookies = await cookieDomains(sql);
  const synced = await syncedValues(sql);
  const siteOrder = new Map<string, number>();
  for (const row of rows) if (!siteOrder.has(row.site)) siteOrder.set(row.site, siteOrder.size);
  return rows.flatMap((row) =>
    parseJson<Identifier[]>(row.identifiers, []).map((identifier) => ({
      site: row.site,
      siteOrder: siteOrder.get(row.site) ?? 0,
      pageUrl: row.url,
      control: row.variant === "control",
      sensitive: parseJson<string[]>(row.sensitive, []),
      at: Number(row.startedAt),
      entity: row.entity,
      tracker: row.tracker,
      identifier,
      pixelIds: parseJson<string[]>(row.pixelIds, []),
      cookieDomain: cookies.get(`${row.pageId}\n${identifier.name}\n${identifier.value}`) ?? null,
      synced: synced.has(`${row.pageId}\n${row.entity}\n${identifier.value}`),
      requestId: parseJson<number[]>(row.evidence, [])[0] ?? null,
    })),
  );
}

/** The domain of each page's cookie by name and value (the value's whole, as identifiers carry it). */
async function cookieDomains(sql: Sql | SqlTransaction): Promise<Map<string, string>> {
  const rows = await sql.all<{ pageId: number; name: string; value: string; domain: string }>(
    // Only the pages whose findings carried identifiers: the others' cookies are never looked up.
    `SELECT page_id AS "pageId", name, value, domain FROM cookies
     WHERE page_id IN (SELECT page_id FROM findings WHERE identifiers <> '[]')`,
  );
  return new Map(rows.map((r) => [`${r.pageId}\n${r.name}\n${r.value}`, r.domain]));
}

/** Values one company's identifier sync handed to another, by page and receiver. */
async function syncedValues(sql: Sql | SqlTransaction): Promise<Set<string>> {
  const rows = await sql.all<{ pageId: number; entity: string; value: string }>(
    `SELECT page_id AS "pageId", entity, value FROM id_syncs`,
  );
  return new Set(rows.map((r) => `${r.pageId}\n${r.entity}\n${r.value}`));
}

/** Replaces the crawl's profiles, in one transaction. */
export function replaceProfiles(store: CrawlStore, profiles: readonly Profile[]): Promise<void> {
  return store.sql.transaction((tx) => writeProfiles(tx, profiles));
}

async function writeProfiles(tx: SqlTransaction, profiles: readonly Profile[]): Promise<void> {
  await tx.run("DELETE FROM profiles");
  for (const p of profiles) {
    await tx.run(
      `INSERT INTO profiles (entity, tracker, name, carrier, value, sites, pages, sensitive, sensitive_pages,
         first_at, last_at, evidence, control) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        p.entity,
        p.tracker,
        p.name,
        p.carrier,
        p.value,
        JSON.stringify(p.sites),
        p.pages,
        JSON.stringify(p.sensitive),
        JSON.stringify(p.sensitivePages),
        p.firstAt,
        p.lastAt,
        JSON.stringify(p.evidence),
        p.control,
      ],
    );
  }
}

/** A profiles row as read, its lists as JSON text. */
interface ProfileRow {
  entity: string;
  tracker: string;
  name: string;
  carrier: Profile["carrier"];
  value: string;
  sites: string;
  pages: number;
  sensitive: string;
  sensitivePages: string;
  firstAt: number;
  lastAt: number;
  evidence: string;
  control: string;
}

/** The crawl's profiles, most sites first. */
export async function readProfiles(store: CrawlStore): Promise<Profile[]> {
  const rows = await store.sql.all<ProfileRow>(
    `SELECT entity, tracker, name, carrier, value, sites, pages, sensitive, sensitive_pages AS "sensitivePages",
       first_at AS "firstAt", last_at AS "lastAt", evidence, control FROM profiles ORDER BY id`,
  );
  return rows.map((r) => ({
    ...r,
    pages: Number(r.pages),
    sites: parseJson<string[]>(r.sites, []),
    sensitive: parseJson<string[]>(r.sensitive, []),
    sensitivePages: parseJson<Profile["sensitivePages"]>(r.sensitivePages, []),
    firstAt: Number(r.firstAt),
    lastAt: Number(r.lastAt),
    evidence: parseJson<Profile["evidence"]>(r.evidence, []),
    control: r.control === "differs" ? "differs" : "unchecked",
  }));
}

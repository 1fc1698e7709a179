import { attributeStored } from "../../attribute/attribution.ts";
import { partyOf } from "../../attribute/party.ts";
import type { TrackerDb } from "../../attribute/tracker-db.ts";
import type { CnameChains, ConsentRecord } from "../../capture/types.ts";
import { phaseOf } from "../../classify/consent-state.ts";
import type { Identifier } from "../../decode/types.ts";
import { sha256Hex } from "../../util/bound.ts";
import { parseJson } from "../../util/json.ts";
import type { CrawlStore } from "../crawl-store.ts";
import { postDataSql } from "../schema.ts";
import { matrixColumns, matrixRecords } from "./matrix.ts";

export const EXPORT_TABLES = [
  "sites",
  "pages",
  "requests",
  "cookies",
  "findings",
  "storage",
  "events",
  "websockets",
  "collected",
  "matrix",
  "syncs",
  "profiles",
] as const;
export type ExportTable = (typeof EXPORT_TABLES)[number];

/** A flat export record: the contract's fields first, more after them. */
export type ExportRecord = Record<string, unknown>;

/** The records of one table exactly as `../shared/contract.md` names them, streamed row by row. */
export interface ExportOptions {
  /** Include identifier values in findings (they are personal data of the synthetic visitor, and IDs). */
  keepValues?: boolean;
  /** A user-supplied tracker database for request attribution. */
  trackerDb?: TrackerDb | null;
}

type Row = Record<string, string | number | null>;

/** How one table is exported: its query, and the record made of each row. */
interface TableExport {
  query: () => string;
  record: (r: Row, options: ExportOptions) => ExportRecord;
}

const TABLE_EXPORTS: Record<Exclude<ExportTable, "matrix">, TableExport> = {
  sites: {
    query: () =>
      `SELECT site, input_url, final_url, status, error, error_detail, pages, rank, attempts, started_at, finished_at,
         sensitive, sensitive_evidence FROM sites ORDER BY position`,
    record: (r) => {
      return {
        site: r.site,
        inputUrl: r.input_url,
        finalUrl: r.final_url,
        status: r.status === "ok" || r.status === "failed" ? r.status : "pending",
        error: r.error,
        pages: r.pages,
        errorDetail: r.error_detail,
        rank: r.rank,
        attempts: r.attempts,
        startedAt: r.started_at,
        finishedAt: r.finished_at,
        // What the site is (a shelter, a clinic, a church…), from its home page.
        sensitive: parseJson(r.sensitive as string, []),
        sensitiveEvidence: r.sensitive_evidence,
      };
    },
  },
  pages: {
    query: () =>
      `SELECT s.site, p.url, p.title, p.depth, p.status, p.http_status, p.requested_url, p.error, p.sensitive,
         p.sensitive_evidence, p.consent, p.variant, p.consent_state, p.lang,
         s.sensitive AS site_sensitive, s.sensitive_evidence AS site_sensitive_evidence
       FROM pages p JOIN sites s ON s.id = p.site_id ORDER BY s.position, p.id`,
    record: (r) => {
      return {
        site: r.site,
        url: r.url,
        title: r.title,
        depth: r.depth,
        status: r.status,
        sensitive: parseJson(r.sensitive as string, []),
        sensitiveEvidence: r.sensitive_evidence,
        httpStatus: r.http_status,
        requestedUrl: r.requested_url,
        error: r.error,
        consent: parseJson<ConsentRecord | null>(r.consent as string | null, null),
        variant: r.variant,
        // What the site's own consent records say (TCF, US Privacy, OneTrust, Cookiebot, …).
        consentState: parseJson<unknown>(r.consent_state as string | null, null),
        // The page's detected language, and what its site is (every page of a shelter tells of it).
        lang: r.lang,
        siteSensitive: parseJson(r.site_sensitive as string, []),
        siteSensitiveEvidence: r.site_sensitive_evidence,
      };
    },
  },
  requests: {
    query: () =>
      `SELECT s.site, p.url AS page_url, r.url, r.method, r.resource_type, r.status, r.target_kind, r.initiator_url,
         r.error, r.hop, r.sent_at, r.post_data_length, ${postDataSql("r")} AS post_data, r.request_headers, p.consent, p.variant,
         p.cnames
       FROM requests r JOIN pages p ON p.id = r.page_id JOIN sites s ON s.id = r.site_id ORDER BY s.position, r.id`,
    record: (r, options) => {
      const url = String(r.url);
      const request = {
        url,
        method: String(r.method),
        postData: r.post_data as string | null,
        requestHeaders: parseJson<Record<string, string>>(r.request_headers as string | null, {}),
      };
      const cnames = r.cnames ? parseJson<CnameChains>(String(r.cnames), {}) : null;
      const who = attributeStored(request, String(r.page_url), options.trackerDb, cnames);
      const party = who.party;
      return {
        site: r.site,
        pageUrl: r.page_url,
        url,
        method: r.method,
        resourceType: r.resource_type,
        status: r.status,
        party,
        entity: who?.entity ?? null,
        tracker: who?.tracker ?? null,
        phase: phaseOf(parseJson<ConsentRecord | null>(r.consent as string | null, null), Number(r.sent_at)),
        targetKind: r.target_kind,
        initiatorUrl: r.initiator_url,
        error: r.error,
        redirectHop: r.hop,
        sentAt: r.sent_at,
        postDataLength: r.post_data_length,
        variant: r.variant,
        cname: who.cname ?? null,
      };
    },
  },
  cookies: {
    query: () =>
      `SELECT s.site, p.url AS page_url, c.name, c.domain, c.path, c.value, c.value_length, c.expires, c.http_only,
         c.secure, c.same_site, c.set_by
       FROM cookies c JOIN pages p ON p.id = c.page_id JOIN sites s ON s.id = c.site_id ORDER BY s.position, c.id`,
    record: (r) => {
      const domain = String(r.domain).replace(/^\./, "");
      return {
        site: r.site,
        pageUrl: r.page_url,
        name: r.name,
        domain: r.domain,
        path: r.path,
        value: r.value,
        valueLength: r.value_length,
        expires: r.expires,
        httpOnly: r.http_only === 1,
        secure: r.secure === 1,
        sameSite: r.same_site,
        setBy: r.set_by,
        party: partyOf(`https://${domain}/`, String(r.page_url)),
      };
    },
  },
  findings: {
    query: () =>
      `SELECT s.site, p.url AS page_url, p.sensitive AS page_sensitive, p.variant, s.sensitive AS site_sensitive, f.* FROM findings f JOIN pages p ON p.id = f.page_id
       JOIN sites s ON s.id = f.site_id ORDER BY s.position, f.id`,
    record: (r, options) => {
      return {
        site: r.site,
        pageUrl: r.page_url,
        entity: r.entity,
        tracker: r.tracker,
        requests: r.requests,
        pixelIds: parseJson(r.pixel_ids as string, []),
        events: parseJson(r.events as string, []),
        dataShared: parseJson(r.data_shared as string, []),
        identifiers: parseJson<Identifier[]>(r.identifiers as string, []).map((i) =>
          options.keepValues
            ? { name: i.name, source: i.source, value: i.value }
            : { name: i.name, source: i.source },
        ),
        leaks: parseJson(r.leaks as string, []),
        phase: r.phase,
        sensitive: parseJson(r.page_sensitive as string, []),
        variant: r.variant,
        // Added after the contract's fields, so that CSV columns keep their places.
        kind: r.kind,
        siteSensitive: parseJson(r.site_sensitive as string, []),
        cloaked: parseJson(r.cloaked as string, []),
      };
    },
  },
  syncs: {
    query: () =>
      `SELECT s.site, p.url AS page_url, p.sensitive AS page_sensitive, p.variant, y.*, r.url AS request_url
       FROM id_syncs y JOIN pages p ON p.id = y.page_id JOIN sites s ON s.id = y.site_id
       LEFT JOIN requests r ON r.id = y.request_id ORDER BY s.position, y.id`,
    record: (r, options) => {
      return {
        site: r.site,
        pageUrl: r.page_url,
        sourceEntity: r.source_entity,
        sourceTracker: r.source_tracker,
        idName: r.id_name,
        idSource: r.id_source,
        proof: r.proof,
        entity: r.entity,
        tracker: r.tracker,
        means: r.means,
        encoding: r.encoding,
        where: r.place,
        phase: r.phase,
        requests: r.requests,
        requestUrl: r.request_url,
        sensitive: parseJson(r.page_sensitive as string, []),
        variant: r.variant,
        ...(options.keepValues ? { value: r.value } : {}),
      };
    },
  },
  profiles: {
    query: () => "SELECT * FROM profiles ORDER BY id",
    record: (r, options) => {
      const value = r.value === null || r.value === undefined ? null : String(r.value);
      return {
        entity: r.entity,
        name: r.name,
        carrier: r.carrier,
        // A hash lets two records be compared without exposing the identifier.
        value: options.keepValues || value === null ? value : sha256Hex(value),
        sites: parseJson(r.sites as string, []),
        pages: r.pages,
        sensitive: parseJson(r.sensitive as string, []),
        tracker: r.tracker,
        sensitivePages: parseJson(r.sensitive_pages as string, []),
        firstAt: r.first_at,
        lastAt: r.last_at,
        control: r.control,
        evidence: parseJson(r.evidence as string, []),
      };
    },
  },
  storage: {
    query: () =>
      `SELECT s.site, p.url AS page_url, i.origin, i.kind, i.key, i.value, i.value_length
       FROM storage_items i JOIN pages p ON p.id = i.page_id JOIN sites s ON s.id = i.site_id ORDER BY s.position, i.id`,
    record: (r) => {
      return {
        site: r.site,
        pageUrl: r.page_url,
        origin: r.origin,
        kind: r.kind,
        key: r.key,
        value: r.value,
        valueLength: r.value_length,
      };
    },
  },
  events: {
    query: () =>
      `SELECT s.site, p.url AS page_url, e.kind, e.detail, e.at
       FROM page_events e JOIN pages p ON p.id = e.page_id JOIN sites s ON s.id = e.site_id ORDER BY s.position, e.id`,
    record: (r) => {
      return { site: r.site, pageUrl: r.page_url, kind: r.kind, detail: r.detail, at: r.at };
    },
  },
  // What collectors without a table of their own gathered, one record per page and collector.
  collected: {
    query: () =>
      `SELECT s.site, p.url AS page_url, c.collector, c.data
       FROM collected c JOIN pages p ON p.id = c.page_id JOIN sites s ON s.id = c.site_id ORDER BY s.position, c.id`,
    record: (r) => ({
      site: r.site,
      pageUrl: r.page_url,
      collector: r.collector,
      data: parseJson<unknown>(r.data as string | null, null),
    }),
  },
  websockets: {
    query: () =>
      `SELECT s.site, p.url AS page_url, w.url, w.initiator_url, w.status, w.error, w.dropped_frames,
         f.direction, f.opcode, f.payload, f.payload_length, f.at
       FROM websockets w JOIN pages p ON p.id = w.page_id JOIN sites s ON s.id = w.site_id
       LEFT JOIN websocket_frames f ON f.websocket_id = w.id ORDER BY s.position, w.id, f.id`,
    record: (r) => {
      // One record per frame (a socket without frames: one record with null frame fields).
      return {
        site: r.site,
        pageUrl: r.page_url,
        url: r.url,
        initiatorUrl: r.initiator_url,
        status: r.status,
        error: r.error,
        droppedFrames: r.dropped_frames,
        direction: r.direction,
        opcode: r.opcode,
        payload: r.payload,
        payloadLength: r.payload_length,
        at: r.at,
      };
    },
  },
};

export async function* exportRecords(
  store: CrawlStore,
  table: ExportTable,
  options: ExportOptions = {},
): AsyncGenerator<ExportRecord> {
  // One row per site and company, grouped from the findings rather than one row per row.
  if (table === "matrix") {
    for await (const r of matrixRecords(store)) yield { ...r };
    return;
  }
  const { query, record } = TABLE_EXPORTS[table];
  for await (const row of store.sql.iterate<Row>(query())) yield record(row, options);
}

/** One CSV field per RFC 4180; arrays and objects as JSON. Formula-leading text is neutralised for spreadsheets. */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return "";
  let text = typeof value === "object" ? JSON.stringify(value) : String(value);
  if (typeof value === "string" && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Writes a table as JSONL or CSV to a stream, with back-pressure. Returns the number of records. */
export async function writeExport(
  store: CrawlStore,
  table: ExportTable,
  format: "jsonl" | "csv",
  out: NodeJS.WritableStream,
  options: ExportOptions = {},
): Promise<number> {
  let count = 0;
  let header: string[] | null = null;
  const write = (text: string) =>
    out.write(text) ? Promise.resolve() : new Promise<void>((resolve) => out.once("drain", () => resolve()));
  for await (const record of exportRecords(store, table, options)) {
    if (format === "jsonl") {
      await write(`${JSON.stringify(record)}\n`);
    } else {
      if (!header) {
        header = Object.keys(record);
        await write(`${header.join(",")}\r\n`);
      }
      await write(`${header.map((key) => csvField(record[key] ?? null)).join(",")}\r\n`);
    }
    count++;
  }
  if (format === "csv" && !header) await write(`${emptyHeader(table, options).join(",")}\r\n`);
  return count;
}

/**
 * A table's columns when it has no row: the keys of the record its own function makes of an empty
 * row, so an empty export and a full one have the same columns, declared once (in `record`).
 */
export function emptyHeader(table: ExportTable, options: ExportOptions = {}): string[] {
  if (table === "matrix") return matrixColumns();
  const empty = new Proxy({} as Row, { get: () => null });
  return Object.keys(TABLE_EXPORTS[table].record(empty, options));
}

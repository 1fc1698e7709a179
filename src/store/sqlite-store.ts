import { mkdirSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import type {
  CapturedCookie,
  CapturedRequest,
  ConsentRecord,
  SiteResult,
  StorageItem,
  TargetKind,
} from "../capture/types.ts";
import type { Classification } from "../classify/sensitive.ts";
import type { SiteEntry } from "../crawl/site-list.ts";
import type { Finding, PageForAnalysis } from "../decode/findings.ts";

/** What analysis derived from one page: its findings and its sensitive categories. */
export interface PageAnalysis {
  findings: Finding[];
  sensitive: Classification;
}

import { MIGRATIONS } from "./schema.ts";

export const DB_FILE = "earshot.sqlite";

export type SiteStatus = "pending" | "running" | "ok" | "failed";

export interface SiteRow {
  id: number;
  site: string;
  inputUrl: string;
  rank: number | null;
  status: SiteStatus;
  attempts: number;
}

export interface CrawlCounts {
  total: number;
  ok: number;
  failed: number;
  pending: number;
  pages: number;
  requests: number;
}

/** One crawl's database: a SQLite file in the crawl directory. */
export class CrawlStore {
  readonly db: Database.Database;

  private constructor(readonly path: string) {
    this.db = new Database(path);
    this.db.pragma("journal_mode = WAL");
    // NORMAL is durable across process crashes in WAL mode; only an OS crash can lose the last commits.
    this.db.pragma("synchronous = NORMAL");
    this.db.pragma("foreign_keys = ON");
    this.db.pragma("busy_timeout = 10000");
    this.migrate();
  }

  /** Opens (creating if needed) the database of crawl directory `dir`. */
  static open(dir: string): CrawlStore {
    mkdirSync(dir, { recursive: true });
    return new CrawlStore(join(dir, DB_FILE));
  }

  /** Opens an existing crawl file read-write without creating the directory (for export, report). */
  static openFile(path: string): CrawlStore {
    return new CrawlStore(path);
  }

  get schemaVersion(): number {
    return this.db.pragma("user_version", { simple: true }) as number;
  }

  private migrate(): void {
    const version = this.schemaVersion;
    if (version > MIGRATIONS.length) {
      throw new Error(
        `${this.path} was written by a newer Earshot (schema ${version}, this one knows ${MIGRATIONS.length})`,
      );
    }
    for (let v = version; v < MIGRATIONS.length; v++) {
      this.db.transaction(() => {
        this.db.exec(MIGRATIONS[v]!);
        this.db.pragma(`user_version = ${v + 1}`);
      })();
    }
  }

  getMeta(key: string): string | null {
    const row = this.db.prepare("SELECT value FROM meta WHERE key = ?").get(key) as
      | { value: string }
      | undefined;
    return row?.value ?? null;
  }

  setMeta(key: string, value: string): void {
    this.db
      .prepare(
        "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
      )
      .run(key, value);
  }

  /**
   * Adds sites not yet in the crawl, in list order; returns how many were new. `list` names the list
   * they came from (a site already in the crawl keeps the list it was first added from).
   */
  addSites(entries: Array<SiteEntry & { list?: string | null }>): number {
    const start = (
      this.db.prepare("SELECT COALESCE(MAX(position), 0) AS p FROM sites").get() as { p: number }
    ).p;
    const insert = this.db.prepare(
      "INSERT INTO sites (site, input_url, rank, position, list) VALUES (?, ?, ?, ?, ?) ON CONFLICT(site) DO NOTHING",
    );
    let added = 0;
    this.db.transaction(() => {
      entries.forEach((entry, i) => {
        added += insert.run(
          entry.site,
          entry.inputUrl,
          entry.rank,
          start + i + 1,
          entry.list ?? null,
        ).changes;
      });
    })();
    return added;
  }

  /**
   * Sites still to crawl, in list order. A site left `running` by a crawl that died has nothing
   * recorded (results are written in one transaction), so it is simply crawled again.
   */
  sitesToCrawl(options: { retryFailed?: boolean } = {}): SiteRow[] {
    const statuses = options.retryFailed ? "('pending', 'running', 'failed')" : "('pending', 'running')";
    return this.db
      .prepare(
        `SELECT id, site, input_url AS inputUrl, rank, status, attempts FROM sites WHERE status IN ${statuses} ORDER BY position`,
      )
      .all() as SiteRow[];
  }

  markRunning(siteId: number): void {
    this.db
      .prepare("UPDATE sites SET status = 'running', attempts = attempts + 1, started_at = ? WHERE id = ?")
      .run(Date.now(), siteId);
  }

  /** Returns a site to the queue (the crawl was interrupted while it was in flight). */
  markPending(siteId: number): void {
    this.db.prepare("UPDATE sites SET status = 'pending' WHERE id = ? AND status = 'running'").run(siteId);
  }

  /**
   * Records everything about one site in one transaction: either all of it is in the database or,
   * after a crash, none of it is and the site is crawled again. Rewriting a site replaces it.
   */
  writeSite(siteId: number, result: SiteResult, analysis: PageAnalysis[] = []): void {
    const db = this.db;
    const tx = db.transaction(() => {
      for (const table of ["page_events", "storage_items", "cookies", "requests", "findings"]) {
        db.prepare(`DELETE FROM ${table} WHERE site_id = ?`).run(siteId);
      }
      db.prepare(
        "DELETE FROM websocket_frames WHERE websocket_id IN (SELECT id FROM websockets WHERE site_id = ?)",
      ).run(siteId);
      db.prepare("DELETE FROM websockets WHERE site_id = ?").run(siteId);
      db.prepare("DELETE FROM pages WHERE site_id = ?").run(siteId);

      const insertPage = db.prepare(
        `INSERT INTO pages (site_id, depth, requested_url, url, title, status, http_status, error, started_at, ended_at,
           headings, description, text_excerpt, sensitive, sensitive_evidence, consent)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      const insertRequest = db.prepare(
        `INSERT INTO requests (site_id, page_id, request_id, hop, target_kind, frame_id, document_url, url, method,
           resource_type, request_headers, post_data, post_data_length, post_data_sha256, initiator_type, initiator_url,
           initiator_stack, sent_at, status, response_headers, remote_ip, mime_type, protocol, from_cache, encoded_size,
           error, redirected_to)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      const insertCookie = db.prepare(
        `INSERT INTO cookies (site_id, page_id, name, domain, path, value, value_length, value_sha256, expires, http_only,
           secure, same_site, set_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      const insertStorage = db.prepare(
        "INSERT INTO storage_items (site_id, page_id, origin, kind, key, value, value_length) VALUES (?, ?, ?, ?, ?, ?, ?)",
      );
      const insertSocket = db.prepare(
        `INSERT INTO websockets (site_id, page_id, request_id, url, initiator_url, status, dropped_frames, error)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      const insertFrame = db.prepare(
        "INSERT INTO websocket_frames (websocket_id, direction, opcode, payload, payload_length, at) VALUES (?, ?, ?, ?, ?, ?)",
      );
      const insertEvent = db.prepare(
        "INSERT INTO page_events (site_id, page_id, kind, detail, at) VALUES (?, ?, ?, ?, ?)",
      );

      for (const [index, page] of result.pages.entries()) {
        const derived = analysis[index];
        const pageId = insertPage.run(
          siteId,
          page.depth,
          page.requestedUrl,
          page.finalUrl,
          page.title,
          page.status,
          page.httpStatus,
          page.error,
          page.startedAt,
          page.endedAt,
          JSON.stringify(page.content.headings),
          page.content.description,
          page.content.text,
          JSON.stringify(derived?.sensitive.categories ?? []),
          derived?.sensitive.evidence ?? "",
          page.consent ? JSON.stringify(page.consent) : null,
        ).lastInsertRowid;
        const requestIds: number[] = [];
        for (const r of page.requests) {
          const requestRow = insertRequest.run(
            siteId,
            pageId,
            r.requestId,
            r.hop,
            r.targetKind,
            r.frameId,
            r.documentUrl,
            r.url,
            r.method,
            r.resourceType,
            JSON.stringify(r.requestHeaders),
            r.postData,
            r.postDataLength,
            r.postDataSha256,
            r.initiatorType,
            r.initiatorUrl,
            r.initiatorStack,
            r.sentAt,
            r.status,
            r.responseHeaders ? JSON.stringify(r.responseHeaders) : null,
            r.remoteIp,
            r.mimeType,
            r.protocol,
            r.fromCache ? 1 : 0,
            r.encodedSize,
            r.error,
            r.redirectedTo,
          );
          requestIds.push(Number(requestRow.lastInsertRowid));
        }
        for (const c of page.cookies) {
          insertCookie.run(
            siteId,
            pageId,
            c.name,
            c.domain,
            c.path,
            c.value,
            c.valueLength,
            c.valueSha256,
            c.expires,
            c.httpOnly ? 1 : 0,
            c.secure ? 1 : 0,
            c.sameSite,
            c.setBy,
          );
        }
        for (const s of page.storage)
          insertStorage.run(siteId, pageId, s.origin, s.kind, s.key, s.value, s.valueLength);
        for (const w of page.webSockets) {
          const socketId = insertSocket.run(
            siteId,
            pageId,
            w.requestId,
            w.url,
            w.initiatorUrl,
            w.status,
            w.droppedFrames,
            w.error,
          ).lastInsertRowid;
          for (const f of w.frames)
            insertFrame.run(socketId, f.direction, f.opcode, f.payload, f.payloadLength, f.at);
        }
        for (const e of page.events) insertEvent.run(siteId, pageId, e.kind, e.detail, e.at);
        this.insertFindings(siteId, Number(pageId), derived?.findings ?? [], requestIds);
      }
      db.prepare(
        `UPDATE sites SET status = ?, final_url = ?, error = ?, error_detail = ?, pages = ?, started_at = ?, finished_at = ?
         WHERE id = ?`,
      ).run(
        result.status,
        result.finalUrl,
        result.error,
        result.errorDetail,
        result.pages.length,
        result.startedAt,
        result.endedAt,
        siteId,
      );
    });
    tx();
  }

  /** `requestIds` are the row ids of the page's requests, in capture order (findings point into them). */
  private insertFindings(siteId: number, pageId: number, findings: Finding[], requestIds: number[]): void {
    const insert = this.db.prepare(
      `INSERT INTO findings (site_id, page_id, entity, tracker, requests, pixel_ids, events, data_shared, identifiers, leaks,
         phase, evidence)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    for (const f of findings) {
      insert.run(
        siteId,
        pageId,
        f.entity,
        f.tracker,
        f.requests,
        JSON.stringify(f.pixelIds),
        JSON.stringify(f.events),
        JSON.stringify(f.dataShared),
        JSON.stringify(f.identifiers),
        JSON.stringify(f.leaks),
        f.phase,
        JSON.stringify(f.evidence.map((i) => requestIds[i]).filter((id) => id !== undefined)),
      );
    }
  }

  /** Replaces the findings of every page (analysis run again over the stored capture). */
  reanalyse(analyse: (page: PageForAnalysis) => PageAnalysis): { pages: number; findings: number } {
    const pages = this.db.prepare("SELECT id, site_id AS siteId, url FROM pages ORDER BY id").all() as Array<{
      id: number;
      siteId: number;
      url: string;
    }>;
    let count = 0;
    const update = this.db.prepare("UPDATE pages SET sensitive = ?, sensitive_evidence = ? WHERE id = ?");
    const tx = this.db.transaction(() => {
      this.db.prepare("DELETE FROM findings").run();
      for (const page of pages) {
        const result = analyse(this.loadPage(page.id, page.url));
        update.run(JSON.stringify(result.sensitive.categories), result.sensitive.evidence, page.id);
        const requestIds = (
          this.db.prepare("SELECT id FROM requests WHERE page_id = ? ORDER BY id").all(page.id) as Array<{
            id: number;
          }>
        ).map((r) => r.id);
        this.insertFindings(page.siteId, page.id, result.findings, requestIds);
        count += result.findings.length;
      }
    });
    tx();
    return { pages: pages.length, findings: count };
  }

  /** One page's stored capture, in the shapes the crawler produced it. */
  loadPage(pageId: number, pageUrl: string): PageForAnalysis {
    const rows = this.db.prepare("SELECT * FROM requests WHERE page_id = ? ORDER BY id").all(pageId) as Array<
      Record<string, string | number | null>
    >;
    const requests: CapturedRequest[] = rows.map((r) => ({
      requestId: String(r.request_id),
      hop: Number(r.hop),
      targetKind: r.target_kind as TargetKind,
      frameId: r.frame_id as string | null,
      documentUrl: r.document_url as string | null,
      url: String(r.url),
      method: String(r.method),
      resourceType: String(r.resource_type),
      requestHeaders: parseObject(r.request_headers as string | null) ?? {},
      postData: r.post_data as string | null,
      postDataLength: r.post_data_length as number | null,
      postDataSha256: r.post_data_sha256 as string | null,
      initiatorType: r.initiator_type as string | null,
      initiatorUrl: r.initiator_url as string | null,
      initiatorStack: r.initiator_stack as string | null,
      sentAt: Number(r.sent_at),
      status: r.status as number | null,
      responseHeaders: parseObject(r.response_headers as string | null),
      remoteIp: r.remote_ip as string | null,
      mimeType: r.mime_type as string | null,
      protocol: r.protocol as string | null,
      fromCache: r.from_cache === 1,
      encodedSize: r.encoded_size as number | null,
      error: r.error as string | null,
      redirectedTo: r.redirected_to as string | null,
    }));
    const cookies = (
      this.db.prepare("SELECT * FROM cookies WHERE page_id = ? ORDER BY id").all(pageId) as Array<
        Record<string, string | number | null>
      >
    ).map(
      (c): CapturedCookie => ({
        name: String(c.name),
        domain: String(c.domain),
        path: String(c.path),
        value: String(c.value),
        valueLength: Number(c.value_length),
        valueSha256: c.value_sha256 as string | null,
        expires: c.expires as number | null,
        httpOnly: c.http_only === 1,
        secure: c.secure === 1,
        sameSite: c.same_site as string | null,
        setBy: c.set_by as string | null,
      }),
    );
    const storage = this.db
      .prepare(
        "SELECT origin, kind, key, value, value_length AS valueLength FROM storage_items WHERE page_id = ? ORDER BY id",
      )
      .all(pageId) as StorageItem[];
    const row = this.db
      .prepare("SELECT title, headings, description, text_excerpt, consent FROM pages WHERE id = ?")
      .get(pageId) as
      | {
          title: string | null;
          headings: string;
          description: string | null;
          text_excerpt: string;
          consent: string | null;
        }
      | undefined;
    let headings: string[] = [];
    try {
      headings = JSON.parse(row?.headings ?? "[]") as string[];
    } catch {
      // A damaged value reads as no headings.
    }
    const content = { headings, description: row?.description ?? null, text: row?.text_excerpt ?? "" };
    const submitted = this.db
      .prepare("SELECT MIN(at) AS at FROM page_events WHERE page_id = ? AND kind = 'form_submitted'")
      .get(pageId) as { at: number | null };
    return {
      pageUrl,
      formSubmittedAt: submitted.at,
      consent: row?.consent ? (JSON.parse(row.consent) as ConsentRecord) : null,
      title: row?.title ?? null,
      content,
      requests,
      cookies,
      storage,
    };
  }

  counts(): CrawlCounts {
    const sites = this.db
      .prepare(
        `SELECT COUNT(*) AS total, SUM(status = 'ok') AS ok, SUM(status = 'failed') AS failed,
           SUM(status IN ('pending', 'running')) AS pending FROM sites`,
      )
      .get() as { total: number; ok: number | null; failed: number | null; pending: number | null };
    const pages = (this.db.prepare("SELECT COUNT(*) AS n FROM pages").get() as { n: number }).n;
    const requests = (this.db.prepare("SELECT COUNT(*) AS n FROM requests").get() as { n: number }).n;
    return {
      total: sites.total,
      ok: sites.ok ?? 0,
      failed: sites.failed ?? 0,
      pending: sites.pending ?? 0,
      pages,
      requests,
    };
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

function parseObject(text: string | null): Record<string, string> | null {
  if (!text) return null;
  try {
    const value = JSON.parse(text) as unknown;
    return value && typeof value === "object" ? (value as Record<string, string>) : null;
  } catch {
    return null;
  }
}

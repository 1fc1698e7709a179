import { mkdirSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import type { PageForAnalysis, SiteEntry, SiteResult, SiteRow } from "../capture/types.ts";
import type { PageAnalysis } from "../derived/types.ts";
import { redactSecrets } from "../util/redact.ts";
import { isConnectionError } from "./fleet/outage.ts";
import { loadPageFrom } from "./read-page.ts";
import { MIGRATIONS, toPostgresDdl } from "./schema.ts";
import { isPostgresUrl, PostgresSql, type Sql, SqliteSql, type SqlTransaction } from "./sql.ts";
import { insertFindings, insertSyncs, writeSiteIn, writeSiteNature } from "./write-site.ts";

export const DB_FILE = "earshot.sqlite";

export type { SiteRow, SiteStatus } from "../capture/types.ts";

export interface CrawlCounts {
  total: number;
  ok: number;
  failed: number;
  /** Not finished: waiting, or in flight (`running`, counted in this too). */
  pending: number;
  running: number;
  pages: number;
  requests: number;
}

/** Where a PostgreSQL crawl lives: its row in `earshot_crawls` and its own schema of tables. */
export interface PostgresCrawl {
  url: string;
  id: number;
  schema: string;
}

export interface OpenPostgresOptions {
  /** An existing crawl; without it, the latest crawl (or, with `fingerprint`, the crawl of that fingerprint). */
  crawlId?: number | null;
  /** A crawl's identity (its list and options): reopened when it exists, created when `create` is set. */
  fingerprint?: string | null;
  create?: boolean;
  /** Connections in the pool. */
  connections?: number;
}

/** The table of crawls in a PostgreSQL database; each crawl's tables live in schema `earshot_crawl_<id>`. */
const CRAWLS_DDL = `
  CREATE TABLE IF NOT EXISTS earshot_crawls (
    id BIGSERIAL PRIMARY KEY,
    fingerprint TEXT,
    created_at BIGINT NOT NULL,
    schema_version INTEGER NOT NULL DEFAULT 0
  )`;

/**
 * One crawl's database: a SQLite file in the crawl directory, or a schema in a PostgreSQL database
 * shared by a fleet of workers. The same tables and queries on both (`schema.ts`, `sql.ts`).
 */
/**
 * The crawl's database refused a write (disk full, read-only, locked, I/O error). Nothing more can be
 * recorded, so the crawl stops; everything recorded before stays, and rerunning resumes.
 */
export class StoreWriteError extends Error {
  constructor(
    readonly where: string,
    override readonly cause: unknown,
  ) {
    super(`cannot write to ${where}: ${describeWriteError(cause)}`);
  }
}

function describeWriteError(error: unknown): string {
  const code = String((error as { code?: unknown }).code ?? "");
  const message = error instanceof Error ? (error.message.split("\n")[0] ?? "") : String(error);
  if (code === "SQLITE_FULL" || code === "53100" || /ENOSPC|disk is full|no space left/i.test(message))
    return `the disk is full (${code || message}); free some space`;
  if (code.startsWith("SQLITE_READONLY") || code === "25006" || /read-?only/i.test(message))
    return `the database is read-only (${code || message}); make it writable`;
  if (code.startsWith("SQLITE_BUSY") || code.startsWith("SQLITE_LOCKED"))
    return `the database is locked by another program (${code}); close it`;
  if (code.startsWith("SQLITE_IOERR") || /EIO\b/.test(message))
    return `input/output error (${code || message}); check the disk`;
  return `${message.slice(0, 200)}${code ? ` (${code})` : ""}`;
}

export class CrawlStore {
  private constructor(
    readonly sql: Sql,
    /** Where it is, for messages: a file path or `postgres://…#crawl=N`. */
    readonly path: string,
    readonly postgres: PostgresCrawl | null,
  ) {}

  /** Opens (creating if needed) the database of crawl directory `dir`. */
  static async open(dir: string): Promise<CrawlStore> {
    mkdirSync(dir, { recursive: true });
    return CrawlStore.openFile(join(dir, DB_FILE));
  }

  /** Opens a crawl's SQLite file. */
  static async openFile(path: string): Promise<CrawlStore> {
    const db = new Database(path);
    db.pragma("journal_mode = WAL");
    // NORMAL is durable across process crashes in WAL mode; only an OS crash can lose the last commits.
    db.pragma("synchronous = NORMAL");
    db.pragma("foreign_keys = ON");
    db.pragma("busy_timeout = 10000");
    const store = new CrawlStore(new SqliteSql(db), path, null);
    const version = db.pragma("user_version", { simple: true }) as number;
    await store.migrate(version, async (v) => void db.pragma(`user_version = ${v}`));
    return store;
  }

  /** Opens (or creates) a crawl in a PostgreSQL database. */
  static async openPostgres(url: string, options: OpenPostgresOptions = {}): Promise<CrawlStore> {
    const admin = new PostgresSql(url, null, 1);
    let crawl: { id: number; schema_version: number } | undefined;
    try {
      crawl = await admin.transaction(async (tx) => {
        // Serialise creation across machines starting at once.
        await tx.run("SELECT pg_advisory_xact_lock(8410001)");
        await tx.exec(CRAWLS_DDL);
        let row: { id: number; schema_version: number } | undefined;
        if (options.crawlId != null) {
          row = await tx.get("SELECT id, schema_version FROM earshot_crawls WHERE id = ?", [options.crawlId]);
          if (!row) throw new Error(`no crawl ${options.crawlId} in ${redact(url)}`);
        } else if (options.fingerprint) {
          row = await tx.get(
            "SELECT id, schema_version FROM earshot_crawls WHERE fingerprint = ? ORDER BY id DESC LIMIT 1",
            [options.fingerprint],
          );
        } else if (!options.create) {
          row = await tx.get("SELECT id, schema_version FROM earshot_crawls ORDER BY id DESC LIMIT 1");
          if (!row) throw new Error(`no crawl in ${redact(url)} yet (earshot crawl --db … creates one)`);
        }
        if (!row && options.create) {
          row = await tx.get(
            "INSERT INTO earshot_crawls (fingerprint, created_at) VALUES (?, ?) RETURNING id, schema_version",
            [options.fingerprint ?? null, Date.now()],
          );
          await tx.exec(`CREATE SCHEMA IF NOT EXISTS earshot_crawl_${Number(row?.id)}`);
        }
        if (!row) throw new Error(`no such crawl in ${redact(url)}`);
        return row;
      });
    } catch (error) {
      // A server that cannot be reached: say which one (without its password).
      if (isConnectionError(error))
        throw new Error(`cannot reach ${redact(url)}: ${error instanceof Error ? error.message : error}`);
      throw error;
    } finally {
      await admin.close();
    }
    const schema = `earshot_crawl_${crawl.id}`;
    const sql = new PostgresSql(url, schema, options.connections ?? 8);
    const store = new CrawlStore(sql, `${redact(url)}#crawl=${crawl.id}`, { url, id: crawl.id, schema });
    await sql.transaction(async (tx) => {
      await tx.run("SELECT pg_advisory_xact_lock(8410002, ?)", [crawl.id]);
      const row = await tx.get<{ schema_version: number }>(
        "SELECT schema_version FROM earshot_crawls WHERE id = ?",
        [crawl.id],
      );
      await store.migrate(
        row?.schema_version ?? 0,
        async (v) =>
          void (await tx.run("UPDATE earshot_crawls SET schema_version = ? WHERE id = ?", [v, crawl.id])),
        tx,
      );
    });
    return store;
  }

  /** Opens a crawl directory, SQLite file or `postgres://` URL (`crawlId`: which crawl there, else the latest). */
  static async openTarget(target: string, crawlId: number | null = null): Promise<CrawlStore> {
    if (isPostgresUrl(target)) return CrawlStore.openPostgres(target, { crawlId });
    return CrawlStore.openFile(target);
  }

  get dialect(): "sqlite" | "postgres" {
    return this.sql.dialect;
  }

  private async migrate(
    version: number,
    setVersion: (v: number) => Promise<void>,
    tx: SqlTransaction | null = null,
  ): Promise<void> {
    if (version > MIGRATIONS.length) {
      throw new Error(
        `${this.path} was written by a newer Earshot (schema ${version}, this one knows ${MIGRATIONS.length})`,
      );
    }
    for (let v = version; v < MIGRATIONS.length; v++) {
      const ddl = this.sql.dialect === "postgres" ? toPostgresDdl(MIGRATIONS[v]!) : MIGRATIONS[v]!;
      if (tx) {
        await tx.exec(ddl);
        await setVersion(v + 1);
      } else {
        await this.sql.transaction(async (t) => {
          await t.exec(ddl);
          await setVersion(v + 1);
        });
      }
    }
  }

  async getMeta(key: string): Promise<string | null> {
    const row = await this.sql.get<{ value: string }>("SELECT value FROM meta WHERE key = ?", [key]);
    return row?.value ?? null;
  }

  async setMeta(key: string, value: string): Promise<void> {
    await this.sql.run(
      "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
      [key, value],
    );
  }

  /**
   * Adds sites not yet in the crawl, in list order; returns how many were new. `list` names the list
   * they came from (a site already in the crawl keeps the list it was first added from).
   */
  async addSites(entries: Array<SiteEntry & { list?: string | null }>): Promise<number> {
    return this.sql.transaction(async (tx) => {
      const start =
        (await tx.get<{ p: number }>("SELECT COALESCE(MAX(position), 0) AS p FROM sites"))?.p ?? 0;
      let added = 0;
      // Many rows per statement: a million-site list goes in in seconds, not one round trip a site.
      const BATCH = 500;
      for (let i = 0; i < entries.length; i += BATCH) {
        const batch = entries.slice(i, i + BATCH);
        added += await tx.run(
          `INSERT INTO sites (site, input_url, rank, position, list) VALUES ${batch.map(() => "(?, ?, ?, ?, ?)").join(", ")}
           ON CONFLICT(site) DO NOTHING`,
          batch.flatMap((entry, k) => [
            entry.site,
            entry.inputUrl,
            entry.rank,
            start + i + k + 1,
            entry.list ?? null,
          ]),
        );
      }
      return added;
    });
  }

  /**
   * Sites still to crawl, in list order. A site left `running` by a crawl that died has nothing
   * recorded (results are written in one transaction), so it is simply crawled again.
   */
  async sitesToCrawl(options: { retryFailed?: boolean } = {}): Promise<SiteRow[]> {
    const statuses = options.retryFailed ? "('pending', 'running', 'failed')" : "('pending', 'running')";
    return this.sql.all<SiteRow>(
      `SELECT id, site, input_url AS "inputUrl", rank, status, attempts FROM sites WHERE status IN ${statuses} ORDER BY position`,
    );
  }

  /** The site known by this name (host as listed), if the crawl has it. */
  async siteByName(site: string): Promise<SiteRow | undefined> {
    return this.sql.get<SiteRow>(
      `SELECT id, site, input_url AS "inputUrl", rank, status, attempts FROM sites WHERE site = ?`,
      [site],
    );
  }

  async siteById(siteId: number): Promise<SiteRow | undefined> {
    return this.sql.get<SiteRow>(
      `SELECT id, site, input_url AS "inputUrl", rank, status, attempts FROM sites WHERE id = ?`,
      [siteId],
    );
  }

  async markRunning(siteId: number): Promise<void> {
    await this.writing(() =>
      this.sql.run(
        "UPDATE sites SET status = 'running', attempts = attempts + 1, started_at = ? WHERE id = ?",
        [Date.now(), siteId],
      ),
    );
  }

  /** Runs a write the crawl depends on; a refusal becomes a StoreWriteError naming the cause. */
  private async writing<T>(write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (error) {
      if (error instanceof StoreWriteError) throw error;
      throw new StoreWriteError(this.path, error);
    }
  }

  /**
   * For the hostile-web tests: after this many sites the connection turns read-only (SQLite's own
   * `query_only`), as a database does when its disk is remounted read-only under a running crawl.
   */
  private readOnlyAfter = Number(process.env.EARSHOT_TEST_READ_ONLY_AFTER ?? Number.NaN);

  /** Returns a site to the queue (the crawl was interrupted while it was in flight). */
  async markPending(siteId: number): Promise<void> {
    await this.sql.run("UPDATE sites SET status = 'pending' WHERE id = ? AND status = 'running'", [siteId]);
  }

  /**
   * Records everything about one site in one transaction: either all of it is in the database or,
   * after a crash, none of it is and the site is crawled again. Rewriting a site replaces it.
   * `alsoInTransaction` runs last in the same transaction (a job queue's completion of the site's job).
   */
  async writeSite(
    siteId: number,
    result: SiteResult,
    analysis: PageAnalysis[] = [],
    alsoInTransaction?: (tx: SqlTransaction) => Promise<void>,
  ): Promise<void> {
    if (this.readOnlyAfter-- === 0 && this.sql.dialect === "sqlite")
      await this.sql.exec("PRAGMA query_only = ON");
    await this.writing(() =>
      this.sql.transaction(async (tx) => {
        await writeSiteIn(tx, siteId, result, analysis);
        if (alsoInTransaction) await alsoInTransaction(tx);
      }),
    );
  }

  /**
   * Adds another visit of a site already in the crawl (an imported capture): its pages join the
   * site's, nothing earlier is replaced; in one transaction like `writeSite`.
   */
  async addVisit(siteId: number, result: SiteResult, analysis: PageAnalysis[]): Promise<void> {
    await this.writing(() =>
      this.sql.transaction((tx) => writeSiteIn(tx, siteId, result, analysis, "append")),
    );
  }

  /** Replaces the findings of every page (analysis run again over the stored capture). */
  async reanalyse(
    analyse: (page: PageForAnalysis) => PageAnalysis,
  ): Promise<{ pages: number; findings: number }> {
    const pages = await this.sql.all<{ id: number; siteId: number; url: string }>(
      `SELECT id, site_id AS "siteId", url FROM pages ORDER BY id`,
    );
    let count = 0;
    await this.sql.transaction(async (tx) => {
      await tx.run("DELETE FROM findings");
      await tx.run("DELETE FROM id_syncs");
      for (const page of pages) {
        const result = analyse(await loadPageFrom(tx, page.id, page.url));
        await tx.run(
          "UPDATE pages SET sensitive = ?, sensitive_evidence = ?, consent_state = ?, lang = ? WHERE id = ?",
          [
            JSON.stringify(result.sensitive.categories),
            result.sensitive.evidence,
            result.consentState ? JSON.stringify(result.consentState) : null,
            result.sensitive.lang ?? null,
            page.id,
          ],
        );
        if (result.site) await writeSiteNature(tx, page.siteId, result.site);
        const requestIds = (
          await tx.all<{ id: number }>("SELECT id FROM requests WHERE page_id = ? ORDER BY id", [page.id])
        ).map((r) => r.id);
        await insertFindings(tx, page.siteId, page.id, result.findings, requestIds);
        await insertSyncs(tx, page.siteId, page.id, result.syncs, requestIds);
        count += result.findings.length;
      }
    });
    return { pages: pages.length, findings: count };
  }

  /** One page's stored capture, in the shapes the crawler produced it. */
  loadPage(pageId: number, pageUrl: string): Promise<PageForAnalysis> {
    return loadPageFrom(this.sql, pageId, pageUrl);
  }

  /**
   * Reserves the next start time for a page under a rate limit shared by every worker of the crawl
   * (one page every `intervalMs`); returns when this page may start (ms since the epoch).
   */
  async reservePageSlot(intervalMs: number): Promise<number> {
    const now = Date.now();
    const row = await this.sql.get<{ next_at: number }>(
      "UPDATE pacing SET next_at = (CASE WHEN next_at > ? THEN next_at ELSE ? END) + ? WHERE id = 1 RETURNING next_at",
      [now, now, Math.round(intervalMs)],
    );
    return (row?.next_at ?? now) - Math.round(intervalMs);
  }

  async counts(): Promise<CrawlCounts> {
    const sites = await this.sql.get<{
      total: number;
      ok: number | null;
      failed: number | null;
      pending: number | null;
      running: number | null;
    }>(
      `SELECT COUNT(*) AS total, SUM(CASE WHEN status = 'ok' THEN 1 ELSE 0 END) AS ok,
         SUM(CASE WHEN status = 'failed' THEN 1 ELSE 0 END) AS failed,
         SUM(CASE WHEN status IN ('pending', 'running') THEN 1 ELSE 0 END) AS pending,
         SUM(CASE WHEN status = 'running' THEN 1 ELSE 0 END) AS running FROM sites`,
    );
    const pages = (await this.sql.get<{ n: number }>("SELECT COUNT(*) AS n FROM pages"))?.n ?? 0;
    const requests = (await this.sql.get<{ n: number }>("SELECT COUNT(*) AS n FROM requests"))?.n ?? 0;
    return {
      total: sites?.total ?? 0,
      ok: sites?.ok ?? 0,
      failed: sites?.failed ?? 0,
      pending: sites?.pending ?? 0,
      running: sites?.running ?? 0,
      pages,
      requests,
    };
  }

  /** Failed sites by their reason (`timeout`, `bot_wall`, …). */
  async failuresByReason(): Promise<Record<string, number>> {
    const rows = await this.sql.all<{ error: string | null; n: number }>(
      "SELECT error, COUNT(*) AS n FROM sites WHERE status = 'failed' GROUP BY error",
    );
    return Object.fromEntries(rows.map((r) => [r.error ?? "error", Number(r.n)]));
  }

  async close(): Promise<void> {
    await this.sql.close();
  }
}

/** A connection string without its password, for messages. */
export const redact = redactSecrets;

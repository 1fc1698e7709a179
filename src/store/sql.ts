/**
 * One small query layer over the two databases a crawl can live in: SQLite (one file per crawl, the
 * default) and PostgreSQL (a crawl spanning machines). Queries are written once, with `?`
 * placeholders and SQL both understand; each driver adapts them. Everything is async so the same
 * code serves both (better-sqlite3 answers at once; `pg` over the network).
 */

import type Database from "better-sqlite3";
import pg from "pg";
import Cursor from "pg-cursor";
import { isConnectionError } from "./fleet/outage.ts";

export type SqlValue = string | number | bigint | null | Buffer;
export type Row = Record<string, unknown>;

export interface Sql {
  readonly dialect: "sqlite" | "postgres";
  all<T = Row>(sql: string, params?: SqlValue[]): Promise<T[]>;
  get<T = Row>(sql: string, params?: SqlValue[]): Promise<T | undefined>;
  /** Runs a statement; returns how many rows it changed. */
  run(sql: string, params?: SqlValue[]): Promise<number>;
  /** Streams the rows of a large result without holding them all. */
  iterate<T = Row>(sql: string, params?: SqlValue[]): AsyncGenerator<T>;
  /** Runs a script of statements without parameters (schema changes). */
  exec(script: string): Promise<void>;
  /** Runs `fn` in one transaction: all of its statements commit together or none does. */
  transaction<T>(fn: (tx: SqlTransaction) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** The `executeSql` shape pg-boss takes as `db`: SQL with `$n` parameters on one connection. */
export interface SqlExecutor {
  executeSql(text: string, values: unknown[]): Promise<{ rows: unknown[] }>;
}

/** Inside a transaction. On PostgreSQL it can also run foreign SQL (the job queue's) in the same transaction. */
export interface SqlTransaction extends Omit<Sql, "transaction" | "close"> {
  /** The `executeSql` shape pg-boss takes as `db`, bound to this transaction (PostgreSQL only). */
  readonly executor: SqlExecutor | null;
}

// ---------------------------------------------------------------------------------------------
// SQLite

type Statement = Database.Statement<unknown[]>;

/** better-sqlite3 behind the async interface. Transactions are serialised: one connection, one at a time. */
export class SqliteSql implements Sql {
  readonly dialect = "sqlite";
  private readonly statements = new Map<string, Statement>();
  /** Resolves when the transaction in progress (if any) ends. */
  private txDone: Promise<void> | null = null;

  constructor(readonly db: Database.Database) {}

  private statement(sql: string): Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      if (this.statements.size > 500) this.statements.clear();
      this.statements.set(sql, statement);
    }
    return statement;
  }

  /** Statements from outside a transaction wait for it, so they are not swept into it. */
  private async idle(): Promise<void> {
    while (this.txDone) await this.txDone;
  }

  syncAll<T>(sql: string, params: SqlValue[] = []): T[] {
    return this.statement(sql).all(...params) as T[];
  }

  syncGet<T>(sql: string, params: SqlValue[] = []): T | undefined {
    return this.statement(sql).get(...params) as T | undefined;
  }

  syncRun(sql: string, params: SqlValue[] = []): number {
    const statement = this.statement(sql);
    return statement.reader ? statement.all(...params).length : statement.run(...params).changes;
  }

  async *syncIterate<T>(sql: string, params: SqlValue[] = []): AsyncGenerator<T> {
    // A statement being iterated cannot be reused meanwhile: prepare a fresh one.
    for (const row of this.db.prepare(sql).iterate(...params)) yield row as T;
  }

  async all<T = Row>(sql: string, params: SqlValue[] = []): Promise<T[]> {
    await this.idle();
    return this.syncAll<T>(sql, params);
  }

  async get<T = Row>(sql: string, params: SqlValue[] = []): Promise<T | undefined> {
    await this.idle();
    return this.syncGet<T>(sql, params);
  }

  async run(sql: string, params: SqlValue[] = []): Promise<number> {
    await this.idle();
    return this.syncRun(sql, params);
  }

  async *iterate<T = Row>(sql: string, params: SqlValue[] = []): AsyncGenerator<T> {
    await this.idle();
    yield* this.syncIterate<T>(sql, params);
  }

  async exec(script: string): Promise<void> {
    await this.idle();
    this.db.exec(script);
  }

  async transaction<T>(fn: (tx: SqlTransaction) => Promise<T>): Promise<T> {
    await this.idle();
    let finish = () => {};
    this.txDone = new Promise<void>((resolve) => {
      finish = resolve;
    });
    const tx: SqlTransaction = {
      dialect: "sqlite",
      executor: null,
      all: async (sql, params) => this.syncAll(sql, params),
      get: async (sql, params) => this.syncGet(sql, params),
      run: async (sql, params) => this.syncRun(sql, params),
      iterate: (sql, params) => this.syncIterate(sql, params),
      exec: async (script) => void this.db.exec(script),
    };
    try {
      // Inside the try: a database that refuses to begin (read-only, full, locked) must still
      // release the statements waiting for this transaction.
      this.db.exec("BEGIN IMMEDIATE");
      const result = await fn(tx);
      this.db.exec("COMMIT");
      return result;
    } catch (error) {
      try {
        if (this.db.inTransaction) this.db.exec("ROLLBACK");
      } catch {
        // SQLite rolls back by itself when it cannot; the first error is the one to report.
      }
      throw error;
    } finally {
      this.txDone = null;
      finish();
    }
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL

/** `?` placeholders to `$1, $2, …` (our SQL never has a `?` inside a string literal). */
export function toPositional(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

// 64-bit integers (COUNT, BIGINT columns holding milliseconds) as numbers: they stay below 2^53.
const NUMERIC_TYPES = new Set([20, 1700]);
const types = {
  getTypeParser: ((oid: number, format?: "text" | "binary") =>
    NUMERIC_TYPES.has(oid)
      ? (value: string) => Number(value)
      : pg.types.getTypeParser(oid, format ?? "text")) as typeof pg.types.getTypeParser,
};

type Queryable = pg.Pool | pg.PoolClient;

async function* cursorRows<T>(client: pg.PoolClient, text: string, params: SqlValue[]): AsyncGenerator<T> {
  const cursor = client.query(new Cursor(text, params));
  try {
    for (;;) {
      const rows = (await cursor.read(1000)) as T[];
      if (rows.length === 0) return;
      yield* rows;
    }
  } finally {
    await cursor.close();
  }
}

/** PostgreSQL text cannot hold NUL characters, which crawled data can: they become U+FFFD. */
function clean(params: SqlValue[]): SqlValue[] {
  return params.map((v) =>
    typeof v === "string" && v.includes("\u0000") ? v.replaceAll("\u0000", "\uFFFD") : v,
  );
}

function pgOps(target: Queryable, connect: () => Promise<pg.PoolClient>) {
  return {
    dialect: "postgres" as const,
    all: async <T = Row>(sql: string, params: SqlValue[] = []) =>
      (await target.query(toPositional(sql), clean(params))).rows as T[],
    get: async <T = Row>(sql: string, params: SqlValue[] = []) =>
      (await target.query(toPositional(sql), clean(params))).rows[0] as T | undefined,
    run: async (sql: string, params: SqlValue[] = []) =>
      (await target.query(toPositional(sql), clean(params))).rowCount ?? 0,
    iterate: async function* <T = Row>(sql: string, params: SqlValue[] = []): AsyncGenerator<T> {
      const client = await connect();
      try {
        yield* cursorRows<T>(client, toPositional(sql), clean(params));
      } finally {
        if (client !== target) client.release();
      }
    },
    exec: async (script: string) => void (await target.query(script)),
  };
}

/** A pool of connections whose tables are those of one PostgreSQL schema (one crawl). */
export class PostgresSql implements Sql {
  readonly dialect = "postgres";
  readonly pool: pg.Pool;
  private readonly ops: ReturnType<typeof pgOps>;

  constructor(connectionString: string, schema: string | null, max = 8) {
    this.pool = new pg.Pool({
      connectionString,
      max,
      types,
      ...(schema ? { options: `-c search_path=${schema},public` } : {}),
    });
    // An idle connection the server dropped must not crash the process.
    this.pool.on("error", () => {});
    this.ops = pgOps(this.pool, () => this.pool.connect());
  }

  all<T = Row>(sql: string, params?: SqlValue[]): Promise<T[]> {
    return this.ops.all<T>(sql, params);
  }
  get<T = Row>(sql: string, params?: SqlValue[]): Promise<T | undefined> {
    return this.ops.get<T>(sql, params);
  }
  run(sql: string, params?: SqlValue[]): Promise<number> {
    return this.ops.run(sql, params);
  }
  iterate<T = Row>(sql: string, params?: SqlValue[]): AsyncGenerator<T> {
    return this.ops.iterate<T>(sql, params);
  }
  exec(script: string): Promise<void> {
    return this.ops.exec(script);
  }

  async transaction<T>(fn: (tx: SqlTransaction) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    const ops = pgOps(client, async () => client);
    const tx: SqlTransaction = {
      ...ops,
      executor: {
        executeSql: async (text: string, values: unknown[]) => client.query(text, values as SqlValue[]),
      },
    };
    let broken: Error | undefined;
    try {
      await client.query("BEGIN");
      const result = await fn(tx);
      await client.query("COMMIT");
      return result;
    } catch (error) {
      await client.query("ROLLBACK").catch(() => {});
      if (isConnectionError(error)) broken = error instanceof Error ? error : new Error(String(error));
      throw error;
    } finally {
      // A connection that failed goes, not back to the pool (the server may have dropped it).
      client.release(broken);
    }
  }

  private closed = false;

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }
}

export function isPostgresUrl(target: string): boolean {
  return /^postgres(ql)?:\/\//i.test(target);
}

/**
 * A table of a crawl as a Parquet file, for DuckDB, pandas, Polars or Spark: the export's records
 * (the same fields as JSON lines) written to a temporary file and converted by DuckDB, with every
 * row read to infer the columns' types (nested lists and objects kept as such).
 */
import { createWriteStream, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { CrawlStore } from "../crawl-store.ts";
import { type ExportOptions, type ExportTable, emptyHeader, writeExport } from "./export.ts";

const literal = (text: string) => `'${text.replaceAll("'", "''")}'`;

/** Writes `table` to `target` as Parquet (zstd); returns the number of rows. */
export async function writeParquet(
  store: CrawlStore,
  table: ExportTable,
  target: string,
  options: ExportOptions = {},
): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), "earshot-parquet-"));
  try {
    const lines = join(dir, `${table}.jsonl`);
    const out = createWriteStream(lines);
    const count = await writeExport(store, table, "jsonl", out, options);
    await new Promise<void>((done, fail) =>
      out.end((error?: Error | null) => (error ? fail(error) : done())),
    );
    // An empty table has nothing to infer types from: its contract columns, as text.
    const source =
      count > 0
        ? `SELECT * FROM read_json_auto(${literal(lines)}, format = 'newline_delimited', sample_size = -1)`
        : `SELECT ${emptyHeader(table, options)
            .map((c) => `NULL::VARCHAR AS "${c}"`)
            .join(", ")} WHERE false`;
    const { DuckDBInstance } = await import("@duckdb/node-api");
    const db = await DuckDBInstance.create(":memory:");
    const connection = await db.connect();
    try {
      await connection.run(
        `COPY (${source}) TO ${literal(resolve(target))} (FORMAT parquet, COMPRESSION zstd)`,
      );
    } finally {
      connection.closeSync();
      db.closeSync();
    }
    return count;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeSyntheticCrawl } from "../../bench/synthetic-crawl.ts";
import { CrawlStore } from "../../src/store/crawl-store.ts";
import { EXPORT_TABLES, emptyHeader, exportRecords } from "../../src/store/reads/export.ts";
import { writeParquet } from "../../src/store/reads/parquet.ts";
import { tempDir } from "../helpers.ts";

async function readBack(file: string, sql: string): Promise<Record<string, unknown>[]> {
  const db = await DuckDBInstance.create(":memory:");
  const connection = await db.connect();
  try {
    return (await connection.runAndReadAll(sql.replace("FILE", `'${file}'`))).getRowObjectsJson() as Record<
      string,
      unknown
    >[];
  } finally {
    connection.closeSync();
    db.closeSync();
  }
}

describe("Parquet exports", () => {
  let store: CrawlStore;
  const out = tempDir();

  beforeAll(async () => {
    const dir = tempDir();
    await writeSyntheticCrawl(dir, 40, 9);
    store = await CrawlStore.open(dir);
  });

  afterAll(() => store.close());

  it("every table reads back in DuckDB with as many rows as its JSON lines export", async () => {
    for (const table of EXPORT_TABLES) {
      let lines = 0;
      for await (const _ of exportRecords(store, table)) lines++;
      const file = join(out, `${table}.parquet`);
      expect(await writeParquet(store, table, file)).toBe(lines);
      const [row] = await readBack(file, "SELECT COUNT(*) AS n FROM read_parquet(FILE)");
      expect(Number(row?.n), table).toBe(lines);
    }
  });

  it("gives an empty table the same columns as a full one, declared once by its record", async () => {
    const checked: string[] = [];
    for (const table of EXPORT_TABLES)
      for (const options of [{}, { keepValues: true }]) {
        const records = exportRecords(store, table, options);
        const first = (await records.next()).value as Record<string, unknown> | undefined;
        await records.return(undefined);
        if (!first) continue; // the synthetic crawl has no rows of this table
        expect(emptyHeader(table, options), table).toEqual(Object.keys(first));
        checked.push(table);
      }
    expect(checked).toEqual(
      expect.arrayContaining(["sites", "pages", "requests", "cookies", "findings", "matrix"]),
    );
  });

  it("keeps the records' fields and their nesting", async () => {
    const file = join(out, "findings-check.parquet");
    await writeParquet(store, "findings", file);
    const records = exportRecords(store, "findings");
    const first = (await records.next()).value as Record<string, unknown>;
    await records.return(undefined);
    const [row] = await readBack(file, "SELECT * FROM read_parquet(FILE) LIMIT 1");
    expect(Object.keys(row ?? {})).toEqual(Object.keys(first));
    expect(row?.site).toBe(first.site);
    expect(row?.dataShared).toEqual(first.dataShared);
    const [types] = await readBack(file, "SELECT typeof(dataShared) AS t FROM read_parquet(FILE) LIMIT 1");
    expect(types?.t).toBe("VARCHAR[]");
  });
});

import { createWriteStream, existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { CrawlStore, DB_FILE } from "../store/crawl-store.ts";
import { EXPORT_TABLES, type ExportTable, writeExport } from "../store/reads/export.ts";
import { writeHarFiles } from "../store/reads/har-export.ts";
import { writeParquet } from "../store/reads/parquet.ts";
import { isPostgresUrl } from "../store/sql.ts";
import { trackerDbFor } from "../store/tracker-db-choice.ts";
import { UsageError } from "./usage.ts";
import { TOOL_VERSION } from "./version.ts";

/**
 * Opens the crawl at DIR (a crawl directory or its database file) or at a `postgres://` URL (`--crawl
 * ID` there, else the latest crawl), without creating anything.
 */
export async function openCrawl(dir: string, crawl?: string): Promise<CrawlStore> {
  const crawlId = crawlIdOption(crawl);
  if (isPostgresUrl(dir)) {
    try {
      return await CrawlStore.openPostgres(dir, { crawlId });
    } catch (error) {
      throw new UsageError(error instanceof Error ? error.message.split("\n")[0] : String(error));
    }
  }
  if (crawl !== undefined)
    throw new UsageError("--crawl is for PostgreSQL crawls (a crawl directory holds one crawl)");
  const path = existsSync(dir) && statSync(dir).isDirectory() ? join(dir, DB_FILE) : dir;
  if (!existsSync(path)) throw new UsageError(`no crawl at ${dir} (expected ${path})`);
  return CrawlStore.openFile(path);
}

/** `--crawl ID`: a positive whole number, or absent. */
export function crawlIdOption(text: string | undefined): number | null {
  if (text === undefined) return null;
  const id = Number(text);
  if (!Number.isInteger(id) || id < 1)
    throw new UsageError(`--crawl must be a crawl id (a whole number), not "${text}"`);
  return id;
}

export async function exportCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      table: { type: "string" },
      format: { type: "string" },
      o: { type: "string", short: "o" },
      output: { type: "string" },
      "keep-values": { type: "boolean" },
      "tracker-db": { type: "string" },
      har: { type: "string" },
      crawl: { type: "string" },
    },
  });
  const dir = positionals[0];
  if (!dir || positionals.length > 1)
    throw new UsageError(
      "usage: earshot export DIR --table TABLE [--format jsonl|csv] [-o FILE] | --har OUTDIR",
    );
  if (values.har !== undefined) {
    if (values.table) throw new UsageError("--har writes HAR files; use it without --table");
    const store = await openCrawl(dir, values.crawl);
    try {
      const trackerDb = await trackerDbFor(store, values["tracker-db"]);
      const count = await writeHarFiles(store, values.har, TOOL_VERSION, trackerDb);
      process.stderr.write(
        `earshot: wrote ${count} HAR file${count === 1 ? "" : "s"} (one per page) to ${values.har}\n`,
      );
    } finally {
      await store.close();
    }
    return 0;
  }
  const table = values.table;
  if (!table || !(EXPORT_TABLES as readonly string[]).includes(table)) {
    throw new UsageError(
      `--table must be one of ${EXPORT_TABLES.join(", ")}${table ? `, not "${table}"` : ""}`,
    );
  }
  const format = values.format ?? "jsonl";
  if (format !== "jsonl" && format !== "csv" && format !== "parquet")
    throw new UsageError(`--format must be jsonl, csv or parquet, not "${format}"`);
  const target = values.o ?? values.output;
  if (format === "parquet" && (!target || target === "-"))
    throw new UsageError("--format parquet writes a file: give it with -o FILE.parquet");
  const store = await openCrawl(dir, values.crawl);
  try {
    const options = {
      keepValues: values["keep-values"] ?? false,
      trackerDb: await trackerDbFor(store, values["tracker-db"]),
    };
    if (format === "parquet") {
      const count = await writeParquet(store, table as ExportTable, target as string, options);
      process.stderr.write(`earshot: wrote ${count} ${table} records to ${target}\n`);
      return 0;
    }
    const out = target && target !== "-" ? createWriteStream(target) : process.stdout;
    const count = await writeExport(store, table as ExportTable, format, out, options);
    if (out !== process.stdout) {
      await new Promise<void>((resolve, reject) =>
        out.end((error?: Error | null) => (error ? reject(error) : resolve())),
      );
      process.stderr.write(`earshot: wrote ${count} ${table} records to ${target}\n`);
    }
  } finally {
    await store.close();
  }
  return 0;
}

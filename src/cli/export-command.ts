import { createWriteStream, existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { EXPORT_TABLES, type ExportTable, writeExport } from "../store/export.ts";
import { writeHarFiles } from "../store/har.ts";
import { CrawlStore, DB_FILE } from "../store/sqlite-store.ts";
import { TOOL_VERSION } from "./crawl-command.ts";
import { trackerDbFor } from "./tracker-db-option.ts";
import { UsageError } from "./usage.ts";

/** Opens the crawl at DIR (a crawl directory or its database file) without creating anything. */
export function openCrawl(dir: string): CrawlStore {
  if (dir.startsWith("postgres://") || dir.startsWith("postgresql://")) {
    throw new UsageError("PostgreSQL crawls are not available in this version");
  }
  const path = existsSync(dir) && statSync(dir).isDirectory() ? join(dir, DB_FILE) : dir;
  if (!existsSync(path)) throw new UsageError(`no crawl at ${dir} (expected ${path})`);
  return CrawlStore.openFile(path);
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
    },
  });
  const dir = positionals[0];
  if (!dir || positionals.length > 1)
    throw new UsageError(
      "usage: earshot export DIR --table TABLE [--format jsonl|csv] [-o FILE] | --har OUTDIR",
    );
  if (values.har !== undefined) {
    if (values.table) throw new UsageError("--har writes HAR files; use it without --table");
    const store = openCrawl(dir);
    try {
      const count = writeHarFiles(store, values.har, TOOL_VERSION);
      process.stderr.write(
        `earshot: wrote ${count} HAR file${count === 1 ? "" : "s"} (one per page) to ${values.har}\n`,
      );
    } finally {
      store.close();
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
  if (format !== "jsonl" && format !== "csv")
    throw new UsageError(`--format must be jsonl or csv, not "${format}"`);
  const store = openCrawl(dir);
  try {
    const target = values.o ?? values.output;
    const out = target && target !== "-" ? createWriteStream(target) : process.stdout;
    const count = await writeExport(store, table as ExportTable, format, out, {
      keepValues: values["keep-values"] ?? false,
      trackerDb: trackerDbFor(store, values["tracker-db"]),
    });
    if (out !== process.stdout) {
      await new Promise<void>((resolve, reject) =>
        out.end((error?: Error | null) => (error ? reject(error) : resolve())),
      );
      process.stderr.write(`earshot: wrote ${count} ${table} records to ${target}\n`);
    }
  } finally {
    store.close();
  }
  return 0;
}

import { parseArgs } from "node:util";
import { analysePage } from "../analyze/analyze-page.ts";
import type { Identity } from "../crawl/identity.ts";
import { openCrawl } from "./export-command.ts";
import { recordTrackerDb, trackerDbFor } from "./tracker-db-option.ts";
import { UsageError } from "./usage.ts";

/** `earshot analyze DIR`: recomputes every finding from the stored capture (after decoders improve). */
export function analyzeCommand(argv: string[]): number {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { "tracker-db": { type: "string" } },
  });
  if (positionals.length !== 1 || !positionals[0]) throw new UsageError("usage: earshot analyze DIR");
  const store = openCrawl(positionals[0]);
  try {
    const trackerDb = trackerDbFor(store, values["tracker-db"]);
    if (trackerDb && values["tracker-db"]) recordTrackerDb(store, values["tracker-db"], trackerDb);
    const identity = JSON.parse(store.getMeta("identity") ?? "null") as Identity | null;
    const { pages, findings } = store.reanalyse((page) => analysePage(page, { trackerDb, identity }));
    process.stderr.write(`earshot: ${findings} findings on ${pages} pages in ${store.path}\n`);
  } finally {
    store.close();
  }
  return 0;
}

import { parseArgs } from "node:util";
import { analysePage } from "../analyze/analyze-page.ts";
import { linkProfiles } from "../pipeline/link-profiles.ts";
import { readMeta } from "../store/meta.ts";
import { recordTrackerDb, trackerDbFor } from "../store/tracker-db-choice.ts";
import { openCrawl } from "./export-command.ts";
import { UsageError } from "./usage.ts";

/** `earshot analyze DIR`: recomputes every finding from the stored capture (after decoders improve). */
export async function analyzeCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { "tracker-db": { type: "string" }, crawl: { type: "string" } },
  });
  if (positionals.length !== 1 || !positionals[0]) throw new UsageError("usage: earshot analyze DIR");
  const store = await openCrawl(positionals[0], values.crawl);
  try {
    const trackerDb = await trackerDbFor(store, values["tracker-db"]);
    if (trackerDb && values["tracker-db"]) await recordTrackerDb(store, values["tracker-db"], trackerDb);
    const identity = await readMeta(store, "identity");
    const { pages, findings } = await store.reanalyse((page) => analysePage(page, { trackerDb, identity }));
    const linked = await linkProfiles(store);
    process.stderr.write(
      `earshot: ${findings} findings on ${pages} pages in ${store.path}` +
        (linked > 0 ? `; ${linked} identifiers link sites (profiles)` : "") +
        "\n",
    );
  } finally {
    await store.close();
  }
  return 0;
}

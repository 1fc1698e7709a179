import { parseArgs } from "node:util";
import { runWorker } from "../fleet/worker.ts";
import { isPostgresUrl } from "../store/sql.ts";
import { browserSandbox, cnameResolver } from "./crawl-command.ts";
import { crawlIdOption } from "./export-command.ts";
import { UsageError } from "./usage.ts";

/** `earshot worker --db postgres://… [--crawl ID] [--concurrency N]`: crawls queued sites until none is left. */
export async function workerCommand(argv: string[], signal: AbortSignal): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      db: { type: "string" },
      crawl: { type: "string" },
      concurrency: { type: "string" },
      quiet: { type: "boolean", short: "q" },
      "no-sandbox": { type: "boolean" },
      "dns-server": { type: "string" },
    },
  });
  if (positionals.length > 0)
    throw new UsageError(`worker takes no sites (they come from the queue): "${positionals[0]}"`);
  if (!values.db || !isPostgresUrl(values.db)) throw new UsageError("worker needs --db postgres://…");
  let concurrency: number | null = null;
  if (values.concurrency !== undefined) {
    concurrency = Number(values.concurrency);
    if (!Number.isInteger(concurrency) || concurrency < 1)
      throw new UsageError(`--concurrency must be a whole number of at least 1, not "${values.concurrency}"`);
  }
  const outcome = await runWorker(
    values.db,
    crawlIdOption(values.crawl),
    {
      concurrency,
      quiet: values.quiet ?? false,
      sandbox: browserSandbox(values["no-sandbox"] ?? false),
      cnames: cnameResolver(values["dns-server"]),
    },
    signal,
  ).catch((error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    throw /no crawl|no such crawl/.test(message) ? new UsageError(message) : error;
  });
  if (!values.quiet || outcome.interrupted) {
    process.stderr.write(
      `earshot: worker ${outcome.interrupted ? "stopped (its sites went back to the queue)" : "done: the queue is empty"}; ` +
        `${outcome.crawled} sites crawled here (${outcome.ok} ok, ${outcome.failed} failed)\n`,
    );
  }
  return outcome.interrupted ? 130 : 0;
}

import { parseArgs } from "node:util";
import { serveCrawl } from "../report/server.ts";
import { redactSecrets } from "../util/redact.ts";
import { openCrawl } from "./export-command.ts";
import { UsageError } from "./usage.ts";

/** Whether a listening address is reachable from this machine only. */
function isLoopback(host: string): boolean {
  return /^(?:127\.\d+\.\d+\.\d+|::1|\[::1\]|localhost)$/i.test(host);
}

/** `earshot serve DIR [--port N] [--host H]`: the local web UI, until Ctrl-C. */
export async function serveCommand(argv: string[], signal: AbortSignal): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { port: { type: "string" }, host: { type: "string" }, crawl: { type: "string" } },
  });
  const dir = positionals[0];
  if (!dir || positionals.length > 1)
    throw new UsageError("usage: earshot serve DIR [--port N] [--host 127.0.0.1]");
  const port = Number(values.port ?? "8421");
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new UsageError(`--port must be a whole number from 0 to 65535, not "${values.port}"`);
  const host = values.host ?? "127.0.0.1";
  const store = await openCrawl(dir, values.crawl);
  try {
    const crawlDir = dir.includes("://") ? null : dir;
    const running = await serveCrawl(store, { host, port, crawlDir }).catch(
      (error: NodeJS.ErrnoException) => {
        throw error.code === "EADDRINUSE"
          ? new UsageError(`port ${port} is in use; choose another with --port`)
          : error;
      },
    );
    process.stdout.write(`Earshot is serving ${redactSecrets(dir)} at ${running.url} (Ctrl-C to stop)\n`);
    if (!isLoopback(host))
      process.stderr.write(
        `earshot: warning: listening on ${host}, not only on this machine: anyone who can reach it at ${running.url} can read this crawl\n`,
      );
    await new Promise<void>((resolve) => {
      if (signal.aborted) resolve();
      signal.addEventListener("abort", () => resolve(), { once: true });
    });
    await running.close();
    return 0;
  } finally {
    await store.close();
  }
}

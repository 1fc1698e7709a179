import { analyzeCommand } from "./analyze-command.ts";
import { crawlCommand } from "./crawl-command.ts";
import { decodeCommand } from "./decode-command.ts";
import { demoCommand } from "./demo-command.ts";
import { diffCommand } from "./diff-command.ts";
import { exportCommand } from "./export-command.ts";
import { importCommand } from "./import-command.ts";
import { inspectCommand } from "./inspect-command.ts";
import { listsCommand } from "./lists-command.ts";
import { reportCommand } from "./report-command.ts";
import { serveCommand } from "./serve-command.ts";
import { statusCommand } from "./status-command.ts";
import { USAGE, UsageError } from "./usage.ts";
import { workerCommand } from "./worker-command.ts";

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const controller = new AbortController();
  let interrupts = 0;
  const onSignal = (name: string) => {
    interrupts++;
    if (interrupts > 1) process.exit(130);
    process.stderr.write(
      command === "serve"
        ? `\nearshot: ${name}: stopping\n`
        : `\nearshot: ${name}: stopping; finished sites are kept (again to quit at once)\n`,
    );
    controller.abort();
  };
  process.on("SIGINT", () => onSignal("SIGINT"));
  process.on("SIGTERM", () => onSignal("SIGTERM"));
  switch (command) {
    case "crawl":
      return (await crawlCommand(rest, controller.signal)).exitCode;
    case "export":
      return exportCommand(rest);
    case "decode":
      return decodeCommand(rest);
    case "import":
      return importCommand(rest);
    case "analyze":
      return analyzeCommand(rest);
    case "report":
      return reportCommand(rest);
    case "serve":
      return serveCommand(rest, controller.signal);
    case "inspect":
      return inspectCommand(rest, controller.signal);
    case "diff":
      return diffCommand(rest);
    case "lists":
      return listsCommand(rest);
    case "worker":
      return workerCommand(rest, controller.signal);
    case "status":
      return statusCommand(rest);
    case "demo":
      return demoCommand(rest, controller.signal);
    case undefined:
    case "help":
    case "--help":
    case "-h":
      process.stdout.write(`${USAGE}\n`);
      return command === undefined ? 2 : 0;
    default:
      throw new UsageError(`unknown command "${command}" (see earshot --help)`);
  }
}

// Output piped into `head` and closed early is not an error.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(0);
  throw error;
});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const usage =
      error instanceof UsageError || (error as { code?: string }).code?.startsWith("ERR_PARSE_ARGS");
    const message = error instanceof Error ? error.message.split("\n")[0] : String(error);
    process.stderr.write(`earshot: ${message}\n`);
    process.exitCode = usage ? 2 : 1;
  },
);

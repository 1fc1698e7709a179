import { redactSecrets } from "../util/redact.ts";
import { COMMANDS, type CommandSpec, commandHelp, nearestOption } from "./commands.ts";
import { USAGE, UsageError } from "./usage.ts";
import { TOOL_VERSION } from "./version.ts";

/** Earshot's version, the crawl database's schema version, and the Chromium a crawl would use. */
async function versionText(): Promise<string> {
  const { MIGRATIONS } = await import("../store/schema.ts");
  const { browserVersion, findChromium } = await import("../crawl/browser.ts");
  let chromium: string;
  try {
    const executable = findChromium();
    chromium = `${browserVersion(executable)} (${executable})`;
  } catch (error) {
    chromium = `none found (${error instanceof Error ? error.message.split("\n")[0] : String(error)})`;
  }
  return `earshot ${TOOL_VERSION}\nschema ${MIGRATIONS.length}\nchromium ${chromium}\n`;
}

/** Ctrl-C (or SIGTERM) stops the command cleanly once; twice quits at once. */
function stopOnSignal(command: string | undefined): AbortController {
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
  return controller;
}

/** Runs a command's module; an unknown option is named with the nearest known one. */
async function run(name: string, spec: CommandSpec, argv: string[]): Promise<number> {
  const controller = stopOnSignal(name);
  const command = await spec.load();
  try {
    return await command(argv, controller.signal);
  } catch (error) {
    const code = (error as { code?: string }).code;
    const unknown =
      error instanceof Error ? error.message.match(/^Unknown option '(-[^']*)'/)?.[1] : undefined;
    if (code !== "ERR_PARSE_ARGS_UNKNOWN_OPTION" || !unknown) throw error;
    const nearest = nearestOption(spec, unknown);
    throw new UsageError(
      `unknown option ${unknown} for ${name}${nearest ? ` (did you mean ${nearest}?)` : ""}; see earshot ${name} --help`,
    );
  }
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === "help" || command === "--help" || command === "-h") {
    const spec = command === "help" && rest[0] ? COMMANDS[rest[0]] : undefined;
    process.stdout.write(`${spec ? commandHelp(rest[0] as string, spec) : USAGE}\n`);
    return command === undefined ? 2 : 0;
  }
  if (command === "--version" || command === "-V") {
    process.stdout.write(await versionText());
    return 0;
  }
  const spec = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
  if (!spec) throw new UsageError(`unknown command "${command}" (see earshot --help)`);
  const end = rest.indexOf("--");
  const options = end < 0 ? rest : rest.slice(0, end);
  if (options.includes("--help") || options.includes("-h")) {
    process.stdout.write(`${commandHelp(command, spec)}\n`);
    return 0;
  }
  return run(command, spec, rest);
}

// Output piped into `head` and closed early is not an error.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(0);
  throw error;
});

// No line Earshot writes to standard error (progress, warnings, errors, a library's message) shows a
// database password.
const writeStderr = process.stderr.write.bind(process.stderr) as (
  chunk: unknown,
  ...rest: unknown[]
) => boolean;
process.stderr.write = ((chunk: unknown, ...rest: unknown[]) =>
  writeStderr(
    typeof chunk === "string" ? redactSecrets(chunk) : chunk,
    ...rest,
  )) as typeof process.stderr.write;

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

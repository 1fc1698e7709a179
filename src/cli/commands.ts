/**
 * Every command: what it does, its options with their defaults, two examples, and its module,
 * loaded only when the command runs (so `earshot COMMAND --help` answers at once).
 */
import { CRAWL_OPTIONS_HELP, FLEET_OPTIONS_HELP } from "./usage.ts";

export type CommandRun = (argv: string[], signal: AbortSignal) => Promise<number>;

export interface CommandSpec {
  usage: string;
  summary: string;
  /** One option a line: `  --name VALUE   what it does (default …)`. */
  options: string;
  examples: [string, string];
  load: () => Promise<CommandRun>;
}

export const COMMANDS: Record<string, CommandSpec> = {
  crawl: {
    usage: "earshot crawl SITES... [--list FILE] --out DIR [options]  |  --db postgres://... (a fleet)",
    summary:
      "Visits each site in headless Chromium (home page and sensitive-looking subpages) and records every request, cookie, storage item, WebSocket and fingerprinting call, then who received what. Rerunning the same command resumes.",
    options: `${CRAWL_OPTIONS_HELP}\n\n${FLEET_OPTIONS_HELP}`,
    examples: [
      "earshot crawl --list sites.txt --out crawl-2026-12 --consent reject --interact",
      "earshot crawl example.org example.com --out quick --pages-per-site 1",
    ],
    load: async () => {
      const { crawlCommand } = await import("./crawl-command.ts");
      return async (argv, signal) => (await crawlCommand(argv, signal)).exitCode;
    },
  },
  worker: {
    usage: "earshot worker --db postgres://... [--crawl ID] [--concurrency N] [--quiet]",
    summary: "Crawls the sites queued for a fleet crawl; run any number of workers, on any machine.",
    options: `  --db URL                 the crawl's PostgreSQL database (required)
  --crawl ID               which crawl (default: the latest)
  --concurrency N          sites in flight on this machine (default: the crawl's)
  --no-sandbox             run Chromium without its sandbox (warned; see earshot crawl --help)
  --quiet, -q              no progress output`,
    examples: [
      "earshot worker --db postgres://earshot@db.internal/census",
      "earshot worker --db postgres://earshot@db.internal/census --crawl 3 --concurrency 8",
    ],
    load: async () => (await import("./worker-command.ts")).workerCommand,
  },
  status: {
    usage: "earshot status DIR | --db postgres://... [--crawl ID] [--json]",
    summary:
      "A crawl's progress: sites done, failed, in flight and to go, the rate, an estimate of the time left.",
    options: `  --db URL                 a fleet crawl's PostgreSQL database
  --crawl ID               which crawl (default: the latest)
  --json                   print JSON`,
    examples: [
      "earshot status crawl-2026-12",
      "earshot status --db postgres://earshot@db.internal/census --json",
    ],
    load: async () => (await import("./status-command.ts")).statusCommand,
  },
  export: {
    usage:
      "earshot export DIR --table TABLE [--format jsonl|csv] [-o FILE] | earshot export DIR --har OUTDIR",
    summary:
      "Writes one table of a crawl as JSON lines or CSV (the records in the contract), or one HAR 1.2 file per page.",
    options: `  --table TABLE            sites, pages, requests, cookies, findings, storage, events, websockets, collected,
                           matrix (one row per site and company: what it received there)
  --format jsonl|csv|parquet   (default jsonl; parquet needs -o FILE)
  -o, --output FILE        write to FILE (default: standard output)
  --keep-values            include identifier values in findings (default: names only)
  --tracker-db FILE        attribute requests with this tracker database (default: the crawl's)
  --har OUTDIR             write OUTDIR/SITE/NN-PATH.har instead of a table
  --crawl ID               with a PostgreSQL URL as DIR: which crawl`,
    examples: [
      "earshot export crawl-2026-12 --table findings --format csv -o findings.csv",
      "earshot export crawl-2026-12 --table matrix --format parquet -o matrix.parquet",
    ],
    load: async () => (await import("./export-command.ts")).exportCommand,
  },
  report: {
    usage: "earshot report DIR [-o FILE.html] [--compare DIR_B] [--detail-budget-mb N]",
    summary:
      "Writes a self-contained HTML report (no network needed): who hears about visits, on which sensitive pages, with evidence.",
    options: `  -o, --output FILE        where to write it (default DIR/report.html)
  --compare DIR_B          include what changed against another crawl
  --detail-budget-mb N     megabytes of per-site details embedded, most telling sites first (default 12)
  --embed-evidence-mb N    megabytes of screenshots carried inside the report, most telling pages first
                           (default 0: linked from the crawl's directory, wherever the report is written)
  --crawl ID, --compare-crawl ID   with PostgreSQL URLs: which crawls
  --quiet, -q              no progress output`,
    examples: [
      "earshot report crawl-2026-12 -o ~/to-editor/report.html --embed-evidence-mb 5",
      "earshot report crawl-2026-12 --compare crawl-2026-06 -o changes.html",
    ],
    load: async () => (await import("./report-command.ts")).reportCommand,
  },
  serve: {
    usage: "earshot serve DIR [--port N] [--host 127.0.0.1]",
    summary: "The report's views as a local web app, reading the crawl as it grows.",
    options: `  --port N                 (default: any free port)
  --host HOST              (default 127.0.0.1; only loopback names are accepted there)
  --crawl ID               with a PostgreSQL URL as DIR: which crawl`,
    examples: ["earshot serve crawl-2026-12", "earshot serve crawl-2026-12 --port 8080"],
    load: async () => (await import("./serve-command.ts")).serveCommand,
  },
  inspect: {
    usage: "earshot inspect URL [--json] [--passive] [--out DIR] [crawl options]",
    summary:
      "Crawls one site as a visitor (interaction on, three pages) and says, per company, what it learned.",
    options: `  --json                   print the site's details as JSON
  --passive                do not interact (no scrolling, typing or clicking)
  --verbose                show the crawl's progress
  --out DIR                keep the crawl (default: a temporary directory)
  and every crawl option (earshot crawl --help)`,
    examples: [
      "earshot inspect https://www.example.org/",
      "earshot inspect example.org --consent reject --json",
    ],
    load: async () => (await import("./inspect-command.ts")).inspectCommand,
  },
  decode: {
    usage:
      "earshot decode --url URL [--method GET|POST] [--body TEXT | --body-file FILE] [--page-url URL] | --stdin",
    summary: "Says what one tracker request carried: vendor, pixel IDs, events, identifiers, data shared.",
    options: `  --url URL                the request's URL
  --method METHOD          (default GET, or POST with a body)
  --body TEXT, --body-file FILE   the request's body
  --page-url URL           the page it was sent from (for first/third party)
  --stdin                  JSON lines {"url","method","body","headers","pageUrl"} in, one decoded object a line out`,
    examples: [
      "earshot decode --url 'https://www.facebook.com/tr/?id=123&ev=PageView'",
      "earshot decode --stdin < requests.jsonl",
    ],
    load: async () => (await import("./decode-command.ts")).decodeCommand,
  },
  import: {
    usage: "earshot import FILE.har... --out DIR [--site NAME] [--identity FILE] [--tracker-db FILE]",
    summary: "Reads HAR captures made elsewhere (a browser's network panel, another crawler) as a crawl.",
    options: `  --out DIR                the crawl directory to add them to (required)
  --site NAME              the site they belong to (default: each page's own)
  --identity FILE          the synthetic identity to look for (default: the built-in one)
  --tracker-db FILE        attribute requests with this tracker database
  --quiet                  no progress output`,
    examples: [
      "earshot import session.har --out imported",
      "earshot import a.har b.har --out imported --site example.org",
    ],
    load: async () => (await import("./import-command.ts")).importCommand,
  },
  analyze: {
    usage: "earshot analyze DIR [--tracker-db FILE] [--crawl ID]",
    summary: "Recomputes every finding from the stored capture (after decoders or the classifier improve).",
    options: `  --tracker-db FILE        attribute with this tracker database (default: the crawl's)
  --crawl ID               with a PostgreSQL URL as DIR: which crawl`,
    examples: ["earshot analyze crawl-2026-12", "earshot analyze crawl-2026-12 --tracker-db tds.json"],
    load: async () => (await import("./analyze-command.ts")).analyzeCommand,
  },
  lists: {
    usage: "earshot lists tranco|dotgov|top-sites [--top N] [--sample N --seed S] [-o FILE]",
    summary: "A real-world site list as a file to crawl, with a first line saying where it came from.",
    options: `  --top N                  the N best ranked (tranco, top-sites)
  --sample N               N sites drawn at random, reproducibly
  --seed S                 the sample's seed (default 1)
  --from FILE, --url URL   a local copy, or another address to download from
  --federal, --type T,...  the .gov registry's federal domains, or these types (City,County,...)
  -o, --output FILE        write to FILE (default: standard output)`,
    examples: [
      "earshot lists tranco --top 1000 -o top1000.csv",
      "earshot lists dotgov --type State --sample 200 --seed 7",
    ],
    load: async () => (await import("./lists-command.ts")).listsCommand,
  },
  diff: {
    usage: "earshot diff DIR_A DIR_B [--json] | earshot diff DIR",
    summary:
      "What changed between two crawls (trackers added or gone, data newly shared), or between the two runs of a comparison crawl.",
    options: `  --json                   print JSON
  --crawl-a ID, --crawl-b ID   with PostgreSQL URLs: which crawls`,
    examples: ["earshot diff crawl-2026-06 crawl-2026-12", "earshot diff compare-consent-crawl --json"],
    load: async () => (await import("./diff-command.ts")).diffCommand,
  },
  demo: {
    usage: "earshot demo [--out DIR] [--quiet]",
    summary:
      "Crawls the built-in demo web (fake sites with emulated trackers; no network) and writes its report.",
    options: `  --out DIR                (default earshot-demo)
  --quiet                  no progress output`,
    examples: ["earshot demo", "earshot demo --out /tmp/demo --quiet"],
    load: async () => (await import("./demo-command.ts")).demoCommand,
  },
};

export function commandHelp(name: string, spec: CommandSpec): string {
  return [
    `usage: ${spec.usage}`,
    "",
    wrap(spec.summary, 100),
    "",
    "options:",
    spec.options,
    "  --help, -h               this help",
    "",
    "examples:",
    ...spec.examples.map((e) => `  ${e}`),
    "",
    `(every command: earshot --help; this one: earshot ${name} --help)`,
  ].join("\n");
}

/** The known option closest to a mistyped one, if one is close enough to be meant. */
export function nearestOption(spec: CommandSpec, unknown: string): string | null {
  const known = [...new Set([...(spec.options.match(/--[a-z][a-z-]*/g) ?? []), "--help"])];
  let best: { option: string; distance: number } | null = null;
  for (const option of known) {
    const distance = editDistance(unknown, option);
    if (!best || distance < best.distance) best = { option, distance };
  }
  return best && best.distance <= Math.max(2, Math.floor(unknown.length / 3)) ? best.option : null;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

function wrap(text: string, width: number): string {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line && line.length + word.length + 1 > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  return [...lines, line].join("\n");
}

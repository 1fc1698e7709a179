/**
 * A crawl's settings, declared once: each one's flag, type, default, help line and words for the
 * report. From this declaration come the command line's flags and help, the checked and typed
 * settings object recorded with the crawl (what every fleet worker crawls with), and the report's
 * list of them. A new setting is one entry here plus the code that uses it.
 */
import { availableParallelism, freemem } from "node:os";
import { UsageError } from "../util/usage-error.ts";

interface SettingBase {
  /** The command-line flag, without `--`. */
  flag: string;
  /** The help line after the flag. */
  help: string;
  /** What the report calls it. */
  label: string;
  /** Only a fleet crawl (`--db postgres://…`) takes it; a SQLite crawl records none. */
  fleetOnly?: boolean;
}

interface NumberSetting extends SettingBase {
  kind: "number";
  /** The flag's placeholder in help: N, SEC. */
  arg: string;
  min: number;
  integer: boolean;
  /** Null: none unless given; a function: computed from the settings declared before it. */
  default: number | null | ((before: Readonly<Record<string, unknown>>) => number);
}

interface BooleanSetting extends SettingBase {
  kind: "boolean";
}

interface ChoiceSetting extends SettingBase {
  kind: "choice";
  choices: readonly string[];
  default: string | null;
  /** Boolean flags that choose a value (the older spellings of a choice, kept working). */
  aliases?: Readonly<Record<string, string>>;
}

interface TextSetting extends SettingBase {
  kind: "text";
  arg: string;
  /** Why the text is refused, or null. */
  refuse?: (text: string) => string | null;
}

type Setting = NumberSetting | BooleanSetting | ChoiceSetting | TextSetting;

/**
 * Concurrency that gets near the best throughput without tuning: three sites per core, bounded by
 * memory (400 MB a site in flight) and 16. Measured on two cores (`npm run bench -- --sweep`): pages
 * per minute rise to 3 sites per core and stay flat to 16 in flight, while memory keeps growing.
 */
export function defaultConcurrency(): number {
  const byMemory = Math.floor(freemem() / (400 * 1024 * 1024));
  return Math.max(1, Math.min(availableParallelism() * 3, byMemory, 16));
}

/** The settings, in the order help lists them; names carry their units. */
export const SETTINGS = {
  concurrency: {
    kind: "number",
    flag: "concurrency",
    arg: "N",
    min: 1,
    integer: true,
    default: () => defaultConcurrency(),
    help: "sites in flight at once (default: from cores and memory)",
    label: "sites in flight at once",
  },
  pagesPerSite: {
    kind: "number",
    flag: "pages-per-site",
    arg: "N",
    min: 1,
    integer: true,
    default: 3,
    help: "home page plus up to N-1 subpages, sensitive-looking first (default 3)",
    label: "pages per site",
  },
  timeoutSec: {
    kind: "number",
    flag: "timeout",
    arg: "SEC",
    min: 1,
    integer: false,
    default: 30,
    help: "per-page navigation limit (default 30)",
    label: "page load limit (s)",
  },
  dwellSec: {
    kind: "number",
    flag: "dwell",
    arg: "SEC",
    min: 0,
    integer: false,
    default: 3,
    help: "time on each page after load (default 3)",
    label: "time on each page after load (s)",
  },
  proxy: {
    kind: "text",
    flag: "proxy",
    arg: "URL",
    refuse: (text) =>
      /^(https?|socks5?):\/\/[^\s/]+/.test(text) ? null : "must be a URL like http://host:port",
    help: "send all browser traffic through this HTTP(S) proxy",
    label: "proxy",
  },
  ignoreHttpsErrors: {
    kind: "boolean",
    flag: "ignore-https-errors",
    help: "accept any TLS certificate, browser-wide",
    label: "any TLS certificate accepted",
  },
  gpc: {
    kind: "boolean",
    flag: "gpc",
    help: "send Global Privacy Control (Sec-GPC header, navigator.globalPrivacyControl)",
    label: "Global Privacy Control sent",
  },
  consent: {
    kind: "choice",
    flag: "consent",
    choices: ["accept", "reject", "ignore"],
    default: "ignore",
    help: "consent banners: accept, reject, or leave them (default ignore)",
    label: "consent banners",
  },
  screenshots: {
    kind: "choice",
    flag: "screenshots",
    choices: ["all", "evidence", "none"],
    default: "evidence",
    help:
      "keep a screenshot and the HTML of every page, of pages whose\n" +
      "findings need proof (trackers on sensitive pages, personal data, before consent; the default),\n" +
      "or none: in DIR/evidence/",
    label: "screenshots and HTML kept",
  },
  compare: {
    kind: "choice",
    flag: "compare",
    choices: ["consent", "gpc"],
    default: null,
    aliases: { "compare-consent": "consent", "compare-gpc": "gpc" },
    help:
      "visit each site twice: consent, refusing then accepting; gpc, without then with\n" +
      "Global Privacy Control (earshot diff DIR compares the two; also --compare-consent, --compare-gpc)",
    label: "each site visited twice, comparing",
  },
  profile: {
    kind: "choice",
    flag: "profile",
    choices: ["fresh", "persistent"],
    default: "fresh",
    help:
      "fresh: each site in a new browser context (the default); persistent: one visitor's browser for\n" +
      "the whole crawl, cookies and storage carried from site to site, one site at a time in list order\n" +
      "(what companies could link across sites: the profiles table)",
    label: "browser profile",
  },
  thirdPartyCookies: {
    kind: "choice",
    flag: "third-party-cookies",
    choices: ["allow", "block"],
    default: "allow",
    help: "the browser's third-party-cookie policy: allow (as Chrome ships to most people, the default) or block",
    label: "third-party cookies",
  },
  controlSites: {
    kind: "number",
    flag: "control-sites",
    arg: "N",
    min: 0,
    integer: true,
    default: 2,
    help:
      "with --profile persistent, the first N sites are visited again by a second, fresh visitor: a value\n" +
      "both visitors were sent is a constant, not an identifier (default 2)",
    label: "sites visited again by a second visitor",
  },
  interact: {
    kind: "boolean",
    flag: "interact",
    help: "scroll, fill forms with the synthetic identity and submit them, click buttons",
    label: "interaction (scroll, click, fill forms)",
  },
  userAgent: {
    kind: "text",
    flag: "user-agent",
    arg: "UA",
    help: "override the browser's user agent",
    label: "user agent given",
  },
  sitesPerBrowser: {
    kind: "number",
    flag: "sites-per-browser",
    arg: "N",
    min: 1,
    integer: true,
    default: 200,
    help: "a browser is replaced after N sites, to keep memory flat (default 200)",
    label: "sites per browser process",
  },
  jobTimeoutSec: {
    kind: "number",
    flag: "job-timeout",
    arg: "SEC",
    min: 5,
    integer: true,
    default: (before) => siteDeadlineSec(before as DeadlineInputs) + 60,
    fleetOnly: true,
    help: "a site held longer by a worker is presumed abandoned and retried (default: from the timeouts)",
    label: "a site presumed abandoned after (s)",
  },
  perHost: {
    kind: "number",
    flag: "per-host",
    arg: "N",
    min: 1,
    integer: true,
    default: 1,
    fleetOnly: true,
    help: "sites of one registrable domain in flight at once, fleet-wide (default 1)",
    label: "sites of one domain at once, fleet-wide",
  },
  pagesPerMinute: {
    kind: "number",
    flag: "rate",
    arg: "N",
    min: 1,
    integer: false,
    default: null,
    fleetOnly: true,
    help: "pages per minute, fleet-wide (default: no limit)",
    label: "pages per minute, fleet-wide",
  },
  maxAttempts: {
    kind: "number",
    flag: "max-attempts",
    arg: "N",
    min: 1,
    integer: true,
    default: 3,
    fleetOnly: true,
    help: "a site taken N times without finishing is recorded as failed (default 3)",
    label: "attempts before a site is failed",
  },
} as const satisfies Record<string, Setting>;

type Declared = typeof SETTINGS;
type ValueOf<S> = S extends { kind: "boolean" }
  ? boolean
  : S extends { kind: "text" }
    ? string | null
    : S extends { kind: "choice"; choices: readonly (infer C)[]; default: infer D }
      ? null extends D
        ? C | null
        : C
      : S extends { kind: "number"; default: infer D }
        ? null extends D
          ? number | null
          : number
        : never;
type FleetKeys = {
  [K in keyof Declared]: Declared[K] extends { fleetOnly: true } ? K : never;
}[keyof Declared];

/** What the crawl did, as recorded in its metadata (`config`); fleet settings only in a fleet crawl. */
export type CrawlSettings = { -readonly [K in Exclude<keyof Declared, FleetKeys>]: ValueOf<Declared[K]> } & {
  -readonly [K in FleetKeys]?: ValueOf<Declared[K]>;
};

const ENTRIES = Object.entries(SETTINGS) as Array<[keyof Declared, Setting]>;

/** Each setting's flag as `parseArgs` declares it, and each alias of a choice as a boolean flag. */
type SettingFlags = {
  [K in keyof Declared as Declared[K]["flag"]]: {
    type: Declared[K] extends { kind: "boolean" } ? "boolean" : "string";
  };
} & {
  [K in keyof Declared as Declared[K] extends { aliases: infer A } ? keyof A & string : never]: {
    type: "boolean";
  };
};

/** The settings' flags, for `parseArgs` (aliases included). */
export function settingFlags(): SettingFlags {
  const flags: Record<string, { type: "string" | "boolean" }> = {};
  for (const [, s] of ENTRIES) {
    flags[s.flag] = { type: s.kind === "boolean" ? "boolean" : "string" };
    if (s.kind === "choice")
      for (const alias of Object.keys(s.aliases ?? {})) flags[alias] = { type: "boolean" };
  }
  return flags as SettingFlags;
}

/** Help lines for the settings' flags, aligned as the rest of the usage text. */
export function settingsHelp(fleet: boolean): string {
  const lines: string[] = [];
  for (const [, s] of ENTRIES) {
    if ((s.fleetOnly ?? false) !== fleet) continue;
    const arg =
      s.kind === "number" || s.kind === "text"
        ? ` ${s.arg}`
        : s.kind === "choice"
          ? ` ${s.choices.join("|")}`
          : "";
    const head = `  --${s.flag}${arg}`;
    const [first, ...rest] = s.help.split("\n");
    lines.push(head.length < 27 ? `${head.padEnd(27)}${first}` : `${head}   ${first}`);
    for (const more of rest) lines.push(`${" ".repeat(27)}${more}`);
  }
  return lines.join("\n");
}

/** Flag values as `parseArgs` gives them. */
export type FlagValues = Readonly<Record<string, string | boolean | Array<string | boolean> | undefined>>;

/**
 * The settings from the command line's flags, checked (a one-line `UsageError` for the first bad
 * one); a fleet setting given to a SQLite crawl is refused.
 */
export function readSettings(values: FlagValues, fleet: boolean): CrawlSettings {
  const settings: Record<string, unknown> = {};
  for (const [key, s] of ENTRIES) {
    const given = givenValue(values, s);
    if (s.fleetOnly && !fleet) {
      if (given !== undefined) throw new UsageError(`--${s.flag} is for fleet crawls (--db postgres://…)`);
      continue;
    }
    settings[key] = parsed(s, given, settings);
  }
  checkTogether(values, settings as CrawlSettings);
  // One visitor visits one site at a time: the profile at each site is the one the sites before it left.
  if (settings.profile === "persistent") settings.concurrency = 1;
  return settings as CrawlSettings;
}

/** A flag's text as given (an alias gives its choice), or undefined. */
function givenValue(values: FlagValues, s: Setting): string | boolean | undefined {
  const value = values[s.flag];
  if (s.kind === "choice") {
    const chosen = Object.entries(s.aliases ?? {}).filter(([alias]) => values[alias] === true);
    if (chosen.length > 1 || (chosen.length === 1 && value !== undefined)) {
      const flags = [...(value === undefined ? [] : [s.flag]), ...chosen.map(([alias]) => alias)];
      throw new UsageError(`${flags.map((f) => `--${f}`).join(" and ")} each set --${s.flag}: choose one`);
    }
    if (chosen[0]) return chosen[0][1];
  }
  return Array.isArray(value) ? value[value.length - 1] : value;
}

function parsed(s: Setting, given: string | boolean | undefined, before: Record<string, unknown>): unknown {
  switch (s.kind) {
    case "boolean":
      return given === true;
    case "text": {
      if (given === undefined || typeof given !== "string") return null;
      const why = s.refuse?.(given);
      if (why) throw new UsageError(`--${s.flag} ${why}, not "${given.slice(0, 80)}"`);
      return given;
    }
    case "choice":
      if (given === undefined) return s.default;
      if (typeof given !== "string" || !s.choices.includes(given))
        throw new UsageError(`--${s.flag} must be ${orList(s.choices)}, not "${String(given).slice(0, 80)}"`);
      return given;
    case "number":
      return parsedNumber(s, given, before);
  }
}

function parsedNumber(
  s: NumberSetting,
  given: string | boolean | undefined,
  before: Record<string, unknown>,
) {
  if (given === undefined) return typeof s.default === "function" ? s.default(before) : s.default;
  const value = Number(given);
  if (
    typeof given !== "string" ||
    !Number.isFinite(value) ||
    value < s.min ||
    (s.integer && !Number.isInteger(value))
  ) {
    throw new UsageError(
      `--${s.flag} must be ${s.integer ? "a whole number" : "a number"} of at least ${s.min}, not "${given}"`,
    );
  }
  return value;
}

function orList(choices: readonly string[]): string {
  return choices.length < 2 ? (choices[0] ?? "") : `${choices.slice(0, -1).join(", ")} or ${choices.at(-1)}`;
}

/** Settings that contradict each other. */
function checkTogether(values: FlagValues, settings: CrawlSettings): void {
  if (settings.profile === "persistent" && values.concurrency !== undefined && values.concurrency !== "1")
    throw new UsageError(
      "--profile persistent visits one site at a time, as one person does: leave out --concurrency",
    );
  if (settings.profile === "persistent" && settings.compare)
    throw new UsageError(
      "--profile persistent keeps one visitor; a comparison needs two fresh ones: leave out --compare",
    );
  if (settings.profile === "persistent" && settings.jobTimeoutSec !== undefined)
    throw new UsageError(
      "--profile persistent is one browser's profile: a fleet's workers cannot share it (use --out DIR)",
    );
  if (settings.compare === "consent" && values.consent !== undefined)
    throw new UsageError("comparing consent rejects then accepts on every site: leave out --consent");
  if (settings.compare === "gpc" && values.gpc !== undefined)
    throw new UsageError("comparing GPC crawls with GPC off then on: leave out --gpc");
}

/**
 * A recorded config as settings: a crawl recorded before a setting existed gets its default (what
 * that version did), so a worker of a newer version crawls it as it was begun.
 */
export function settingsFromRecord(recorded: Readonly<Record<string, unknown>>): CrawlSettings {
  const settings: Record<string, unknown> = {};
  for (const [key, s] of ENTRIES) {
    if (key in recorded) settings[key] = recorded[key];
    else if (!s.fleetOnly) settings[key] = parsed(s, undefined, settings);
  }
  return settings as CrawlSettings;
}

/** Every recorded setting as the report words it: label and value. */
export function settingsInWords(recorded: Readonly<Record<string, unknown>>): Array<[string, string]> {
  const words: Array<[string, string]> = [];
  for (const [key, s] of ENTRIES) {
    if (!(key in recorded)) continue;
    const value = recorded[key];
    words.push([
      s.label,
      value === null ? "none" : value === true ? "yes" : value === false ? "no" : String(value),
    ]);
  }
  return words;
}

/** What a site's deadline is computed from (defaults for what a partial record lacks). */
interface DeadlineInputs {
  pagesPerSite?: number;
  timeoutSec?: number;
  dwellSec?: number;
  compare?: string | null;
  profile?: string;
}

/**
 * How long one site may take at most: every page's navigation limit and dwell, 10 s a page for
 * interaction and leaving, 30 s for the context; twice that for a comparison crawl's two runs (and
 * a persistent crawl's, whose first sites a second visitor sees too).
 */
export function siteDeadlineSec(settings: DeadlineInputs): number {
  // A persistent crawl's first sites are visited again by a second visitor.
  const runs = settings.compare || settings.profile === "persistent" ? 2 : 1;
  const {
    pagesPerSite = SETTINGS.pagesPerSite.default,
    timeoutSec = SETTINGS.timeoutSec.default,
    dwellSec = SETTINGS.dwellSec.default,
  } = settings;
  return Math.ceil(runs * (pagesPerSite * (timeoutSec + dwellSec + 10) + 30));
}

/**
 * What a crawl runs with: its settings (declared in `settings.ts`, recorded with the crawl, the same
 * for every worker of a fleet) and this machine's runtime (the browser, its sandbox, a resolver, the
 * identity to type, hooks), which is never recorded as a setting.
 */
import type { CnameResolver } from "./cname.ts";
import type { Identity } from "./identity.ts";
import type { SandboxPlan } from "./sandbox.ts";
import type { CrawlSettings } from "./settings.ts";

/** A step of a visit: loading a page, its consent banner and dwell, interaction, leaving; analysis after. */
export interface VisitStep {
  kind: "loading" | "consent" | "interaction" | "leaving" | "analysing";
  url: string;
  at: number;
}

/** This machine's means of carrying out the settings. */
export interface CrawlRuntime {
  /** The Chromium binary. */
  executable: string;
  /** Chromium's sandbox, and the account the browser runs as (default: `sandboxPlan(false)`). */
  sandbox?: SandboxPlan;
  /** Resolves the CNAME chains of each page's first-party hosts (null: `--dns-server none`). */
  cnames: CnameResolver | null;
  /** The synthetic identity typed into forms and searched for in every request. */
  identity: Identity;
  /** Waits for this page's turn (a fleet-wide rate limit), if one is set. */
  beforePage?: (() => Promise<void>) | null;
  /** Told of each step of each page's visit, as it starts (`earshot inspect` prints them). */
  onStep?: ((step: VisitStep) => void) | null;
  /**
   * `--profile persistent`: the file the visitor's cookies and storage are kept in between sites
   * (in the crawl's folder, so that a resumed crawl goes on with the same visitor), and the sites
   * a second, fresh visitor sees too.
   */
  visitor?: { stateFile: string; controlSites: ReadonlySet<string> } | null;
}

export interface CrawlOptions {
  settings: CrawlSettings;
  runtime: CrawlRuntime;
}

/** A visit runs with the crawl's options (a comparison crawl's runs each change a setting). */
export type VisitOptions = CrawlOptions;

export function timeoutMs(options: CrawlOptions): number {
  return options.settings.timeoutSec * 1000;
}

export function dwellMs(options: CrawlOptions): number {
  return options.settings.dwellSec * 1000;
}

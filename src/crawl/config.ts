/**
 * A crawl's options as recorded in its metadata, and the crawler's options rebuilt from them: every
 * worker of a fleet crawls with the options the crawl was created with.
 */
import type { CnameResolver } from "./cname.ts";
import type { ConsentMode } from "./consent.ts";
import type { Identity } from "./identity.ts";
import type { SandboxPlan } from "./sandbox.ts";
import type { VisitOptions } from "./visit-site.ts";

export interface CrawlOptions extends VisitOptions {
  executable: string;
  /** Sites (each one page at a time) in flight at once. */
  concurrency: number;
  proxy: string | null;
  /** Crawl sites recorded as failed again. */
  retryFailed: boolean;
  /** A browser is replaced after this many sites, to keep memory flat. */
  sitesPerBrowser: number;
  /** The synthetic identity searched for in every request. */
  identity: Identity;
  /** Visit each site twice and keep both: consent refused then accepted, or GPC off then on. */
  compare?: "consent" | "gpc" | null;
  /** Chromium's sandbox, and the account the browser runs as (default: `sandboxPlan(false)`). */
  sandbox?: SandboxPlan;
}

export interface CrawlConfig {
  concurrency: number;
  pagesPerSite: number;
  timeoutSec: number;
  dwellSec: number;
  proxy: string | null;
  ignoreHttpsErrors: boolean;
  gpc: boolean;
  consent: string;
  interact: boolean;
  userAgent: string | null;
  /** Each site visited twice (`--compare-consent`, `--compare-gpc`), or null. */
  compare?: "consent" | "gpc" | null;
  /** Fleet only: how long a worker may hold a site before it is presumed dead. */
  jobTimeoutSec?: number;
  /** Fleet only: sites of one registrable domain in flight at once, across the fleet. */
  perHost?: number;
  /** Fleet only: pages per minute across the fleet (null: no limit). */
  pagesPerMinute?: number | null;
  /** Fleet only: times a site is taken before it is recorded as failed. */
  maxAttempts?: number;
}

/** Options for crawling on this machine from a recorded config (a worker joining a fleet crawl). */
export function crawlOptionsFromConfig(
  config: CrawlConfig,
  extra: {
    executable: string;
    concurrency: number;
    identity: Identity;
    sandbox?: SandboxPlan;
    cnames?: CnameResolver | null;
  },
): CrawlOptions {
  return {
    executable: extra.executable,
    concurrency: extra.concurrency,
    pagesPerSite: config.pagesPerSite,
    timeoutMs: config.timeoutSec * 1000,
    dwellMs: config.dwellSec * 1000,
    proxy: config.proxy,
    ignoreHttpsErrors: config.ignoreHttpsErrors,
    gpc: config.gpc,
    userAgent: config.userAgent,
    retryFailed: false,
    sitesPerBrowser: 200,
    identity: extra.identity,
    interact: config.interact,
    consent: config.consent as ConsentMode,
    compare: config.compare ?? null,
    sandbox: extra.sandbox,
    cnames: extra.cnames ?? null,
  };
}

/**
 * How long one site may take at most: every page's navigation limit and dwell, 10 s a page for
 * interaction and leaving, 30 s for the context; twice that for a comparison crawl's two runs.
 */
export function siteDeadlineSec(
  config: Pick<CrawlConfig, "pagesPerSite" | "timeoutSec" | "dwellSec" | "compare">,
): number {
  const runs = config.compare ? 2 : 1;
  return Math.ceil(runs * (config.pagesPerSite * (config.timeoutSec + config.dwellSec + 10) + 30));
}

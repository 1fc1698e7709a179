import { CaptureHub } from "../capture/capture-hub.ts";
import type { FailureReason, SiteResult, SiteRow } from "../capture/types.ts";
import { BrowserProcess, removeStaleProfiles } from "./browser.ts";
import type { CrawlOptions } from "./config.ts";
import type { Progress } from "./progress.ts";
import { type CrawlSettings, siteDeadlineSec } from "./settings.ts";
import { type VisitProgress, visitSite } from "./visit-site.ts";

export type { CrawlOptions };

/**
 * The runs of a site visited more than once, each page tagged with its run's name: a comparison
 * crawl's two, or a persistent crawl's first sites, seen by its visitor and then by a fresh one.
 */
function variantsFor(
  options: CrawlOptions,
  site: string,
): Array<{ name: string | null; settings: Partial<CrawlSettings> }> | null {
  const { compare, profile } = options.settings;
  // A persistent crawl's first sites: the visitor, then a second, fresh one (the control).
  if (profile === "persistent" && options.runtime.visitor?.controlSites.has(site))
    return [
      { name: null, settings: {} },
      { name: "control", settings: { profile: "fresh" } },
    ];
  if (compare === "consent")
    return [
      { name: "reject", settings: { consent: "reject" } },
      { name: "accept", settings: { consent: "accept" } },
    ];
  if (compare === "gpc")
    return [
      { name: "no_gpc", settings: { gpc: false } },
      { name: "gpc", settings: { gpc: true } },
    ];
  return null;
}

/** Visits a site once, or once per variant (fresh browser context each time), as one result. */
async function visitAllVariants(
  browser: BrowserProcess,
  hub: CaptureHub,
  row: SiteRow,
  options: CrawlOptions,
  partial: VisitProgress,
): Promise<SiteResult> {
  const variants = variantsFor(options, row.site);
  if (!variants) return visitSite(browser, hub, row, options, partial);
  const results: SiteResult[] = [];
  for (const variant of variants) {
    const progress: VisitProgress = { pages: [] };
    const result = await visitSite(
      browser,
      hub,
      row,
      { ...options, settings: { ...options.settings, ...variant.settings } },
      progress,
    );
    if (variant.name) for (const page of result.pages) page.variant = variant.name;
    partial.pages.push(...result.pages);
    results.push(result);
  }
  const first = results[0] as SiteResult;
  const failed = results.find((r) => r.status === "failed");
  return {
    ...first,
    status: failed ? "failed" : "ok",
    error: failed?.error ?? null,
    errorDetail: failed?.errorDetail ?? null,
    pages: results.flatMap((r) => r.pages),
    endedAt: results[results.length - 1]?.endedAt ?? first.endedAt,
  };
}

export interface CrawlOutcome {
  crawled: number;
  ok: number;
  failed: number;
  interrupted: boolean;
}

/** A browser together with the capture hub watching it, and how many sites use it now. */
interface BrowserSlot {
  browser: BrowserProcess;
  hub: CaptureHub;
  inFlight: number;
  served: number;
  retired: boolean;
}

/** Hands out a shared browser, replacing it when it dies, hangs or has served enough sites. */
class BrowserPool {
  private current: BrowserSlot | null = null;
  private launching: Promise<BrowserSlot> | null = null;
  private readonly all = new Set<BrowserSlot>();
  closed = false;

  constructor(private readonly options: CrawlOptions) {}

  async acquire(): Promise<BrowserSlot> {
    for (;;) {
      if (this.closed) throw new Error("crawl stopped");
      const slot = this.current;
      if (slot && !slot.browser.dead && !slot.retired) {
        slot.inFlight++;
        slot.served++;
        if (slot.served >= this.options.settings.sitesPerBrowser) this.retire(slot);
        return slot;
      }
      if (!this.launching) {
        this.launching = this.launch().finally(() => {
          this.launching = null;
        });
      }
      await this.launching;
    }
  }

  private async launch(): Promise<BrowserSlot> {
    const browser = await BrowserProcess.launch(this.options);
    const hub = new CaptureHub(browser.cdp);
    await hub.start();
    const slot: BrowserSlot = { browser, hub, inFlight: 0, served: 0, retired: false };
    this.all.add(slot);
    browser.onDeath(() => {
      if (this.current === slot) this.current = null;
    });
    if (this.closed) {
      await this.dispose(slot);
      throw new Error("crawl stopped");
    }
    this.current = slot;
    return slot;
  }

  private retire(slot: BrowserSlot): void {
    slot.retired = true;
    if (this.current === slot) this.current = null;
  }

  release(slot: BrowserSlot): void {
    slot.inFlight--;
    if ((slot.retired || slot.browser.dead) && slot.inFlight <= 0) void this.dispose(slot);
  }

  /** Kills a browser that stopped answering; the sites on it fail over and are retried. */
  async kill(slot: BrowserSlot): Promise<void> {
    this.retire(slot);
    await this.dispose(slot);
  }

  private async dispose(slot: BrowserSlot): Promise<void> {
    if (!this.all.delete(slot)) return;
    await slot.browser.close();
  }

  async closeAll(): Promise<void> {
    this.closed = true;
    if (this.launching) await this.launching.catch(() => {});
    await Promise.all([...this.all].map((slot) => this.dispose(slot)));
  }
}

class SiteDeadline extends Error {}

/**
 * Where the crawler gets its sites and leaves their results: the crawl's own list of pending sites
 * (`src/pipeline/keep-site.ts`, one machine), or a job queue shared by a fleet (`src/fleet/`). What
 * happens to a finished site (analysis, evidence files, the write) is the source's business.
 */
export interface SiteSource {
  /** The next site to crawl, or null when there is none (now). */
  next(): Promise<SiteRow | null>;
  /** A visit of the site begins (each attempt). */
  started(row: SiteRow): Promise<void>;
  /** Keeps a finished site; a failure here stops the crawl (nothing more could be kept). */
  finish(row: SiteRow, result: SiteResult): Promise<void>;
  /** The crawl stopped with the site in flight: it goes back to be crawled later. */
  release(row: SiteRow): Promise<void>;
}

/** How one attempt at a site ended: a result, or why it must be tried again (or given up). */
type Attempt = { result: SiteResult } | { retry: { reason: FailureReason; detail: string } } | null;

/** One run of the crawl loop: its workers, its browsers, and what stops them. */
class CrawlRun {
  /** The caller's Ctrl-C, or a failure nothing can survive (the database refusing writes, no browser starting). */
  private readonly halt = new AbortController();
  private readonly signal: AbortSignal;
  private readonly stopped: Promise<void>;
  private readonly pool: BrowserPool;
  private readonly siteDeadlineMs: number;
  /** What stopped the crawl (a site that could not be kept, no browser starting), rather than what that caused elsewhere. */
  fatal: unknown;
  readonly outcome: CrawlOutcome = { crawled: 0, ok: 0, failed: 0, interrupted: false };

  constructor(
    private readonly sites: SiteSource,
    private readonly options: CrawlOptions,
    private readonly progress: Progress,
    callerSignal: AbortSignal,
  ) {
    this.signal = AbortSignal.any([callerSignal, this.halt.signal]);
    this.pool = new BrowserPool(options);
    this.siteDeadlineMs = siteDeadlineSec(options.settings) * 1000;
    const signal = this.signal;
    this.stopped = new Promise<void>((resolve) => {
      if (signal.aborted) resolve();
      signal.addEventListener("abort", () => resolve(), { once: true });
    });
    signal.addEventListener("abort", () => void this.pool.closeAll(), { once: true });
  }

  async run(): Promise<unknown[]> {
    const workers = Array.from({ length: Math.max(1, this.options.settings.concurrency) }, () =>
      this.worker(),
    );
    const results = await Promise.allSettled(workers);
    return results.flatMap((r) => (r.status === "rejected" ? [r.reason as unknown] : []));
  }

  close(): Promise<void> {
    return this.pool.closeAll();
  }

  private async worker(): Promise<void> {
    for (;;) {
      if (this.signal.aborted) return;
      const row = await this.sites.next();
      if (!row) return;
      let result: SiteResult | null;
      try {
        result = await Promise.race([this.crawlOne(row), this.stopped.then(() => null)]);
        if (!result) {
          await this.giveBack(row);
          return;
        }
        this.options.runtime.onStep?.({
          kind: "analysing",
          url: result.finalUrl ?? result.inputUrl,
          at: Date.now(),
        });
        await this.sites.finish(row, result);
      } catch (error) {
        // The browser cannot start, or the database refuses writes: nothing else can work.
        this.fatal ??= error;
        this.halt.abort();
        await this.giveBack(row);
        throw error;
      }
      this.outcome.crawled++;
      if (result.status === "ok") this.outcome.ok++;
      else this.outcome.failed++;
      this.progress.siteFinished(result.status === "ok", result.pages.length);
    }
  }

  /** Returns a site in flight to be crawled later; a database that refuses this too keeps it `running`, which a rerun also picks up. */
  private async giveBack(row: SiteRow): Promise<void> {
    await this.sites.release(row).catch(() => {});
  }

  /** A site visited, tried twice when the browser or renderer crashed; null when the crawl stopped. */
  private async crawlOne(row: SiteRow): Promise<SiteResult | null> {
    let lastError: { reason: FailureReason; detail: string } = { reason: "crash", detail: "" };
    let partial: VisitProgress = { pages: [] };
    const startedAt = Date.now();
    for (let attempt = 1; attempt <= 2; attempt++) {
      if (this.signal.aborted) return null;
      partial = { pages: [] };
      const outcome = await this.attempt(row, partial, attempt === 2);
      if (outcome === null) return null;
      if ("result" in outcome) return outcome.result;
      lastError = outcome.retry;
    }
    return {
      site: row.site,
      inputUrl: row.inputUrl,
      finalUrl: partial.pages[0]?.finalUrl ?? null,
      status: "failed",
      error: lastError.reason,
      errorDetail: lastError.detail.slice(0, 300),
      pages: partial.pages,
      startedAt,
      endedAt: Date.now(),
    };
  }

  private async attempt(row: SiteRow, partial: VisitProgress, last: boolean): Promise<Attempt> {
    await this.sites.started(row);
    let slot: BrowserSlot;
    try {
      slot = await this.pool.acquire();
    } catch (error) {
      if (this.signal.aborted) return null;
      throw error;
    }
    let timer: NodeJS.Timeout | undefined;
    try {
      const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new SiteDeadline()), this.siteDeadlineMs);
        // A visit abandoned by Ctrl-C must not keep the process alive until its deadline.
        timer.unref();
      });
      const result = await Promise.race([
        visitAllVariants(slot.browser, slot.hub, row, this.options, partial),
        deadline,
      ]);
      // A renderer crash on the home page is worth one more try, like a browser crash.
      if (result.error === "crash" && !last)
        return { retry: { reason: "crash", detail: result.errorDetail ?? "renderer crashed" } };
      return { result };
    } catch (error) {
      if (this.signal.aborted) return null;
      if (!(error instanceof SiteDeadline))
        return {
          retry: {
            reason: "crash",
            detail: error instanceof Error ? error.message.split("\n")[0]! : String(error),
          },
        };
      // The browser stopped answering for this site: replace it (other sites on it are retried too).
      await this.pool.kill(slot);
      return {
        retry: {
          reason: "timeout",
          detail: `site did not finish within ${Math.round(this.siteDeadlineMs / 1000)}s`,
        },
      };
    } finally {
      clearTimeout(timer);
      this.pool.release(slot);
    }
  }
}

/**
 * Crawls every site `sites` gives, `concurrency` at a time, handing each result back as soon as it
 * is done. Stops cleanly when `signal` aborts: sites in flight go back to be crawled by the next run.
 */
export async function runCrawl(
  sites: SiteSource,
  options: CrawlOptions,
  progress: Progress,
  callerSignal: AbortSignal,
): Promise<CrawlOutcome> {
  removeStaleProfiles();
  const run = new CrawlRun(sites, options, progress, callerSignal);
  progress.start();
  try {
    const failures = await run.run();
    const failure = run.fatal ?? failures[0];
    if (failure !== undefined && !callerSignal.aborted) throw failure;
  } finally {
    progress.stop();
    await run.close();
  }
  run.outcome.interrupted = callerSignal.aborted;
  return run.outcome;
}

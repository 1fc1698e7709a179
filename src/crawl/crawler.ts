import { CaptureHub } from "../capture/capture-hub.ts";
import type { FailureReason, SiteResult, SiteRow } from "../capture/types.ts";
import { BrowserProcess, removeStaleProfiles } from "./browser.ts";
import { type CrawlOptions, siteDeadlineSec } from "./config.ts";
import type { Progress } from "./progress.ts";
import { type VisitOptions, type VisitProgress, visitSite } from "./visit-site.ts";

export type { CrawlOptions };

/** The runs of a site in a comparison crawl: each page is tagged with its run's name. */
function variantsFor(
  compare: CrawlOptions["compare"],
): Array<{ name: string; options: Partial<VisitOptions> }> | null {
  if (compare === "consent")
    return [
      { name: "reject", options: { consent: "reject" } },
      { name: "accept", options: { consent: "accept" } },
    ];
  if (compare === "gpc")
    return [
      { name: "no_gpc", options: { gpc: false } },
      { name: "gpc", options: { gpc: true } },
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
  const variants = variantsFor(options.compare);
  if (!variants) return visitSite(browser, hub, row, options, partial);
  const results: SiteResult[] = [];
  for (const variant of variants) {
    const progress: VisitProgress = { pages: [] };
    const result = await visitSite(browser, hub, row, { ...options, ...variant.options }, progress);
    for (const page of result.pages) page.variant = variant.name;
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
        if (slot.served >= this.options.sitesPerBrowser) this.retire(slot);
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
    const browser = await BrowserProcess.launch({
      executable: this.options.executable,
      proxy: this.options.proxy,
      ignoreHttpsErrors: this.options.ignoreHttpsErrors,
      userAgent: this.options.userAgent,
    });
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
 * (`src/store/site-sink.ts`, one machine), or a job queue shared by a fleet (`src/fleet/`). What
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
  // The caller's Ctrl-C, or a failure nothing can survive (the database refusing writes, no browser
  // starting): either way every worker stops and gives its site back.
  const halt = new AbortController();
  const signal = AbortSignal.any([callerSignal, halt.signal]);
  // What stopped the crawl (a site that could not be kept, no browser starting), rather than what
  // that caused elsewhere.
  let fatal: unknown;
  const outcome: CrawlOutcome = { crawled: 0, ok: 0, failed: 0, interrupted: false };
  const pool = new BrowserPool(options);
  const siteDeadlineMs =
    siteDeadlineSec({
      pagesPerSite: options.pagesPerSite,
      timeoutSec: options.timeoutMs / 1000,
      dwellSec: options.dwellMs / 1000,
      compare: options.compare ?? null,
    }) * 1000;
  const stopped = new Promise<void>((resolve) => {
    if (signal.aborted) resolve();
    signal.addEventListener("abort", () => resolve(), { once: true });
  });
  signal.addEventListener("abort", () => void pool.closeAll(), { once: true });
  progress.start();

  async function crawlOne(row: SiteRow): Promise<SiteResult | null> {
    let lastError: { reason: FailureReason; detail: string } = { reason: "crash", detail: "" };
    let partial: VisitProgress = { pages: [] };
    const startedAt = Date.now();
    for (let attempt = 1; attempt <= 2; attempt++) {
      if (signal.aborted) return null;
      await sites.started(row);
      let slot: BrowserSlot;
      try {
        slot = await pool.acquire();
      } catch (error) {
        if (signal.aborted) return null;
        throw error;
      }
      partial = { pages: [] };
      let timer: NodeJS.Timeout | undefined;
      try {
        const deadline = new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new SiteDeadline()), siteDeadlineMs);
          // A visit abandoned by Ctrl-C must not keep the process alive until its deadline.
          timer.unref();
        });
        const result = await Promise.race([
          visitAllVariants(slot.browser, slot.hub, row, options, partial),
          deadline,
        ]);
        // A renderer crash on the home page is worth one more try, like a browser crash.
        if (result.error === "crash" && attempt === 1) {
          lastError = { reason: "crash", detail: result.errorDetail ?? "renderer crashed" };
          continue;
        }
        return result;
      } catch (error) {
        if (signal.aborted) return null;
        if (error instanceof SiteDeadline) {
          // The browser stopped answering for this site: replace it (other sites on it are retried too).
          lastError = {
            reason: "timeout",
            detail: `site did not finish within ${Math.round(siteDeadlineMs / 1000)}s`,
          };
          await pool.kill(slot);
        } else {
          lastError = {
            reason: "crash",
            detail: error instanceof Error ? error.message.split("\n")[0]! : String(error),
          };
        }
      } finally {
        clearTimeout(timer);
        pool.release(slot);
      }
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

  /** Returns a site in flight to be crawled later; a database that refuses this too keeps it `running`, which a rerun also picks up. */
  async function giveBack(row: SiteRow): Promise<void> {
    await sites.release(row).catch(() => {});
  }

  async function worker(): Promise<void> {
    for (;;) {
      if (signal.aborted) return;
      const row = await sites.next();
      if (!row) return;
      let result: SiteResult | null;
      try {
        result = await Promise.race([crawlOne(row), stopped.then(() => null)]);
      } catch (error) {
        // The browser cannot start, or the database refuses writes: nothing else can work.
        fatal ??= error;
        halt.abort();
        await giveBack(row);
        throw error;
      }
      if (!result) {
        await giveBack(row);
        return;
      }
      try {
        await sites.finish(row, result);
      } catch (error) {
        fatal ??= error;
        halt.abort();
        await giveBack(row);
        throw error;
      }
      outcome.crawled++;
      if (result.status === "ok") outcome.ok++;
      else outcome.failed++;
      progress.siteFinished(result.status === "ok", result.pages.length);
    }
  }

  try {
    const workers = Array.from({ length: Math.max(1, options.concurrency) }, () => worker());
    const results = await Promise.allSettled(workers);
    const failures = results.flatMap((r) => (r.status === "rejected" ? [r.reason as unknown] : []));
    const failure = fatal ?? failures[0];
    if (failure !== undefined && !callerSignal.aborted) throw failure;
  } finally {
    progress.stop();
    await pool.closeAll();
  }
  outcome.interrupted = callerSignal.aborted;
  return outcome;
}

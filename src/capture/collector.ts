import type { CdpEvent } from "./cdp.ts";
import type { PageCapture, TargetKind } from "./types.ts";

/** The browser target (page, frame, worker) an event came from. */
export interface TargetRef {
  sessionId: string;
  targetId: string;
  kind: TargetKind;
  url: string;
}

/** What a collector may do with the browser while it finishes a page. */
export interface PageContext {
  /** Sends a CDP command on the browser-level session. */
  browserCommand<T = Record<string, unknown>>(
    method: string,
    params?: Record<string, unknown>,
  ): Promise<T | null>;
  /** Sends a CDP command to one target's session (null when the target is gone). */
  targetCommand<T = Record<string, unknown>>(
    sessionId: string,
    method: string,
    params?: Record<string, unknown>,
  ): Promise<T | null>;
  browserContextId: string;
  /** Live top-level and frame sessions, for collectors that read state out of them. */
  targets(): TargetRef[];
}

/**
 * One kind of capture. A collector sees every CDP event of the site's browser context while a page
 * is open, and at the end of the page writes what it gathered into the page record.
 * Add a kind of capture by adding a file with a class implementing this interface.
 */
export interface Collector {
  readonly name: string;
  onEvent?(event: CdpEvent, target: TargetRef): void;
  /** Called while the page is still open, for state that leaving it would destroy (storage). */
  beforeLeave?(page: PageCapture, context: PageContext): Promise<void>;
  /**
   * What the page has gathered so far, written into `into` without finishing the page: for the
   * crawler's decisions made while the page is open (whether its screenshot may be evidence).
   */
  preview?(into: Partial<PageCapture>): void;
  /** Called when the crawler moves on from a page; must leave the collector ready for the next page. */
  finishPage(page: PageCapture, context: PageContext): Promise<void>;
}

/** Sends a CDP command to the target being set up. */
export type TargetSend = (method: string, params?: Record<string, unknown>) => Promise<unknown>;

/**
 * Commands a kind of capture needs sent to every new target (page, frame, worker) while it is
 * still paused, so nothing it does is missed. Registered in `capture-hub.ts`.
 */
export type TargetSetup = (target: TargetRef, send: TargetSend) => Promise<void>;

/**
 * Every kind of capture: a collector (and, if it needs one, the commands every new target gets
 * while still paused). Add a kind of capture with a file holding its collector and a line here;
 * a collector without a table of its own writes `page.collected[name]`, stored and exported as is.
 */
import type { Collector, PageContext, TargetSetup } from "./collector.ts";
import { CookieCollector } from "./cookies.ts";
import { FingerprintCollector, fingerprintSetup } from "./fingerprinting.ts";
import { type NetworkCollector, networkSetup } from "./network.ts";
import { StorageCollector } from "./storage.ts";
import { WebSocketCollector } from "./websockets.ts";

export interface CollectorKind {
  /** Sent to every new target (page, frame, worker) before it runs. */
  setup?: TargetSetup;
  create(context: PageContext, network: NetworkCollector): Collector;
}

/**
 * After the network collector (always first: the others may read what it gathered), in the order
 * they finish a page (cookies read the Set-Cookie origins the network collector noted).
 */
export const COLLECTORS: CollectorKind[] = [
  { create: (_context, network) => new CookieCollector(network) },
  { create: () => new StorageCollector() },
  { setup: fingerprintSetup, create: () => new FingerprintCollector() },
  { create: () => new WebSocketCollector() },
];

/** Every kind's per-target set-up. */
export const TARGET_SETUPS: TargetSetup[] = [
  networkSetup,
  ...COLLECTORS.flatMap((k) => (k.setup ? [k.setup] : [])),
];

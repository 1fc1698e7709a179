import { LIMITS } from "../util/limits.ts";
import type { Collector, PageContext } from "./collector.ts";
import type { PageCapture, StorageItem } from "./types.ts";

// Runs inside each frame; bounded there so a page with huge storage costs us nothing.
const SNAPSHOT = `(() => {
  const out = [];
  const read = (kind, store) => {
    try {
      const n = Math.min(store.length, ${LIMITS.storageKeysPerFrame});
      for (let i = 0; i < n; i++) {
        const key = String(store.key(i));
        const value = String(store.getItem(key) ?? "");
        out.push({ kind, key: key.slice(0, 512), value: value.slice(0, ${LIMITS.storageValue}), valueLength: value.length });
      }
    } catch (e) {}
  };
  try { read("local", window.localStorage); } catch (e) {}
  try { read("session", window.sessionStorage); } catch (e) {}
  return { origin: location.origin, items: out };
})()`;

/** Snapshots localStorage and sessionStorage of the page and each of its frames. */
export class StorageCollector implements Collector {
  readonly name = "storage";

  async finishPage(): Promise<void> {}

  async beforeLeave(page: PageCapture, context: PageContext): Promise<void> {
    const seen = new Set<string>();
    const targets = context.targets().filter((t) => t.kind === "page" || t.kind === "iframe");
    const snapshots = await Promise.all(
      targets.map((t) =>
        context.targetCommand<{
          result: { value?: { origin: string; items: Omit<StorageItem, "origin">[] } };
        }>(t.sessionId, "Runtime.evaluate", { expression: SNAPSHOT, returnByValue: true, timeout: 2000 }),
      ),
    );
    for (const snapshot of snapshots) {
      const value = snapshot?.result?.value;
      if (!value || seen.has(value.origin)) continue;
      seen.add(value.origin);
      for (const item of value.items) page.storage.push({ origin: value.origin.slice(0, 512), ...item });
    }
  }
}

import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { TrackerDb } from "../attribute/tracker-db.ts";
import type { CrawlStore } from "../store/crawl-store.ts";
import { sha256Hex } from "../util/bound.ts";
import { UsageError } from "./usage.ts";

/** Loads `--tracker-db FILE`, turning a bad file into a usage error. */
export function loadTrackerDbOption(path: string | undefined): TrackerDb | null {
  if (path === undefined) return null;
  try {
    return TrackerDb.load(path);
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

/** Records which tracker database a crawl used (path and checksum: the list itself is never copied). */
export async function recordTrackerDb(store: CrawlStore, path: string, db: TrackerDb): Promise<void> {
  const absolute = resolve(path);
  await store.setMeta(
    "tracker_db",
    JSON.stringify({
      path: absolute,
      sha256: sha256Hex(readFileSync(absolute)),
      format: db.format,
      domains: db.size,
    }),
  );
}

/** The tracker database for reading a crawl: the one given, else the one the crawl used if still there. */
export async function trackerDbFor(store: CrawlStore, path: string | undefined): Promise<TrackerDb | null> {
  if (path !== undefined) return loadTrackerDbOption(path);
  const recorded = await store.getMeta("tracker_db");
  if (!recorded) return null;
  const { path: saved } = JSON.parse(recorded) as { path: string };
  if (!existsSync(saved)) {
    process.stderr.write(`earshot: the crawl's tracker database ${saved} is gone; using the built-in one\n`);
    return null;
  }
  return loadTrackerDbOption(saved);
}

import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { TrackerDb } from "../attribute/tracker-db.ts";
import { sha256Hex } from "../util/bound.ts";
import { UsageError } from "../util/usage-error.ts";
import type { CrawlStore } from "./crawl-store.ts";
import { readMeta, writeMeta } from "./meta.ts";

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
  await writeMeta(store, "tracker_db", {
    path: absolute,
    sha256: sha256Hex(readFileSync(absolute)),
    format: db.format,
    domains: db.size,
  });
}

/** The tracker database for reading a crawl: the one given, else the one the crawl used if still there. */
export async function trackerDbFor(store: CrawlStore, path: string | undefined): Promise<TrackerDb | null> {
  if (path !== undefined) return loadTrackerDbOption(path);
  const recorded = await readMeta(store, "tracker_db");
  if (!recorded) return null;
  const { path: saved, sha256 } = recorded;
  if (!existsSync(saved)) {
    process.stderr.write(`earshot: the crawl's tracker database ${saved} is gone; using the built-in one\n`);
    return null;
  }
  // Another list under the same name would silently change every attribution.
  if (sha256 && sha256Hex(readFileSync(saved)) !== sha256)
    throw new UsageError(
      `the crawl's tracker database ${saved} has changed since the crawl; give it with --tracker-db to use it as it is now`,
    );
  return loadTrackerDbOption(saved);
}

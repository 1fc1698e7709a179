/**
 * After a persistent crawl (and each `earshot analyze`): what each company could link about its one
 * visitor, computed from the stored findings and written to the profiles table. A crawl of fresh
 * contexts has no visitor to link: its table stays empty.
 */
import { profilesOf } from "../analyze/profiles.ts";
import type { CrawlStore } from "../store/crawl-store.ts";
import { readMeta } from "../store/meta.ts";
import { readProfileSightings, replaceProfiles } from "../store/profiles.ts";

/** Recomputes the crawl's profiles; returns how many identifiers link two sites or more. */
export async function linkProfiles(store: CrawlStore): Promise<number> {
  const config = await readMeta(store, "config");
  const persistent = config?.profile === "persistent";
  const profiles = persistent ? profilesOf(await readProfileSightings(store)) : [];
  await replaceProfiles(store, profiles);
  return profiles.length;
}

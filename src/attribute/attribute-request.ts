import type { Beacon } from "../decode/types.ts";
import { attributeUrl } from "./entities.ts";
import { type Party, partyOf } from "./party.ts";
import type { TrackerDb } from "./tracker-db.ts";

/** Who a request went to: by what it sent when a decoder knows it, else by its host. */
export interface RequestAttribution {
  party: Party;
  entity: string | null;
  tracker: string | null;
  category: string | null;
}

/**
 * A decoded beacon names its company and product even on a first-party host (server-side tagging:
 * GA4 on metrics.example.com is still Google Analytics 4, with party `first`).
 */
export function attributeRequest(
  url: string,
  pageUrl: string,
  beacon: Beacon | null,
  trackerDb: TrackerDb | null = null,
): RequestAttribution {
  const party = partyOf(url, pageUrl);
  if (beacon) return { party, entity: beacon.entity, tracker: beacon.tracker, category: "tracker" };
  if (party === "first") return { party, entity: null, tracker: null, category: null };
  // A database the user imported takes precedence over the built-in one.
  const who = trackerDb?.lookup(url) ?? attributeUrl(url);
  return {
    party,
    entity: who?.entity ?? null,
    tracker: who?.tracker ?? null,
    category: who?.category ?? null,
  };
}

import type { CnameChains } from "../capture/types.ts";
import type { Beacon } from "../decode/types.ts";
import { cloakingOf } from "./cloaking.ts";
import { attributeUrl } from "./entities.ts";
import { type Party, partyOf } from "./party.ts";
import type { TrackerDb } from "./tracker-db.ts";

/** Who a request went to: by what it sent when a decoder knows it, else by its host. */
export interface RequestAttribution {
  party: Party;
  entity: string | null;
  tracker: string | null;
  category: string | null;
  /** Set on a first-party host that is an alias of a tracker's servers: its CNAME chain. */
  cname?: string[];
}

/**
 * A decoded beacon names its company and product even on a first-party host (server-side tagging:
 * GA4 on metrics.example.com is still Google Analytics 4, with party `first`). A first-party host
 * whose CNAME chain leads to a tracker is that tracker's (CNAME cloaking), still with party `first`.
 */
export function attributeRequest(
  url: string,
  pageUrl: string,
  beacon: Beacon | null,
  trackerDb: TrackerDb | null = null,
  cnames: CnameChains | null = null,
): RequestAttribution {
  const party = partyOf(url, pageUrl);
  const cloaked = party === "first" && cnames ? cloakingOf(url, cnames, trackerDb) : null;
  const cname = cloaked ? { cname: cloaked.chain } : {};
  if (beacon) return { party, entity: beacon.entity, tracker: beacon.tracker, category: "tracker", ...cname };
  if (cloaked)
    return { party, entity: cloaked.entity, tracker: cloaked.tracker, category: cloaked.category, ...cname };
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

/**
 * CNAME cloaking: a site's own subdomain (`metrics.shop.example`) that is an alias of a tracker's
 * servers, so the tracker receives first-party cookies and escapes third-party blocking. A host is
 * cloaked when a name in its CNAME chain (resolved by the crawler, stored with the page) belongs to
 * a tracker: the user's tracker database, the built-in list of known cloaking targets below, or
 * third-party-web where its category is one that watches (advertising, analytics, marketing); an
 * alias of a CDN or a host is an ordinary CNAME.
 */

import type { CnameChains } from "../capture/types.ts";
import { hostOf } from "../util/text.ts";
import { attributeUrl } from "./entities.ts";
import type { TrackerDb } from "./tracker-db.ts";

/**
 * Domains that trackers ask sites to point a CNAME at, by company: from published measurements
 * (Dimova et al., "The CNAME of the Game", PETS 2021; the Web Almanac's privacy chapter) and the
 * public cloaking blocklists (NextDNS, AdGuard).
 */
const CLOAKING_TARGETS: Array<[domain: string, entity: string, tracker: string]> = [
  ["omtrdc.net", "Adobe", "Adobe Experience Cloud"],
  ["2o7.net", "Adobe", "Adobe Experience Cloud"],
  ["data.adobedc.net", "Adobe", "Adobe Experience Cloud"],
  ["sc.adobedc.net", "Adobe", "Adobe Experience Cloud"],
  ["eulerian.net", "Eulerian", "Eulerian Analytics"],
  ["at-o.net", "AT Internet", "AT Internet"],
  ["ati-host.net", "AT Internet", "AT Internet"],
  ["keyade.com", "Keyade", "Keyade"],
  ["dnsdelegation.io", "Criteo", "Criteo"],
  ["storetail.io", "Criteo", "Criteo Retail Media"],
  ["eloqua.com", "Oracle", "Oracle Eloqua"],
  ["wizaly.com", "Wizaly", "Wizaly"],
  ["tagcommander.com", "Commanders Act", "TagCommander"],
  ["commander1.com", "Commanders Act", "TagCommander"],
  ["tracedock.com", "TraceDock", "TraceDock"],
  ["a88045584548111e997c60ac8a4ec150-1610510072.eu-central-1.elb.amazonaws.com", "TraceDock", "TraceDock"],
  ["afc4d9aa2a91d11e997c60ac8a4ec150-2082092489.eu-central-1.elb.amazonaws.com", "TraceDock", "TraceDock"],
  ["bp01.net", "NP6", "NP6"],
  ["affex.org", "Ingenious Technologies", "Ingenious Technologies"],
  ["webtrekk.net", "Mapp", "Webtrekk"],
  ["wt-eu02.net", "Mapp", "Webtrekk"],
  ["oghub.io", "Otto Group", "Otto Group"],
  ["partner.intentmedia.net", "Intent Media", "Intent Media"],
  ["trck.a8.net", "A8", "A8.net"],
  ["ebis.ne.jp", "Lockon", "AD EBiS"],
];

/** Categories (third-party-web's and the databases') of companies that watch rather than serve. */
const WATCHING =
  /^(ad|analytics|marketing|tag-manager|social)$|advertis|analytic|track|audience|fingerprint/i;

export interface Cloaking {
  entity: string;
  tracker: string;
  category: string;
  /** The host's CNAME chain, ending at (or past) the tracker's name. */
  chain: string[];
}

function builtIn(name: string): { entity: string; tracker: string } | null {
  for (const [domain, entity, tracker] of CLOAKING_TARGETS)
    if (name === domain || name.endsWith(`.${domain}`)) return { entity, tracker };
  return null;
}

/** Who is behind one name of a chain, when it is a tracker. */
function trackerOf(name: string, trackerDb: TrackerDb | null) {
  const url = `https://${name}/`;
  const listed = trackerDb?.lookup(url);
  if (listed && WATCHING.test(listed.category)) return listed;
  const known = builtIn(name);
  if (known) return { ...known, category: "tracker" };
  const web = attributeUrl(url);
  return web && WATCHING.test(web.category) ? web : null;
}

/** The tracker a first-party URL's host is an alias of, or null (not an alias, or of a CDN). */
export function cloakingOf(
  url: string,
  cnames: CnameChains,
  trackerDb: TrackerDb | null = null,
): Cloaking | null {
  const host = hostOf(url);
  // Own keys only: a host called "constructor" must not find Object's.
  const chain = host !== null && Object.hasOwn(cnames, host) ? cnames[host] : undefined;
  if (!Array.isArray(chain) || chain.length === 0) return null;
  for (const name of chain) {
    const who = trackerOf(name, trackerDb);
    if (who) return { entity: who.entity, tracker: who.tracker, category: who.category, chain };
  }
  return null;
}

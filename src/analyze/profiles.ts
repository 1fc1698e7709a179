/**
 * What each company could link about one visitor across the sites of a persistent crawl: the
 * identifiers it received, matched on their exact value, from more than one site. Pure: a function
 * of the stored findings, recomputed by `earshot analyze`.
 *
 * A value the second, fresh visitor was sent too is the same for everyone (a version, a constant),
 * not an identifier; so is a value that names the site's own account (a pixel ID) or one too short
 * to single anyone out.
 */
import { registrableDomain } from "../attribute/party.ts";
import type { Profile, ProfileCarrier, ProfileSighting } from "../derived/types.ts";
import { isFingerprint } from "./fingerprinting.ts";

/** Shorter values identify nobody (flags, counters, versions). */
const MIN_VALUE_LENGTH = 8;
const EVIDENCE_PER_PROFILE = 20;

/** How the identifier reached its company. */
export function carrierOf(s: ProfileSighting): ProfileCarrier {
  if (s.synced) return "synced";
  if (isFingerprint(s.identifier)) return "fingerprint";
  if (s.identifier.source === "storage") return "storage";
  // A cookie the browser did not hold (named by the decoder for where the vendor keeps it) travelled
  // as a value in the request.
  if (s.identifier.source !== "cookie" || !s.cookieDomain) return "parameter";
  const holder = registrableDomain(s.cookieDomain.replace(/^\./, ""));
  return holder !== null && holder === registrableDomain(s.site)
    ? "first_party_cookie"
    : "third_party_cookie";
}

function mayIdentify(s: ProfileSighting): boolean {
  const value = s.identifier.value;
  return value.length >= MIN_VALUE_LENGTH && !s.pixelIds.includes(value) && s.identifier.source !== "url";
}

/** Each company's profiles: identifiers sent from two sites or more, constants left out. */
export function profilesOf(sightings: readonly ProfileSighting[]): Profile[] {
  const control = sightings.filter((s) => s.control);
  const constants = new Set(control.map((s) => `${s.entity}\n${s.identifier.value}`));
  // Names under which the second visitor was sent a value of its own: they carry the visitor's ID.
  const checkedNames = new Set(control.map((s) => `${s.entity}\n${s.identifier.name}`));
  const groups = new Map<string, ProfileSighting[]>();
  for (const s of sightings) {
    if (s.control || !mayIdentify(s) || constants.has(`${s.entity}\n${s.identifier.value}`)) continue;
    const key = `${s.entity}\n${s.identifier.value}`;
    const group = groups.get(key);
    if (group) group.push(s);
    else groups.set(key, [s]);
  }
  const profiles: Profile[] = [];
  for (const group of groups.values()) {
    const sites = [
      ...new Set(group.sort((a, b) => a.siteOrder - b.siteOrder || a.at - b.at).map((s) => s.site)),
    ];
    if (sites.length < 2) continue;
    profiles.push(profileOf(group, sites, checkedNames));
  }
  return profiles.sort((a, b) => b.sites.length - a.sites.length || a.entity.localeCompare(b.entity));
}

function profileOf(group: ProfileSighting[], sites: string[], checkedNames: Set<string>): Profile {
  const first = group[0] as ProfileSighting;
  const pages = new Map<string, ProfileSighting>();
  for (const s of group) if (!pages.has(s.pageUrl)) pages.set(s.pageUrl, s);
  const sensitivePages = [...pages.values()]
    .filter((s) => s.sensitive.length > 0)
    .map((s) => ({ site: s.site, url: s.pageUrl, categories: s.sensitive }));
  const times = group.map((s) => s.at);
  return {
    entity: first.entity,
    tracker: mostCommon(group.map((s) => s.tracker)),
    name: mostCommon(group.map((s) => s.identifier.name)),
    carrier: mostCommon(group.map(carrierOf)) as ProfileCarrier,
    value: first.identifier.value,
    sites,
    pages: pages.size,
    sensitive: [...new Set(sensitivePages.flatMap((p) => p.categories))].sort(),
    sensitivePages,
    firstAt: Math.min(...times),
    lastAt: Math.max(...times),
    evidence: [...pages.values()]
      .slice(0, EVIDENCE_PER_PROFILE)
      .map((s) => ({ site: s.site, pageUrl: s.pageUrl, requestId: s.requestId })),
    control: group.some((s) => checkedNames.has(`${s.entity}\n${s.identifier.name}`))
      ? "differs"
      : "unchecked",
  };
}

function mostCommon(values: string[]): string {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1])[0]?.[0] ?? "";
}

/**
 * Identifier syncing ("cookie syncing"): one company's identifier for the visitor handed to another
 * company (in a redirect, a request's parameters or its body), so the second can join its profile to
 * the first's. Pure: computed from a page's stored capture, like every other finding.
 *
 * Whose identifier a value is, in this order of proof: the company whose response set the cookie
 * (Set-Cookie), the company whose domain the cookie lives on, else the company whose own tag sent it
 * as its identifier (a decoder names it: `_fbp` in Meta's pixel). A value the site's own server set
 * is the site's, and a value first seen only as something a tag received proves nothing: neither is
 * a source. A sync is then that value (plain, URL-encoded, base64 or hashed) in a request to a
 * different company. Not counted: values under 10 characters, without a digit, timestamps, URLs and
 * host names, the page's address, pixel and property IDs (constants of the site's tags), consent
 * strings (handed to every vendor by design), and values shared inside one company (a GA client ID
 * that Google Analytics and Google Ads both read).
 */

import { attributeRequest } from "../attribute/attribute-request.ts";
import type { Attribution } from "../attribute/attribution.ts";
import { partyOf, registrableDomain } from "../attribute/party.ts";
import type { TrackerDb } from "../attribute/tracker-db.ts";
import type { CapturedRequest, PageForAnalysis } from "../capture/types.ts";
import { isConsentRecordName, phaseOf } from "../classify/consent-state.ts";
import type { IdentifierSource } from "../decode/types.ts";
import type { IdSync, OwnershipProof, SyncEncoding, SyncMeans } from "../derived/types.ts";
import { hostOf } from "../util/text.ts";
import { attributePage, containsToken } from "./findings.ts";
import { hash, requestPlaces } from "./leaks.ts";

interface OwnedId {
  value: string;
  entity: string;
  tracker: string;
  name: string;
  source: IdentifierSource;
  proof: OwnershipProof;
}

const MIN_SYNC_ID = 10;
const MAX_SYNC_ID = 512;
const MAX_OWNED = 200;
const MAX_SYNCS = 100;

/** Whether a value can be a visitor identifier at all (see the rule at the top). */
export function isSyncableId(value: string, pageUrl: string): boolean {
  if (value.length < MIN_SYNC_ID || value.length > MAX_SYNC_ID) return false;
  if (!/\d/.test(value) || /^(.)\1*$/.test(value)) return false;
  if (/^\d{10}(\d{3})?$/.test(value)) {
    const seconds = Number(value.slice(0, 10));
    if (seconds > 946684800 && seconds < 4102444800) return false; // 2000 to 2100: a timestamp
  }
  if (/:\/\/|^www\.|^[\w.-]+\.[a-z]{2,}(\/|$)/i.test(value) || /^[{[]/.test(value)) return false;
  return !pageUrl.includes(value);
}

/** The cookies a response's Set-Cookie headers set: name and value (decoded when URL-encoded). */
function setCookies(request: CapturedRequest): Array<{ name: string; value: string }> {
  const headers = request.responseHeaders ?? {};
  const out: Array<{ name: string; value: string }> = [];
  for (const [header, text] of Object.entries(headers)) {
    if (header.toLowerCase() !== "set-cookie") continue;
    for (const line of String(text).split("\n")) {
      const pair = line.split(";")[0] ?? "";
      const at = pair.indexOf("=");
      if (at > 0) out.push({ name: pair.slice(0, at).trim(), value: pair.slice(at + 1).trim() });
    }
  }
  return out;
}

/** Whether the response at `url` could have set a cookie for `domain` (setters are noted by name). */
function domainMatches(url: string, domain: string): boolean {
  const host = hostOf(url);
  const d = domain.replace(/^\./, "");
  return host !== null && (host === d || host.endsWith(`.${d}`));
}

/** Who a host belongs to, for a cookie that lives on it. */
function ownerOfDomain(domain: string, pageUrl: string, trackerDb: TrackerDb | null) {
  const url = `https://${domain.replace(/^\./, "")}/`;
  if (partyOf(url, pageUrl) === "first") return null;
  const who = attributeRequest(url, pageUrl, null, trackerDb);
  if (who.entity) return who;
  const name = registrableDomain(url) ?? domain;
  return { entity: name, tracker: name };
}

/** Every value the page's capture proves to be some company's identifier for the visitor. */
function ownedIds(page: PageForAnalysis, who: Attribution[], trackerDb: TrackerDb | null): OwnedId[] {
  const owned = new Map<string, OwnedId | null>(); // null: the site's own, or not a source
  const claim = (id: OwnedId | null, value: string) => {
    if (owned.has(value) || owned.size >= MAX_OWNED) return;
    owned.set(value, id && isSyncableId(value, page.pageUrl) ? id : null);
  };
  // Cookies a response set (whether or not the browser kept them: third-party cookies may be blocked).
  page.requests.forEach((request, i) => {
    const to = who[i];
    for (const { name, value } of setCookies(request)) {
      if (isConsentRecordName(name)) continue;
      const setter = to?.entity && to.tracker ? { entity: to.entity, tracker: to.tracker } : null;
      claim(setter && { ...setter, value, name, source: "cookie", proof: "set_cookie" }, value);
    }
  });
  for (const c of page.cookies) {
    if (isConsentRecordName(c.name)) continue;
    const base = { value: c.value, name: c.name, source: "cookie" as const };
    if (c.setBy && domainMatches(c.setBy, c.domain)) {
      const setter = attributeRequest(c.setBy, page.pageUrl, null, trackerDb);
      claim(
        setter.entity && setter.tracker
          ? { ...base, entity: setter.entity, tracker: setter.tracker, proof: "set_cookie" }
          : null,
        c.value,
      );
      continue;
    }
    const domainOwner = ownerOfDomain(c.domain, page.pageUrl, trackerDb);
    if (domainOwner?.entity && domainOwner.tracker)
      claim(
        { ...base, entity: domainOwner.entity, tracker: domainOwner.tracker, proof: "cookie_domain" },
        c.value,
      );
  }
  // The rest by the tag that sent it as its own identifier, in the order the tags sent them.
  page.requests.forEach((_request, i) => {
    const beacon = who[i]?.beacon;
    if (!beacon) return;
    for (const raw of beacon.identifiers) {
      if (isConsentRecordName(raw.param) || (raw.cookie && isConsentRecordName(raw.cookie))) continue;
      const cookie = page.cookies.find((c) => c.name === raw.cookie || containsToken(c.value, raw.value));
      const item = cookie ? undefined : page.storage.find((s) => containsToken(s.value, raw.value));
      const name = cookie?.name ?? item?.key ?? raw.cookie ?? raw.param;
      const source: IdentifierSource = cookie || raw.cookie ? "cookie" : item ? "storage" : "generated";
      claim(
        { value: raw.value, entity: beacon.entity, tracker: beacon.tracker, name, source, proof: "own_tag" },
        raw.value,
      );
    }
  });
  const constants = new Set(who.flatMap((w) => w.beacon?.pixelIds ?? []));
  return [...owned.values()].filter((id): id is OwnedId => id !== null && !constants.has(id.value));
}

/** The forms a value travels in, each with the text to look for. */
function encodings(value: string): Array<[SyncEncoding, string]> {
  const b64 = Buffer.from(value).toString("base64").replace(/=+$/, "");
  const out: Array<[SyncEncoding, string]> = [
    ["plain", value],
    ["url", encodeURIComponent(value)],
    ["base64", b64],
    ["base64", b64.replace(/\+/g, "-").replace(/\//g, "_")],
    ["md5", hash("md5", value)],
    ["sha1", hash("sha1", value)],
    ["sha256", hash("sha256", value)],
  ];
  return out.filter(
    ([encoding, text], i) => encoding === "plain" || out.findIndex(([, t]) => t === text) === i,
  );
}

const HASHED = new Set<SyncEncoding>(["md5", "sha1", "sha256"]);

/** A request's places (query, path, body: not headers), read once for every identifier looked for. */
interface Places {
  places: Array<[string, string]>;
  /** Every place's text together, as is and lowercased: a quick "is it anywhere" before "where". */
  all: string;
  lower: string;
}

function placesOf(request: CapturedRequest): Places {
  const places = requestPlaces({ ...request, requestHeaders: {} });
  const all = places.map(([, text]) => text).join("\n");
  return { places, all, lower: all.toLowerCase() };
}

/** Where in a request a value is carried, and in which form; null when it is not. */
function carried(request: Places, forms: Array<[SyncEncoding, string]>) {
  if (!forms.some(([encoding, form]) => (HASHED.has(encoding) ? request.lower : request.all).includes(form)))
    return null;
  for (const [where, text] of request.places) {
    for (const [encoding, form] of forms) {
      const found = HASHED.has(encoding) ? text.toLowerCase().includes(form) : containsToken(text, form);
      if (found) return { where, encoding };
    }
  }
  return null;
}

/** The company a request went to, named as findings name it (a domain when no database knows it). */
function receiver(request: CapturedRequest, who: Attribution | undefined) {
  if (!who || (who.party === "first" && !who.beacon && !who.cname)) return null;
  const entity = who.entity ?? registrableDomain(request.url);
  return entity ? { entity, tracker: who.tracker ?? entity } : null;
}

/**
 * Every identifier sync on one page. `who` is each request's attribution, computed once for the
 * page's findings and passed in.
 */
export function syncsForPage(
  page: PageForAnalysis,
  attributions: Attribution[] | null = null,
  trackerDb: TrackerDb | null = null,
): IdSync[] {
  // Attributed as the page's findings are (its CNAME chains and the tracker database included).
  const who = attributions ?? attributePage(page, trackerDb);
  const owned = ownedIds(page, who, trackerDb).map((id) => ({ id, forms: encodings(id.value) }));
  if (owned.length === 0) return [];
  const syncs = new Map<string, IdSync>();
  page.requests.forEach((request, index) => {
    if (!/^https?:/.test(request.url)) return;
    const to = receiver(request, who[index]);
    if (!to) return;
    const places = placesOf(request);
    for (const { id, forms } of owned) {
      if (id.entity === to.entity) continue;
      const at = carried(places, forms);
      if (!at) continue;
      const means: SyncMeans =
        request.hop > 0 ? "redirect" : at.where.startsWith("body") ? "body" : "parameter";
      const key = [id.entity, id.name, to.entity, to.tracker, means].join("\u0000");
      const known = syncs.get(key);
      if (known) {
        known.requests++;
        if (known.evidence.length < 20) known.evidence.push(index);
        continue;
      }
      if (syncs.size >= MAX_SYNCS) return;
      syncs.set(key, {
        sourceEntity: id.entity,
        sourceTracker: id.tracker,
        idName: id.name,
        idSource: id.source,
        proof: id.proof,
        entity: to.entity,
        tracker: to.tracker,
        means,
        encoding: at.encoding,
        where: at.where,
        phase: phaseOf(page.consent ?? null, request.sentAt),
        requests: 1,
        evidence: [index],
        value: id.value,
      });
    }
  });
  return [...syncs.values()];
}

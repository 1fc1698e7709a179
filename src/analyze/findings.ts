import { type Attribution, attributeStored } from "../attribute/attribution.ts";
import { registrableDomain } from "../attribute/party.ts";
import type { TrackerDb } from "../attribute/tracker-db.ts";
import type { CapturedCookie, CapturedRequest, Identity, PageForAnalysis } from "../capture/types.ts";
import { phaseOf } from "../classify/consent-state.ts";
import type { Beacon, DataShared, Identifier, RawIdentifier } from "../decode/types.ts";
import type { Finding, Phase } from "../derived/types.ts";
import { hostOf } from "../util/text.ts";
import { findLeaks, identityNeedles, leakShares } from "./leaks.ts";

// Categories (third-party-web's, Disconnect's, Tracker Radar's, Ghostery's) of hosts that serve
// content rather than watch: they produce a finding only when they receive an identifier. Hosts of
// every other category also do when they receive the page's address.
const NOT_TRACKING =
  /cdn|content|hosting|library|utilit|font|video|consent|essential|owned|email|misc|social-media-widget/i;
const MAX_IDENTIFIERS = 50;
const MIN_ID_LENGTH = 8;

/** Order the vocabulary is listed in, so findings read the same way every time. */
const ORDER: DataShared[] = [
  "ip_address",
  "user_agent",
  "page_url",
  "referrer",
  "page_title",
  "unique_id",
  "event",
  "form_data",
  "email",
  "hashed_email",
  "phone",
  "hashed_phone",
  "name",
  "address",
  "custom_data",
];

/** A finding for a tracker that has received nothing yet: what each kind of evidence adds to. */
export function emptyFinding(entity: string, tracker: string, phase: Phase): Finding {
  return {
    entity,
    tracker,
    requests: 0,
    pixelIds: [],
    events: [],
    dataShared: [],
    identifiers: [],
    leaks: [],
    phase,
    kind: "data",
    evidence: [],
    cloaked: [],
  };
}

/** Data shared, each once, in the vocabulary's order. */
export function inVocabularyOrder(shared: Iterable<DataShared>): DataShared[] {
  const set = new Set(shared);
  return ORDER.filter((s) => set.has(s));
}

function cookieHeaderNames(headers: Record<string, string>): Array<{ name: string; value: string }> {
  const header = headers.cookie;
  if (!header) return [];
  return header
    .split(/;\s*/)
    .map((pair) => {
      const i = pair.indexOf("=");
      return { name: pair.slice(0, i).trim(), value: pair.slice(i + 1).trim() };
    })
    .filter((c) => c.name && c.value.length >= 6);
}

/**
 * Whether `value` occurs in `text` as a whole token (not inside a longer run of letters and digits):
 * a session timestamp "1795940844" is in `_ga_X` "GS1.1.1795940844.1", not in `_fbp` "fb.1.1795940844148.…".
 */
export function containsToken(text: string, value: string): boolean {
  const word = /[A-Za-z0-9]/;
  for (let i = text.indexOf(value); i >= 0; i = text.indexOf(value, i + 1)) {
    const before = text[i - 1];
    const after = text[i + value.length];
    const startsWord = word.test(value[0] ?? "");
    const endsWord = word.test(value[value.length - 1] ?? "");
    if ((!startsWord || !before || !word.test(before)) && (!endsWord || !after || !word.test(after)))
      return true;
  }
  return false;
}

/** Finds where an identifier's value lives: a cookie, a storage key, the page URL, or nowhere (generated). */
function linkIdentifier(raw: RawIdentifier, page: PageForAnalysis): Identifier {
  const value = raw.value;
  const cookie =
    page.cookies.find((c) => raw.cookie && c.name === raw.cookie && c.value.includes(value)) ??
    (value.length >= MIN_ID_LENGTH ? page.cookies.find((c) => containsToken(c.value, value)) : undefined);
  if (cookie) return { name: cookie.name, source: "cookie", value };
  const item =
    value.length >= MIN_ID_LENGTH ? page.storage.find((s) => containsToken(s.value, value)) : undefined;
  if (item) return { name: item.key, source: "storage", value };
  if (value.length >= 4 && page.pageUrl.includes(value)) return { name: raw.param, source: "url", value };
  // Not among the cookies read at the end of the page (set and cleared, or third-party): name the
  // cookie the vendor documents for it, else the parameter of an ID made up for this request.
  if (raw.cookie) return { name: raw.cookie, source: "cookie", value };
  return { name: raw.param, source: "generated", value };
}

// Resource types of a download: a script, style sheet or font fetched with no decoder's beacon in it.
const DOWNLOADS = new Set(["script", "stylesheet", "font"]);

/** Whether a request only fetched the tracker's code or configuration (it carried no beacon). */
function isDownload(request: CapturedRequest, beacon: Beacon | null): boolean {
  if (beacon) return beacon.kind === "loader";
  return DOWNLOADS.has(request.resourceType ?? "");
}

function carriesPageUrl(request: CapturedRequest, pageUrl: string): boolean {
  const bare = pageUrl.split("#")[0] ?? pageUrl;
  let path = "";
  try {
    path = new URL(bare).pathname;
  } catch {
    return false;
  }
  // The Referer header carries the full address unless the policy cut it to the origin.
  const referer = request.requestHeaders.referer ?? "";
  if (referer && path !== "/" && referer.startsWith(bare)) return true;
  if (referer && path === "/" && referer === bare) return true;
  const haystack = `${request.url}\n${request.postData ?? ""}`;
  return haystack.includes(bare) || haystack.includes(encodeURIComponent(bare));
}

/** The persistent identifiers one request carried: its beacon's, cookies sent along, cookie values copied in. */
function identifiersSent(
  request: CapturedRequest,
  beacon: Beacon | null,
  page: PageForAnalysis,
  idCookies: CapturedCookie[],
  tracking: boolean,
): Identifier[] {
  const identifiers: Identifier[] = (beacon?.identifiers ?? []).map((raw) => linkIdentifier(raw, page));
  // Third-party cookies sent along are identifiers too, whoever reads them; so are the site's own
  // cookies that a browser sends to a cloaked host.
  if (tracking) {
    for (const c of cookieHeaderNames(request.requestHeaders))
      identifiers.push({ name: c.name, source: "cookie", value: c.value });
  }
  // First-party cookie values copied into a request (an ID handed over in the URL or body).
  const haystack = `${request.url}\n${request.postData ?? ""}`;
  for (const c of idCookies) {
    if (identifiers.some((i) => i.value.includes(c.value) || c.value.includes(i.value))) continue;
    if (haystack.includes(c.value) || haystack.includes(encodeURIComponent(c.value))) {
      identifiers.push({ name: c.name, source: "cookie", value: c.value });
    }
  }
  return identifiers;
}

/**
 * Who received what from one page: one finding per tracker. A pure function of the capture, so a
 * stored crawl can be analysed again with better decoders.
 */
export interface AnalysisOptions {
  /** A user-supplied tracker database, consulted before the built-in one. */
  trackerDb?: TrackerDb | null;
  /** The synthetic identity to look for in every request (forms were filled with it). */
  identity?: Identity | null;
}

const needleCache = new Map<string, ReturnType<typeof identityNeedles>>();
function needlesFor(identity: Identity | null | undefined): ReturnType<typeof identityNeedles> {
  if (!identity) return [];
  const key = JSON.stringify(identity);
  let needles = needleCache.get(key);
  if (!needles) {
    needles = identityNeedles(identity);
    needleCache.set(key, needles);
  }
  return needles;
}

/** Each request's attribution and decoded beacon, computed once for everything a page's analysis derives. */
export function attributePage(page: PageForAnalysis, trackerDb: TrackerDb | null = null): Attribution[] {
  return page.requests.map((request) =>
    attributeStored(request, page.pageUrl, trackerDb, page.cnames ?? null),
  );
}

export function findingsForPage(
  page: PageForAnalysis,
  options: AnalysisOptions = {},
  attributions: Attribution[] = attributePage(page, options.trackerDb ?? null),
): Finding[] {
  const needles = needlesFor(options.identity);
  const byTracker = new Map<string, Finding>();
  const idCookies = page.cookies.filter((c) => c.value.length >= MIN_ID_LENGTH);
  page.requests.forEach((request, index) => {
    if (!/^(https?|wss?):/.test(request.url)) return;
    const who =
      attributions[index] ??
      attributeStored(request, page.pageUrl, options.trackerDb ?? null, page.cnames ?? null);
    const beacon = who.beacon;
    // A cloaked host is first-party in the browser's eyes and a tracker's in fact.
    const tracking = who.party === "third" || who.cname !== undefined;
    if (who.party === "first" && !beacon && !who.cname) return;
    const identifiers = identifiersSent(request, beacon, page, idCookies, tracking);
    const pageUrlSent = Boolean(beacon?.pageUrl) || carriesPageUrl(request, page.pageUrl);
    const leaks = needles.length > 0 && (tracking || beacon !== null) ? findLeaks(request, needles) : [];
    // The identity only exists in the page once the crawler types it: sent before the submit, it was
    // read from the fields as they were filled.
    const submittedAt = page.formSubmittedAt ?? null;
    if (submittedAt !== null && request.sentAt < submittedAt) for (const leak of leaks) leak.keylogged = true;
    if (!beacon) {
      if (who.entity === null) {
        // A third party no database knows: reported, under its domain, only when it received an ID.
        if (identifiers.length === 0 && leaks.length === 0) return;
        who.entity = registrableDomain(request.url) ?? "unknown";
        who.tracker = who.entity;
      } else if (who.category === null || NOT_TRACKING.test(who.category)) {
        // A CDN, font or content host is not a tracker unless it received an identifier.
        if (identifiers.length === 0 && leaks.length === 0) return;
      } else if (identifiers.length === 0 && !pageUrlSent && leaks.length === 0) {
        return;
      }
    }
    if (!who.entity || !who.tracker) return;
    // Split by phase: a tracker that fired before any choice is its own finding.
    const phase = phaseOf(page.consent ?? null, request.sentAt);
    const key = `${who.entity}\u0000${who.tracker}\u0000${phase}`;
    let finding = byTracker.get(key);
    if (!finding) {
      finding = emptyFinding(who.entity, who.tracker, phase);
      finding.kind = "script_loaded";
      byTracker.set(key, finding);
    }
    if (leaks.length > 0 || !isDownload(request, beacon)) finding.kind = "data";
    finding.requests++;
    finding.evidence.push(index);
    const host = who.cname ? hostOf(request.url) : null;
    if (host && who.cname && !finding.cloaked.some((c) => c.host === host))
      finding.cloaked.push({ host, chain: who.cname });
    const shared = new Set<DataShared>(finding.dataShared);
    shared.add("ip_address");
    if (request.requestHeaders["user-agent"]) shared.add("user_agent");
    if (pageUrlSent) shared.add("page_url");
    for (const s of beacon?.shared ?? []) shared.add(s);
    if (identifiers.length) shared.add("unique_id");
    for (const s of leakShares(leaks)) shared.add(s);
    for (const leak of leaks) {
      if (!finding.leaks.some((l) => l.field === leak.field && l.encoding === leak.encoding))
        finding.leaks.push(leak);
    }
    finding.dataShared = inVocabularyOrder(shared);
    for (const id of beacon?.pixelIds ?? []) if (!finding.pixelIds.includes(id)) finding.pixelIds.push(id);
    for (const e of beacon?.events ?? []) if (!finding.events.includes(e)) finding.events.push(e);
    for (const id of identifiers) {
      if (finding.identifiers.length >= MAX_IDENTIFIERS) break;
      if (!finding.identifiers.some((i) => i.name === id.name && i.source === id.source))
        finding.identifiers.push(id);
    }
  });
  return [...byTracker.values()];
}

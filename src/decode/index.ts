import type { Beacon, Decoder, DecoderInput } from "./types.ts";
import { adobeAnalytics, adobeAudienceManager, adobeWebSdk } from "./vendors/adobe.ts";
import { amazonAds } from "./vendors/amazon.ts";
import { comscore } from "./vendors/comscore.ts";
import { criteo } from "./vendors/criteo.ts";
import { fullstory } from "./vendors/fullstory.ts";
import { floodlight, googleAds } from "./vendors/google-ads.ts";
import { ga4, googleTagLoader, universalAnalytics } from "./vendors/google-analytics.ts";
import { hotjar } from "./vendors/hotjar.ts";
import { linkedin } from "./vendors/linkedin.ts";
import { liveramp } from "./vendors/liveramp.ts";
import { logrocket } from "./vendors/logrocket.ts";
import { lotame } from "./vendors/lotame.ts";
import { matomo } from "./vendors/matomo.ts";
import { meta } from "./vendors/meta.ts";
import { microsoftClarity, microsoftUet } from "./vendors/microsoft.ts";
import { mouseflow } from "./vendors/mouseflow.ts";
import { nextdoor } from "./vendors/nextdoor.ts";
import { outbrain } from "./vendors/outbrain.ts";
import { pinterest } from "./vendors/pinterest.ts";
import { quantcast } from "./vendors/quantcast.ts";
import { quantumMetric } from "./vendors/quantum-metric.ts";
import { reddit } from "./vendors/reddit.ts";
import { segment } from "./vendors/segment.ts";
import { simplifi } from "./vendors/simplifi.ts";
import { smartlook } from "./vendors/smartlook.ts";
import { snap } from "./vendors/snap.ts";
import { stackadapt } from "./vendors/stackadapt.ts";
import { taboola } from "./vendors/taboola.ts";
import { tapad } from "./vendors/tapad.ts";
import { tiktok } from "./vendors/tiktok.ts";
import { tradeDesk } from "./vendors/trade-desk.ts";
import { x } from "./vendors/x.ts";
import { xandr } from "./vendors/xandr.ts";
import { yahoo } from "./vendors/yahoo.ts";
import { yandexWebvisor } from "./vendors/yandex-metrica.ts";

/** Every vendor decoder, tried in order; the first that recognises a request decodes it. Add a vendor here. */
export const DECODERS: readonly Decoder[] = [
  tiktok,
  meta,
  ga4,
  universalAnalytics,
  googleAds,
  floodlight,
  googleTagLoader,
  linkedin,
  snap,
  pinterest,
  x,
  microsoftUet,
  microsoftClarity,
  reddit,
  criteo,
  hotjar,
  segment,
  matomo,
  // Advertising, measurement and identity vendors that censuses meet on the real web.
  adobeAnalytics,
  adobeAudienceManager,
  adobeWebSdk,
  outbrain,
  taboola,
  comscore,
  tradeDesk,
  xandr,
  quantcast,
  amazonAds,
  nextdoor,
  yahoo,
  liveramp,
  tapad,
  lotame,
  stackadapt,
  simplifi,
  // Session-replay services (Hotjar and Microsoft Clarity above).
  fullstory,
  logrocket,
  mouseflow,
  smartlook,
  yandexWebvisor,
  quantumMetric,
];

/**
 * Decodes one request with the first decoder that knows it; null when none does. Never throws: a
 * decoder that trips on a hostile or drifted format is skipped, and `onError` (the tests pass one
 * that fails) is told.
 */
export function decodeRequest(
  input: DecoderInput,
  onError: (decoder: Decoder, error: unknown) => void = () => {},
): Beacon | null {
  for (const decoder of DECODERS) {
    let beacon: Beacon | null;
    try {
      beacon = decoder.decode(input);
    } catch (error) {
      onError(decoder, error);
      continue;
    }
    if (!beacon) continue;
    if (beacon.pageUrl) beacon.shared.unshift("page_url");
    if (beacon.referrer) beacon.shared.push("referrer");
    if (beacon.pageTitle) beacon.shared.push("page_title");
    if (beacon.events.length) beacon.shared.push("event");
    if (beacon.identifiers.length) beacon.shared.push("unique_id");
    beacon.shared = [...new Set(beacon.shared)];
    return beacon;
  }
  return null;
}

/** What a key of a vendor's beacons means (`ud[em]`: "email address for matching (hashed)"), or null. */
export function meaningOf(vendor: string, key: string): string | null {
  return DECODERS.find((d) => d.id === vendor)?.meaningOf(key) ?? null;
}

/** Each key of a beacon's details with what it means, for a reader (keys no decoder explains left out). */
export function meaningsOf(beacon: Pick<Beacon, "vendor" | "details">): Record<string, string> {
  const meanings: Record<string, string> = {};
  for (const key of Object.keys(beacon.details)) {
    const meaning = meaningOf(beacon.vendor, key);
    if (meaning) meanings[key] = meaning;
  }
  return meanings;
}

/** Builds decoder input from stored request fields; null for URLs that are not http(s). */
export function decoderInput(
  url: string,
  method: string,
  body: string | null,
  headers: Record<string, string> = {},
): DecoderInput | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:" && parsed.protocol !== "wss:") return null;
  return { url: parsed, method: method.toUpperCase(), body, headers };
}

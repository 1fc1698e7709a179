import { getDomain, getHostname } from "tldts";

/** The registrable domain (eTLD+1) of a URL or host; the host itself when it has none (IPs, unknown suffixes). */
export function registrableDomain(urlOrHost: string): string | null {
  const host = getHostname(urlOrHost);
  if (!host) return null;
  return getDomain(host, { allowPrivateDomains: true }) ?? host;
}

export type Party = "first" | "third";

/** First party when the request goes to the same registrable domain as the top-level page. */
export function partyOf(requestUrl: string, pageUrl: string): Party {
  const request = registrableDomain(requestUrl);
  const page = registrableDomain(pageUrl);
  return request !== null && request === page ? "first" : "third";
}

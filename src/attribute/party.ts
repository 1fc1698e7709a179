import { createRequire } from "node:module";

type Tldts = typeof import("tldts");
const require = createRequire(import.meta.url);
let loaded: Tldts | null = null;

/** The public-suffix list, loaded on first use: a command that never asks (decode, help) does not pay for it. */
export function tldts(): Tldts {
  loaded ??= require("tldts") as Tldts;
  return loaded;
}

/** The registrable domain (eTLD+1) of a URL or host; the host itself when it has none (IPs, unknown suffixes). */
export function registrableDomain(urlOrHost: string): string | null {
  const { getDomain, getHostname } = tldts();
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

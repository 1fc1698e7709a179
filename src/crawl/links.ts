import { getDomain } from "tldts";
import { linkSensitivity } from "../classify/sensitive.ts";
import { decodeUriSafe } from "../util/text.ts";

/** A link as found on a page. */
export interface PageLink {
  href: string;
  text: string;
}

const AVOID = /(log-?out|sign-?out|log-?in|sign-?in|register|cart|checkout|unsubscribe|print|share)/i;
const NOT_A_PAGE =
  /\.(pdf|zip|gz|tgz|rar|7z|jpe?g|png|gif|webp|svg|ico|mp[34]|m4a|mov|avi|wav|docx?|xlsx?|pptx?|exe|dmg|iso|apk|csv|xml|json|rss|txt)$/i;

/**
 * The classifier's own terms rank the links (one list to maintain), so a five-page budget reaches
 * the domestic-violence page in the footer before "About us".
 */
function score(url: URL, text: string): number {
  const path = decodeUriSafe(url.pathname + url.search);
  let s = linkSensitivity(url.href, text);
  if (AVOID.test(path) || AVOID.test(text)) s -= 5;
  return s;
}

/** A URL without its fragment, for telling pages apart. */
export function pageKey(url: string): string {
  try {
    const u = new URL(url);
    u.hash = "";
    return u.href;
  } catch {
    return url;
  }
}

/**
 * Chooses up to `count` subpages of the same site (same registrable domain as `homeUrl`), the most
 * sensitive-looking first, then in page order. Skips files, other schemes and pages already visited.
 */
export function pickSubpages(
  links: PageLink[],
  homeUrl: string,
  count: number,
  visited: Set<string>,
): string[] {
  if (count <= 0) return [];
  const homeHost = new URL(homeUrl).hostname;
  const site = getDomain(homeHost) ?? homeHost;
  const candidates: Array<{ url: string; score: number; order: number }> = [];
  const seen = new Set(visited);
  links.forEach((link, order) => {
    let url: URL;
    try {
      url = new URL(link.href, homeUrl);
    } catch {
      return;
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") return;
    if ((getDomain(url.hostname) ?? url.hostname) !== site) return;
    if (NOT_A_PAGE.test(url.pathname)) return;
    url.hash = "";
    const key = url.href;
    if (seen.has(key)) return;
    seen.add(key);
    candidates.push({ url: key, score: score(url, link.text.slice(0, 200)), order });
  });
  candidates.sort((a, b) => b.score - a.score || a.order - b.order);
  return candidates.slice(0, count).map((c) => c.url);
}

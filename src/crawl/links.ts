import { getDomain } from "tldts";

/** A link as found on a page. */
export interface PageLink {
  href: string;
  text: string;
}

// Words in a URL path or link text that suggest a page about a sensitive subject. The classifier
// (classify/) decides what a page is about after the visit; this only orders the links to visit.
const SENSITIVE_WORDS = [
  "health",
  "medical",
  "clinic",
  "hospital",
  "doctor",
  "patient",
  "hiv",
  "cancer",
  "diabetes",
  "disease",
  "symptom",
  "pregnan",
  "abortion",
  "contracept",
  "fertility",
  "ivf",
  "reproductive",
  "planned-parenthood",
  "std",
  "sti",
  "mental",
  "depress",
  "anxiety",
  "suicide",
  "therapy",
  "therapist",
  "counsel",
  "crisis",
  "psychiatr",
  "addiction",
  "substance",
  "alcohol",
  "opioid",
  "drug",
  "recovery",
  "rehab",
  "weight-loss",
  "weightloss",
  "church",
  "faith",
  "pray",
  "worship",
  "ministry",
  "mosque",
  "synagogue",
  "bible",
  "sermon",
  "religio",
  "domestic-violence",
  "domestic violence",
  "abuse",
  "assault",
  "violence",
  "shelter",
  "hotline",
  "stalking",
  "snap",
  "food-assistance",
  "food assistance",
  "food-stamps",
  "benefit",
  "welfare",
  "medicaid",
  "wic",
  "tanf",
  "unemployment",
  "assistance",
  "housing",
  "eviction",
  "debt",
  "bankrupt",
  "foreclos",
  "payday",
  "loan",
  "credit-repair",
  "lgbt",
  "gay",
  "lesbian",
  "transgender",
  "queer",
  "pride",
  "gender",
  "immigra",
  "visa",
  "asylum",
  "refugee",
  "citizenship",
  "daca",
  "deport",
  "green-card",
  "child",
  "kids",
  "youth",
  "parent",
  "teen",
  "adopt",
  "foster",
];

const AVOID = /(log-?out|sign-?out|log-?in|sign-?in|register|cart|checkout|unsubscribe|print|share)/i;
const NOT_A_PAGE =
  /\.(pdf|zip|gz|tgz|rar|7z|jpe?g|png|gif|webp|svg|ico|mp[34]|m4a|mov|avi|wav|docx?|xlsx?|pptx?|exe|dmg|iso|apk|csv|xml|json|rss|txt)$/i;

function score(path: string, text: string): number {
  const p = decodeSafe(path).toLowerCase().replace(/[_/]+/g, "-");
  const t = text.toLowerCase();
  let s = 0;
  for (const word of SENSITIVE_WORDS) {
    if (p.includes(word.replace(/ /g, "-"))) s += 2;
    if (t.includes(word.replace(/-/g, " "))) s += 1;
  }
  if (AVOID.test(p) || AVOID.test(t)) s -= 5;
  return s;
}

function decodeSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
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
    candidates.push({ url: key, score: score(url.pathname + url.search, link.text.slice(0, 200)), order });
  });
  candidates.sort((a, b) => b.score - a.score || a.order - b.order);
  return candidates.slice(0, count).map((c) => c.url);
}

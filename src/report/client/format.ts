/** Words for codes: categories, phases, what was shared. Shared by the views. */
import { CATEGORY_LABELS, categoryLabel } from "../../classify/category-labels.ts";
import { h } from "./dom.ts";

export { CATEGORY_LABELS, categoryLabel };

export const PHASE_LABELS: Record<string, string> = {
  before_consent: "before consent",
  after_consent: "after consent",
  no_consent_prompt: "no consent banner",
};

export function categoryBadges(categories: string[]): HTMLElement {
  return h(
    "span",
    { class: "badges" },
    categories.map((c) => h("span", { class: "badge" }, categoryLabel(c))),
  );
}

/** The page's address without the scheme, cut to fit a table cell. */
export function shortUrl(url: string, max = 80): string {
  const bare = url.replace(/^https?:\/\//, "");
  return bare.length <= max ? bare : `${bare.slice(0, max - 1)}…`;
}

/** A company's own page in the report and the UI. */
export function companyHref(entity: string): string {
  return `#/company/${encodeURIComponent(entity)}`;
}

export function siteHref(site: string): string {
  return `#/site/${encodeURIComponent(site)}`;
}

export function siteLink(site: string): HTMLElement {
  return h("a", { href: siteHref(site) }, site);
}

export function date(ms: number | null): string {
  return ms ? `${new Date(ms).toISOString().replace("T", " ").slice(0, 16)} UTC` : "unknown";
}

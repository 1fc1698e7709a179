/**
 * How a page's main content is read, as one script: the crawl runs it in the page, an import runs it
 * over the document's HTML (`html-text.ts`), so a page is classified from the same text either way.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { clip } from "../util/bound.ts";
import { LIMITS } from "../util/limits.ts";
import type { PageText } from "./types.ts";

const require = createRequire(import.meta.url);
let readability: string | null = null;
/** Mozilla's Readability (Apache-2.0), Firefox's reader view: what a page's main content is. */
function readabilitySource(): string {
  readability ??= readFileSync(require.resolve("@mozilla/readability/Readability.js"), "utf8");
  return readability;
}

/**
 * The page's main content as a reader sees it: Readability's article text when it finds one (menus,
 * footers, sidebars and cookie notices left out) when it lies within the page's own `main`, else the
 * text of `main`/`article`/`body` without
 * navigation, header, footer and asides. Headings come from the page itself (Readability drops the
 * title's), outside navigation. Run in the page, as a string (the TypeScript loader wraps functions
 * in a helper the page lacks); a page of more than 5,000 elements skips Readability.
 */
function readScript(): string {
  return `(() => {
  const clean = (s) => String(s || "").replace(/\\s+/g, " ").trim();
  const meta = (selector) => { const m = document.querySelector(selector); return m ? clean(m.getAttribute("content")).slice(0, 500) : ""; };
  let article = null;
  try {
    const module = { exports: null };
    ${readabilitySource()}
    const Reader = module.exports || Readability;
    // Counted before cloning: a huge document is not copied only to be refused.
    if (document.getElementsByTagName("*").length <= 5000)
      article = new Reader(document.cloneNode(true), { charThreshold: 80, maxElemsToParse: 5000 }).parse();
  } catch (e) { article = null; }
  const root = document.querySelector("main, [role=main], article") || document.body;
  if (!root) return null;
  const copy = root.cloneNode(true);
  copy.querySelectorAll("nav, header, footer, aside, script, style, noscript, template, [role=navigation], [role=banner], [role=contentinfo], [aria-hidden=true]").forEach((e) => e.remove());
  const headings = Array.from(copy.querySelectorAll("h1, h2, h3")).slice(0, ${LIMITS.headings})
    .map((h) => h.tagName.toLowerCase() + ":" + clean(h.textContent).slice(0, ${LIMITS.headingText}))
    .filter((h) => h.length > 3);
  // Readability can pick a footer over a short article, or take the header and footer with it:
  // where the page marks its main content, the article is used only when it lies within it.
  const articleText = article ? clean(article.textContent) : "";
  const mainText = clean(copy.textContent);
  const marked = root !== document.body && mainText.length >= 20;
  const within = !marked || mainText.includes(articleText.slice(0, 60));
  const text = articleText.length >= 80 && within ? articleText : mainText;
  return {
    headings,
    description: meta('meta[name="description"]') || meta('meta[property="og:description"]') || null,
    text: text.slice(0, ${LIMITS.pageText}),
    siteName: clean(article && article.siteName).slice(0, 200) || meta('meta[property="og:site_name"]') || meta('meta[name="application-name"]') || null,
    lang: clean(document.documentElement.getAttribute("lang")).slice(0, 20) || null,
  };
})()`;
}

let script: string | null = null;

/** The reading script, as an expression to evaluate where `document` is the page's. */
export function pageTextScript(): string {
  script ??= readScript();
  return script;
}

/** The page's answer is as hostile as the page: keep only well-formed, bounded strings. */
export function sanitiseText(value: unknown): PageText {
  const v = (value ?? {}) as Record<string, unknown>;
  const text = (x: unknown, max: number) => (typeof x === "string" && x ? clip(x, max) : null);
  const headings = Array.isArray(v.headings)
    ? v.headings
        .filter((h): h is string => typeof h === "string")
        .slice(0, LIMITS.headings)
        .map((h) => clip(h, LIMITS.headingText + 4) ?? "")
    : [];
  return {
    headings,
    description: text(v.description, 500),
    text: text(v.text, LIMITS.pageText) ?? "",
    siteName: text(v.siteName, 200),
    lang: text(v.lang, 20),
  };
}

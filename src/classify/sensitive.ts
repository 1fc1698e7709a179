import { detectLanguage } from "./language.ts";
import {
  ALONGSIDE,
  DISCLAIMERS,
  ELSEWHERE,
  OTHER_SUBJECTS,
  PROGRAMMES,
  SENSITIVE_CATEGORIES,
  type SensitiveCategory,
  SUBJECTS,
  TERMS,
} from "./sensitive-terms.ts";

export { SENSITIVE_CATEGORIES, type SensitiveCategory };

/** What the classifier reads of a page (all of it stored with the page). */
export interface PageContent {
  url: string;
  title: string | null;
  /** `h1:text`, `h2:text`, ... outside navigation, header and footer. */
  headings: string[];
  description: string | null;
  /** Visible main text, navigation, header, footer and asides removed (bounded). */
  text: string;
  /** The site's name as the page gives it (og:site_name), to read the title without it. */
  siteName?: string | null;
  /** The language the page declares (`<html lang>`). */
  lang?: string | null;
}

export interface Classification {
  categories: SensitiveCategory[];
  /** The words and URL parts that decided it, per category. */
  evidence: string;
}

interface CompiledTerm {
  weight: 1 | 2 | 3;
  re: RegExp;
}

/** Any of `phrases`, as whole words (not inside a longer word or number). */
function wholeWords(phrases: string[], flags = "gu"): RegExp {
  return new RegExp(`(?<![\\p{L}\\p{N}])(?:${phrases.join("|")})(?![\\p{L}\\p{N}])`, flags);
}

const COMPILED: Array<{ category: SensitiveCategory; terms: CompiledTerm[] }> = SENSITIVE_CATEGORIES.map(
  (category) => ({
    category,
    terms: ([3, 2, 1] as const).map((weight) => ({ weight, re: wholeWords(TERMS[category][weight]) })),
  }),
);
/** Words read only in some fields, as weight-3 terms of their category. */
const weightThree = (lists: Partial<Record<SensitiveCategory, string[]>>) =>
  new Map(
    Object.entries(lists).map(([category, words]) => [
      category,
      { weight: 3 as const, re: wholeWords(words) },
    ]),
  );
/** A category's subject words: read only in a page's own heading (`Field.subject`). */
const SUBJECT_TERMS = weightThree(SUBJECTS);
/** Programmes named as a page's own subject (`Field.programme`): CHIP is children's coverage. */
const PROGRAMME_TERMS = weightThree(PROGRAMMES);
const ALONGSIDE_RE = new RegExp(`(?<![\\p{L}])(?:${ALONGSIDE.join("|")})(?![\\p{L}])`, "gu");
const OTHER_SUBJECT_RE = new RegExp(`(?<![\\p{L}])(?:${OTHER_SUBJECTS.join("|")})(?![\\p{L}])`, "u");
const ELSEWHERE_RE = new RegExp(`(?<![\\p{L}])(?:${ELSEWHERE.join("|")})(?![\\p{L}])`, "gu");
const DISCLAIMER_RE = new RegExp(`(?:${DISCLAIMERS.join("|")})`, "u");
/** Longer text than any page's stored excerpt is not read further. */
const MAX_TEXT = 200_000;

/** Lowercased and without accents, as every phrase list is written. */
function folded(text: string): string {
  return text.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
}

/** Lowercased, without accents, the phrases that mean something else masked, disclaimers dropped. */
export function normaliseText(text: string): string {
  return folded(text.slice(0, MAX_TEXT))
    .replace(/[’‘`´]/g, "'")
    .replace(/\s+/g, " ")
    .split(/(?<=[.!?]) /)
    .filter((sentence) => !DISCLAIMER_RE.test(sentence))
    .join(" ")
    .replace(ELSEWHERE_RE, " ");
}

function pathWords(url: string): string {
  try {
    const u = new URL(url);
    return normaliseText(decodeURIComponent(`${u.pathname} ${u.search}`).replace(/[-_/+.=&?]+/g, " "));
  } catch {
    return "";
  }
}

/** The phrases of one category found in a text: each once, with its weight, and how often it recurs. */
function hitsIn(
  terms: CompiledTerm[],
  text: string,
): Array<{ phrase: string; weight: number; count: number }> {
  const found = new Map<string, { phrase: string; weight: number; count: number }>();
  if (!text) return [];
  // Heavier phrases first, each blanked once found: "violence" inside "domestic violence" is not a second hit.
  // One pass a term: each match is counted (the first 200) and blanked in the same replace.
  let rest = text;
  for (const { weight, re } of terms) {
    let n = 0;
    rest = rest.replace(re, (phrase) => {
      if (n++ < 200) {
        const known = found.get(phrase);
        if (known) known.count++;
        else found.set(phrase, { phrase, weight, count: 1 });
      }
      return " ".repeat(phrase.length);
    });
  }
  return [...found.values()];
}

/** A page's fields, and how much a phrase in each counts. */
interface Field {
  name: string;
  text: string;
  factor: number;
  /** Repeats count (running text): a subject a page keeps coming back to is its subject. */
  repeats: boolean;
  /** What the page says it is about (address, title, main heading), as opposed to what it mentions. */
  own?: boolean;
  /** Where a category's subject words (SUBJECTS) count: the page's own heading. */
  subject?: boolean;
  /** Where programme names (PROGRAMMES) count: the page's title and main heading. */
  programme?: boolean;
}

/** Minimum score for a page; a weight-3 phrase in the title or main heading alone reaches it. */
const PAGE_THRESHOLD = 4;
/** A site is what its name, description and main heading say it is, more than what its home page mentions. */
const SITE_THRESHOLD = 6;
/**
 * Health is the broad parent of these (gender-affirming care and HIV testing at an LGBTQ+ centre
 * included): a page about them is not also "health" unless health stands out on its own.
 */
const HEALTH_CHILDREN: SensitiveCategory[] = [
  "reproductive_health",
  "mental_health",
  "substance_use",
  "lgbtq",
];
/** ...and health stands out when it weighs at least half as much as the child it is beside. */
const HEALTH_BESIDE_CHILD = 0.5;

/** "Health" inside a child category's own name: "mental health services" names mental health, not health. */
const HEALTH_CHILD_RE =
  /(?<![\p{L}])(?:mental|reproductive|sexual|behavioral|behavioural) health(?![\p{L}])/gu;

/** A category's score over a page's fields: decisive (it can decide), own (the page says it is about it). */
interface CategoryScore {
  category: SensitiveCategory;
  score: number;
  decisive: boolean;
  own: boolean;
  /** Said in the page's own fields by a phrase that tells (weight 2 or 3), not only a helping word. */
  ownTelling: boolean;
  /** The same, in the title or main heading (not only the address). */
  named: boolean;
  evidence: string[];
}

/** Each category's score over the fields, with the phrases that made it. */
function score(
  fields: Field[],
  /** A field in which one telling phrase decides (what a site calls itself: "Riverside Clinic"). */
  naming?: string,
): CategoryScore[] {
  return COMPILED.map(({ category, terms }) => {
    let total = 0;
    const evidence: Array<{ text: string; points: number }> = [];
    const telling = new Set<string>();
    let decisive = false;
    let own = false;
    let ownTelling = false;
    let named = false;
    const subject = SUBJECT_TERMS.get(category);
    const programme = PROGRAMME_TERMS.get(category);
    for (const field of fields) {
      const subjectHits = [
        ...(field.subject && subject ? hitsIn([subject], field.text.replace(ALONGSIDE_RE, " ")) : []),
        ...(field.programme && programme ? hitsIn([programme], field.text) : []),
      ];
      const text = category === "health" ? field.text.replace(HEALTH_CHILD_RE, " ") : field.text;
      for (const hit of [...subjectHits, ...hitsIn(terms, text)]) {
        if (field.own) own = true;
        if (field.own && hit.weight >= 2) ownTelling = true;
        if (field.own && hit.weight >= 2 && field.name !== "url") named = true;
        if (hit.weight === 3 || (hit.weight === 2 && field.name === naming)) decisive = true;
        if (hit.weight === 2) telling.add(hit.phrase);
        const extra = field.repeats ? Math.min(hit.count - 1, 2) * 0.5 : 0;
        const points = hit.weight * field.factor * (1 + extra);
        total += points;
        evidence.push({
          text: `${field.name} "${hit.phrase}"${hit.count > 1 ? `×${hit.count}` : ""}`,
          points,
        });
      }
    }
    evidence.sort((a, b) => b.points - a.points);
    // Words that only help never decide: a phrase that could, or two telling ones, must be there.
    return {
      category,
      score: total,
      decisive: decisive || telling.size >= 2,
      own,
      ownTelling,
      named,
      evidence: evidence.slice(0, 4).map((e) => e.text),
    };
  });
}

/** Below this share of the page's leading category, a category only its body mentions is a passing mention. */
const PASSING_SHARE = 0.5;
/** The same, when the leading category is one the page names as its own subject. */
const NAMED_SHARE = 0.75;

/**
 * The categories a page's body only mentions, dropped: all of them when the page says it is about
 * something else (insurance, a donation), else those far weaker than what the page is mostly about.
 */
function subjectOnly(
  scored: CategoryScore[],
  aboutElse: boolean,
  /** The page's passages (sentences, subheadings, description), when a one-passage mention must be dropped. */
  passages?: string[],
): CategoryScore[] {
  const top = Math.max(0, ...scored.filter((s) => s.decisive).map((s) => s.score));
  // A page that names its subject (address, title, heading) is about that; what its body also says
  // (a crisis-line box on every page of a site) must come close to it to count.
  const ownTop = Math.max(0, ...scored.filter((s) => s.own).map((s) => s.score));
  return scored.map((s) =>
    s.ownTelling ||
    (!aboutElse &&
      s.score >= top * PASSING_SHARE &&
      s.score >= ownTop * NAMED_SHARE &&
      (!passages || s.score >= PAGE_THRESHOLD * 2 || spreadOver(s.category, passages)))
      ? s
      : { ...s, decisive: false },
  );
}

/** A category's telling phrases (weight 2 and 3), to find the passages that name it. */
const TELLING = new Map(
  SENSITIVE_CATEGORIES.map((category) => [
    category,
    wholeWords([...TERMS[category][3], ...TERMS[category][2]], "u"),
  ]),
);

/**
 * Whether the page's running text keeps coming back to a category: named in two passages at least,
 * or in a third of them (a page of two sentences). One sentence of a long page ("fines are reduced
 * for people on public assistance") is a mention in passing, however heavy its words.
 */
function spreadOver(category: SensitiveCategory, passages: string[]): boolean {
  const re = TELLING.get(category);
  const naming = re ? passages.filter((p) => re.test(p)).length : 0;
  return naming >= 2 || naming * 3 >= passages.length;
}

function decide(
  scored: CategoryScore[],
  threshold: number,
  prefix = "",
): Classification & { lang?: string | null } {
  const kept = scored.filter((s) => s.decisive && s.score >= threshold);
  const children = kept.filter((s) => HEALTH_CHILDREN.includes(s.category));
  const childTop = Math.max(0, ...children.map((s) => s.score));
  const childNamed = children.some((s) => s.named);
  const categories = kept
    .filter(
      (s) =>
        s.category !== "health" ||
        children.length === 0 ||
        (s.score >= threshold * 3 && s.score >= childTop * HEALTH_BESIDE_CHILD && (s.named || !childNamed)),
    )
    .map((s) => s.category);
  const evidence = kept
    .filter((s) => categories.includes(s.category))
    .map((s) => `${prefix}${s.category}: ${s.evidence.join(", ")}`)
    .join("; ");
  return { categories, evidence: evidence.slice(0, 1000) };
}

/** The passages a page's body is read in: its text's sentences, each subheading, its description. */
function passagesOf(fields: Field[]): string[] {
  const text = (name: string) => fields.find((f) => f.name === name)?.text ?? "";
  return [
    ...text("text").split(/(?<=[.!?]) /),
    ...text("subheading").split(" | "),
    text("description"),
  ].filter((p) => p.trim().length > 0);
}

/** A title without the site's name: "Car park notice | St. Mark's Parish" is about a car park. */
export function ownTitle(title: string | null, siteName: string | null | undefined): string {
  const t = (title ?? "").trim();
  if (!siteName) return t;
  const parts = t.split(/\s+[|–—·:-]\s+/);
  const own = parts.filter((p) => p.trim().toLowerCase() !== siteName.trim().toLowerCase());
  return (own.length > 0 ? own : parts).join(" - ");
}

/**
 * Decides which sensitive categories a page is about, from its own content: its URL, its title
 * (without the site's name), its headings and main text. Phrases are weighed (a phrase that decides
 * alone in a title counts once in running text), repeats in running text add up, words used for
 * something else ("health insurance") and disclaimers carry nothing. A site's menu is not read.
 */
export function classifyPage(page: PageContent): Classification & { lang: string | null } {
  const h = (level: string) =>
    page.headings
      .filter((x) => x.startsWith(`${level}:`))
      .map((x) => x.slice(level.length + 1))
      .join(" | ");
  const sub = page.headings
    .filter((x) => !x.startsWith("h1:"))
    .map((x) => x.slice(3))
    .join(" | ");
  const title = normaliseText(ownTitle(page.title, page.siteName));
  const heading = normaliseText(h("h1"));
  // A page that names another subject (insurance, a donation) is not about what its body mentions,
  // nor about the children or teens its heading names ("Can children stay on a parent's plan?").
  // Read before masking: "health insurance" is masked for the categories, and is what the page is about.
  const aboutElse = OTHER_SUBJECT_RE.test(folded(`${ownTitle(page.title, page.siteName)} | ${h("h1")}`));
  const fields: Field[] = [
    // An address that says "domestic-violence" says what the page is about.
    { name: "url", text: pathWords(page.url), factor: 1.5, repeats: false, own: true },
    {
      name: "title",
      text: title,
      factor: 2,
      repeats: false,
      own: true,
      subject: !heading && !aboutElse,
      programme: true,
    },
    {
      name: "heading",
      text: heading,
      factor: 2,
      repeats: false,
      own: true,
      subject: !aboutElse,
      programme: true,
    },
    { name: "subheading", text: normaliseText(sub), factor: 1, repeats: false },
    { name: "description", text: normaliseText(page.description ?? ""), factor: 1, repeats: false },
    { name: "text", text: normaliseText(page.text), factor: 1, repeats: true },
  ];
  return {
    ...decide(subjectOnly(score(fields), aboutElse, passagesOf(fields)), PAGE_THRESHOLD),
    lang: detectLanguage(`${page.title ?? ""}. ${page.text}`, page.lang ?? null),
  };
}

/** What a site is, from its home page: its name, description and main heading first, then its text. */
export interface SiteContent {
  /** The site's name (og:site_name, or its home page's title). */
  name: string | null;
  title: string | null;
  description: string | null;
  headings: string[];
  text: string;
}

/**
 * The sensitive nature of a site (a shelter, a clinic, a church, a school, a payday lender), judged
 * from its home page: what it calls itself counts three times, its description and main heading
 * twice, its home page's text once. Evidence starts with `site:`.
 */
export function classifySite(site: SiteContent): Classification {
  const h1 = site.headings.filter((x) => x.startsWith("h1:")).map((x) => x.slice(3));
  const name = [...new Set([site.name ?? "", site.title ?? ""].map((x) => x.trim()).filter(Boolean))].join(
    " | ",
  );
  // What the site calls itself and its main heading say what it is (who it is for included: "Save the
  // Children"); what its home page only mentions, far less than that, it is not.
  const fields: Field[] = [
    { name: "name", text: normaliseText(name), factor: 3, repeats: false, own: true, subject: true },
    { name: "description", text: normaliseText(site.description ?? ""), factor: 2, repeats: false },
    {
      name: "heading",
      text: normaliseText(h1.join(" | ")),
      factor: 2,
      repeats: false,
      own: true,
      subject: true,
    },
    { name: "home page", text: normaliseText(site.text), factor: 1, repeats: true },
  ];
  return decide(subjectOnly(score(fields, "name"), false), SITE_THRESHOLD, "site ");
}

/** How sensitive a link looks from its URL and text, to choose which subpages to visit first. */
export function linkSensitivity(url: string, text: string): number {
  const path = pathWords(url);
  const label = normaliseText(text);
  let total = 0;
  for (const { terms } of COMPILED) {
    const best = Math.max(0, ...[...hitsIn(terms, path), ...hitsIn(terms, label)].map((h) => h.weight));
    total += best >= 3 ? 3 : best > 0 ? 1 : 0;
  }
  return total;
}

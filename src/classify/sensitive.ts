/** The contract's sensitive categories. */
export const SENSITIVE_CATEGORIES = [
  "health",
  "reproductive_health",
  "mental_health",
  "substance_use",
  "religion",
  "domestic_violence",
  "public_assistance",
  "financial_hardship",
  "lgbtq",
  "immigration",
  "children",
] as const;
export type SensitiveCategory = (typeof SENSITIVE_CATEGORIES)[number];

/** What the classifier reads of a page (all of it stored with the page). */
export interface PageContent {
  url: string;
  title: string | null;
  /** `h1:text`, `h2:text`, ... outside navigation, header and footer. */
  headings: string[];
  description: string | null;
  /** Visible main text, navigation, header, footer and asides removed (bounded). */
  text: string;
}

export interface Classification {
  categories: SensitiveCategory[];
  /** The words and URL parts that decided it, per category. */
  evidence: string;
}

/**
 * Terms per category. `strong` terms are specific enough to decide from the URL, title or main
 * heading alone; `weak` ones (ambiguous words such as "snap" or "pride") only count in the URL and
 * headings, never in running text.
 */
const TERMS: Record<SensitiveCategory, { strong: string[]; weak?: string[] }> = {
  health: {
    strong: [
      "health",
      "medical",
      "clinics?",
      "hospitals?",
      "doctors?",
      "physician",
      "patient",
      "disease",
      "symptoms?",
      "diagnos\\w*",
      "cancer",
      "diabetes",
      "hiv",
      "aids",
      "hepatitis",
      "covid",
      "vaccin\\w*",
      "pharmacy",
      "prescriptions?",
      "weight loss",
      "obesity",
      "urgent care",
      "cardiology",
      "oncology",
      "dermatology",
    ],
    weak: ["care", "wellness", "treatment"],
  },
  reproductive_health: {
    strong: [
      "abortion",
      "contracepti\\w*",
      "birth control",
      "pregnan\\w*",
      "fertility",
      "ivf",
      "reproductive",
      "planned parenthood",
      "miscarriage",
      "prenatal",
      "std testing",
      "sti testing",
      "emergency contraception",
      "morning after",
    ],
    weak: ["std", "sti"],
  },
  mental_health: {
    strong: [
      "mental health",
      "mental-health",
      "depression",
      "anxiety",
      "suicid\\w*",
      "therapy",
      "therapist",
      "counseling",
      "counselling",
      "psychiatr\\w*",
      "psycholog\\w*",
      "ptsd",
      "bipolar",
      "schizophrenia",
      "eating disorders?",
      "crisis line",
      "self-harm",
    ],
  },
  substance_use: {
    strong: [
      "addiction",
      "substance use",
      "substance abuse",
      "alcoholism",
      "opioids?",
      "overdose",
      "rehab",
      "naloxone",
      "narcan",
      "sobriety",
      "drug treatment",
      "detox",
      "recovery program",
    ],
    weak: ["recovery", "alcohol"],
  },
  religion: {
    strong: [
      "church",
      "worship",
      "sermons?",
      "prayers?",
      "bible",
      "ministry",
      "ministries",
      "mosque",
      "synagogue",
      "parish",
      "congregation",
      "gospel",
      "islam\\w*",
      "jewish",
      "christian",
      "catholic",
      "baptist",
      "lutheran",
      "methodist",
      "mass times",
    ],
    weak: ["faith", "pray", "temple"],
  },
  domestic_violence: {
    strong: [
      "domestic violence",
      "domestic-violence",
      "domestic abuse",
      "intimate partner",
      "sexual assault",
      "rape crisis",
      "stalking",
      "protective order",
      "restraining order",
      "battered",
      "family violence",
      "abusive relationship",
    ],
    weak: ["abuse", "shelter", "violence"],
  },
  public_assistance: {
    strong: [
      "food stamps",
      "food assistance",
      "ebt",
      "wic",
      "medicaid",
      "tanf",
      "welfare",
      "public assistance",
      "snap benefits",
      "unemployment benefits",
      "unemployment insurance",
      "housing assistance",
      "section 8",
      "liheap",
      "ssi",
      "disability benefits",
      "cash assistance",
    ],
    weak: ["snap", "benefits", "assistance"],
  },
  financial_hardship: {
    strong: [
      "debt relief",
      "bankruptcy",
      "foreclosure",
      "eviction",
      "payday loans?",
      "debt collection",
      "credit repair",
      "financial hardship",
      "debt consolidation",
      "loan forgiveness",
    ],
    weak: ["debt", "hardship"],
  },
  lgbtq: {
    strong: [
      "lgbt\\w*",
      "gay",
      "lesbian",
      "bisexual",
      "transgender",
      "queer",
      "non-?binary",
      "coming out",
      "gender identity",
      "gender-affirming",
      "gender affirming",
    ],
    weak: ["pride", "trans"],
  },
  immigration: {
    strong: [
      "immigration",
      "immigrants?",
      "asylum",
      "refugees?",
      "green card",
      "citizenship",
      "naturali[sz]ation",
      "daca",
      "deportation",
      "undocumented",
      "uscis",
      "work permit",
    ],
    weak: ["visa", "visas"],
  },
  children: {
    strong: [
      "children",
      "child care",
      "childcare",
      "kids",
      "pediatric\\w*",
      "foster care",
      "adoption",
      "daycare",
      "parenting",
    ],
    weak: ["child", "youth", "teens?"],
  },
};

interface Compiled {
  category: SensitiveCategory;
  strong: RegExp;
  any: RegExp;
}

const COMPILED: Compiled[] = SENSITIVE_CATEGORIES.map((category) => {
  const { strong, weak = [] } = TERMS[category];
  const group = (terms: string[]) => new RegExp(`(?<![a-z0-9])(?:${terms.join("|")})(?![a-z0-9])`, "gi");
  return { category, strong: group(strong), any: group([...strong, ...weak]) };
});

function pathWords(url: string): string {
  try {
    const u = new URL(url);
    return decodeURIComponent(`${u.pathname} ${u.search}`)
      .replace(/[-_/+.=&?]+/g, " ")
      .toLowerCase();
  } catch {
    return "";
  }
}

function firstMatch(re: RegExp, text: string): string | null {
  re.lastIndex = 0;
  const m = re.exec(text);
  return m ? m[0].toLowerCase() : null;
}

function countMatches(re: RegExp, text: string): { count: number; first: string | null } {
  re.lastIndex = 0;
  let count = 0;
  let first: string | null = null;
  for (let m = re.exec(text); m && count < 50; m = re.exec(text)) {
    count++;
    first ??= m[0].toLowerCase();
  }
  return { count, first };
}

/** Minimum score for a category; a strong hit in the URL, title or main heading alone reaches it. */
const THRESHOLD = 3;

/**
 * Decides which sensitive categories a page is about, from its URL, title, headings and main text,
 * with the evidence. Navigation is not read, so a hospital's home page whose menu says "Mental
 * health" is not a mental-health page; a page whose address, title or main heading says so is, and
 * so is one whose main text keeps coming back to it.
 */
export function classifyPage(page: PageContent): Classification {
  const path = pathWords(page.url);
  const title = (page.title ?? "").toLowerCase();
  const h1 = page.headings
    .filter((h) => h.startsWith("h1:"))
    .map((h) => h.slice(3))
    .join(" | ")
    .toLowerCase();
  const subheads = page.headings
    .filter((h) => !h.startsWith("h1:"))
    .map((h) => h.slice(3))
    .join(" | ")
    .toLowerCase();
  const description = (page.description ?? "").toLowerCase();
  const text = page.text.toLowerCase();
  const categories: SensitiveCategory[] = [];
  const evidence: string[] = [];
  for (const { category, strong, any } of COMPILED) {
    const hits: string[] = [];
    let score = 0;
    const inPath = firstMatch(any, path);
    if (inPath) {
      score += firstMatch(strong, path) ? 3 : 2;
      hits.push(`url "${inPath}"`);
    }
    const inTitle = firstMatch(strong, title);
    if (inTitle) {
      score += 3;
      hits.push(`title "${inTitle}"`);
    }
    const inH1 = firstMatch(strong, h1) ?? firstMatch(any, h1);
    if (inH1) {
      score += firstMatch(strong, h1) ? 3 : 1;
      hits.push(`heading "${inH1}"`);
    }
    const sub = countMatches(strong, subheads);
    if (sub.count) {
      score += Math.min(sub.count, 2);
      hits.push(`subheading "${sub.first}"`);
    }
    if (firstMatch(strong, description)) {
      score += 1;
      hits.push(`description "${firstMatch(strong, description)}"`);
    }
    const body = countMatches(strong, text);
    if (body.count) {
      score += Math.min(body.count, 4);
      hits.push(`text "${body.first}"×${body.count}`);
    }
    if (score >= THRESHOLD) {
      categories.push(category);
      evidence.push(`${category}: ${hits.slice(0, 3).join(", ")}`);
    }
  }
  return { categories, evidence: evidence.join("; ").slice(0, 1000) };
}

/** How sensitive a link looks from its URL and text, to choose which subpages to visit first. */
export function linkSensitivity(url: string, text: string): number {
  const path = pathWords(url);
  const label = text.toLowerCase();
  let score = 0;
  for (const { strong, any } of COMPILED) {
    if (firstMatch(strong, path) || firstMatch(strong, label)) score += 3;
    else if (firstMatch(any, path) || firstMatch(any, label)) score += 1;
  }
  return score;
}

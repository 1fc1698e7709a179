/** The sensitive categories in words, as every view and the terminal print them. */
export const CATEGORY_LABELS: Record<string, string> = {
  health: "Health",
  reproductive_health: "Reproductive health",
  mental_health: "Mental health",
  substance_use: "Substance use",
  religion: "Religion",
  domestic_violence: "Domestic violence",
  public_assistance: "Public assistance",
  financial_hardship: "Financial hardship",
  lgbtq: "LGBTQ",
  immigration: "Immigration",
  children: "Children",
};

export function categoryLabel(category: string): string {
  return CATEGORY_LABELS[category] ?? category;
}

/**
 * How serious it is for a company to learn that someone visited a page of a category, most serious
 * first: what can endanger a person (abuse, pregnancy, mental illness, addiction, sexuality, status),
 * then children, health, money and faith. The report's key findings and its sensitive-pages table
 * are ordered by it; a judgement, written here once so a reader can check and change it.
 */
export const CATEGORY_SEVERITY: string[] = [
  "domestic_violence",
  "reproductive_health",
  "mental_health",
  "substance_use",
  "lgbtq",
  "immigration",
  "children",
  "health",
  "financial_hardship",
  "public_assistance",
  "religion",
];

/** A category's place in `CATEGORY_SEVERITY` (0 is the most serious; unknown ones last). */
export function severityRank(category: string): number {
  const i = CATEGORY_SEVERITY.indexOf(category);
  return i < 0 ? CATEGORY_SEVERITY.length : i;
}

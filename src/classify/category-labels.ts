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

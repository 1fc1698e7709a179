import { francAll } from "franc-min";

/** ISO 639-3 codes franc gives, as the two-letter codes pages declare. */
const TWO_LETTER: Record<string, string> = {
  eng: "en",
  spa: "es",
  fra: "fr",
  deu: "de",
  por: "pt",
  ita: "it",
  nld: "nl",
  pol: "pl",
  swe: "sv",
  dan: "da",
  rus: "ru",
  ukr: "uk",
  tur: "tr",
  arb: "ar",
  cmn: "zh",
  jpn: "ja",
  kor: "ko",
  hin: "hi",
  vie: "vi",
  ind: "id",
};

/**
 * The language a page is written in, detected from its text (franc, trigrams); the page's declared
 * language when the text is too short to tell, or null.
 */
export function detectLanguage(text: string, declared: string | null): string | null {
  const sample = text.slice(0, 3000);
  const declaredCode = declared?.trim().toLowerCase().split(/[-_]/)[0] ?? "";
  const declaredLang = /^[a-z]{2,3}$/.test(declaredCode) ? declaredCode : null;
  const ranked = sample.length >= 40 ? francAll(sample, { minLength: 40 }) : [];
  const best = ranked[0];
  if (!best || best[0] === "und") return declaredLang;
  // Trigrams of a short text are close calls: a declared language nearly as likely wins.
  const declaredScore = ranked.find(([code]) => (TWO_LETTER[code] ?? code) === declaredLang)?.[1] ?? 0;
  if (declaredLang && declaredScore >= 0.85) return declaredLang;
  return TWO_LETTER[best[0]] ?? best[0];
}

/**
 * Which pages' screenshots and HTML are worth keeping under `--screenshots evidence`: the policy,
 * apart from the files (`src/pipeline/evidence-files.ts`), so the crawler can ask it before a page is left.
 */
import type { ConsentRecord, PageScriptFacts, PageText } from "../capture/types.ts";
import { classifyPage } from "../classify/sensitive.ts";
import type { PageAnalysis } from "../derived/types.ts";
import { fingerprintingScripts, isFingerprint } from "./fingerprinting.ts";

/**
 * Before a page is left, whether it could turn out to need evidence: only a sensitive page, one
 * with a consent banner or one where a script fingerprinted the browser can (or one the crawler
 * types into, which the caller knows). Screenshots of the rest would be thrown away, so they are not
 * taken (under `--screenshots evidence`).
 */
export function mayNeedEvidence(
  page: { url: string; title: string | null; content: PageText; scripts?: PageScriptFacts[] },
  consent: ConsentRecord,
): boolean {
  if (consent.promptAt !== null) return true;
  if (fingerprintingScripts(page.scripts ?? []).length > 0) return true;
  const { headings, description, text } = page.content;
  return (
    classifyPage({ url: page.url, title: page.title, headings, description, text }).categories.length > 0
  );
}

/** Whether a page's analysis makes it one whose evidence is kept under `--screenshots evidence`. */
export function needsEvidence(analysis: PageAnalysis | undefined): boolean {
  if (!analysis) return false;
  const findings = analysis.findings;
  if (findings.some((f) => f.leaks.length > 0 || f.phase === "before_consent")) return true;
  // A fingerprinting finding is an accusation: the page it was made on is kept.
  if (findings.some((f) => f.identifiers.some(isFingerprint))) return true;
  return analysis.sensitive.categories.length > 0 && findings.length > 0;
}

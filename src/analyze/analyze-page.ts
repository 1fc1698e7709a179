import { classifyPage } from "../classify/sensitive.ts";
import { type AnalysisOptions, findingsForPage, type PageForAnalysis } from "../decode/findings.ts";
import type { PageAnalysis } from "../store/crawl-store.ts";
import { addFingerprintingFindings } from "./fingerprinting.ts";

/**
 * Everything derived from one page's capture: who received what (attribution, decoders, leaks) and
 * what the page is about. Pure: the crawl runs it as pages finish, `earshot analyze` runs it again.
 */
export function analysePage(page: PageForAnalysis, options: AnalysisOptions = {}): PageAnalysis {
  return {
    findings: addFingerprintingFindings(findingsForPage(page, options), page, options.trackerDb ?? null),
    sensitive: classifyPage({
      url: page.pageUrl,
      title: page.title,
      headings: page.content.headings,
      description: page.content.description,
      text: page.content.text,
    }),
  };
}

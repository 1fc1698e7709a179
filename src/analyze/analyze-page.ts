import type { PageCapture, PageForAnalysis, SiteResult } from "../capture/types.ts";
import { consentStateOf } from "../classify/consent-state.ts";
import { classifyPage, classifySite } from "../classify/sensitive.ts";
import type { PageAnalysis } from "../derived/types.ts";
import { type AnalysisOptions, attributePage, findingsForPage } from "./findings.ts";
import { addFingerprintingFindings } from "./fingerprinting.ts";
import { syncsForPage } from "./id-sync.ts";

/** A captured page as analysis reads it (a crawl's page in memory, or an imported one). */
export function pageForAnalysis(p: PageCapture): PageForAnalysis {
  return {
    pageUrl: p.finalUrl,
    isHome: p.depth === 0,
    formSubmittedAt: p.events.find((e) => e.kind === "form_submitted")?.at ?? null,
    consent: p.consent,
    title: p.title,
    content: p.content,
    requests: p.requests,
    cookies: p.cookies,
    storage: p.storage,
    scripts: p.scripts ?? [],
    collected: p.collected ?? {},
    ...(p.cnames ? { cnames: p.cnames } : {}),
  };
}

/** Every page of a site, analysed as the crawl analyses it when the site finishes. */
export function analyseSite(result: SiteResult, options: AnalysisOptions = {}): PageAnalysis[] {
  return result.pages.map((p) => analysePage(pageForAnalysis(p), options));
}

/**
 * Everything derived from one page's capture: who received what (attribution, decoders, leaks) and
 * what the page is about. Pure: the crawl runs it as pages finish, `earshot analyze` runs it again.
 */
export function analysePage(page: PageForAnalysis, options: AnalysisOptions = {}): PageAnalysis {
  const trackerDb = options.trackerDb ?? null;
  const attributions = attributePage(page, trackerDb);
  return {
    consentState: consentStateOf(page.cookies, page.storage, page.consent?.apis ?? []),
    findings: addFingerprintingFindings(findingsForPage(page, options, attributions), page, trackerDb),
    syncs: syncsForPage(page, attributions, trackerDb),
    sensitive: classifyPage({
      url: page.pageUrl,
      title: page.title,
      headings: page.content.headings,
      description: page.content.description,
      text: page.content.text,
      siteName: page.content.siteName ?? null,
      lang: page.content.lang ?? null,
    }),
    ...(page.isHome
      ? {
          site: classifySite({
            name: page.content.siteName ?? null,
            title: page.title,
            description: page.content.description,
            headings: page.content.headings,
            text: page.content.text,
          }),
        }
      : {}),
  };
}

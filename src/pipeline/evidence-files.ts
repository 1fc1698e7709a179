/**
 * Evidence files: for pages whose findings a reader may have to prove later (a tracker on a
 * sensitive page, personal data sent, a tracker before the visitor chose), the screenshot and HTML
 * taken as the page was left, in `evidence/SITE/` beside the crawl's database.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { needsEvidence } from "../analyze/evidence-policy.ts";
import type { PageCapture, ScreenshotMode } from "../capture/types.ts";
import type { PageAnalysis } from "../derived/types.ts";
import { pageFileName, safeFileName } from "../util/file-names.ts";

/**
 * Writes the evidence of the pages that need it (all pages under `all`) and records where, on each
 * page; drops the in-memory copies either way. Never fails the site: a file that cannot be written
 * is simply not linked.
 */
export function writeEvidence(
  dir: string | null,
  site: string,
  pages: PageCapture[],
  analysis: PageAnalysis[],
  mode: ScreenshotMode,
): void {
  pages.forEach((page, index) => {
    const evidence = page.evidence;
    page.evidence = null;
    if (!dir || !evidence || mode === "none") return;
    if (mode === "evidence" && !needsEvidence(analysis[index])) return;
    const relativeDir = join("evidence", safeFileName(site));
    const base = pageFileName(index + 1, page.finalUrl, page.variant);
    const files: { screenshot: string | null; html: string | null } = { screenshot: null, html: null };
    try {
      mkdirSync(join(dir, relativeDir), { recursive: true });
      if (evidence.screenshot) {
        files.screenshot = join(relativeDir, `${base}.jpg`);
        writeFileSync(join(dir, files.screenshot), evidence.screenshot);
      }
      if (evidence.html !== null) {
        files.html = join(relativeDir, `${base}.html.txt`);
        writeFileSync(join(dir, files.html), evidence.html);
      }
    } catch {
      // A full or read-only disk shows up on the database write that follows.
    }
    page.evidenceFiles = files.screenshot || files.html ? files : null;
  });
}

/**
 * The crawl's evidence files (screenshots and HTML beside its database) as a report reaches them
 * from wherever it is written: by a relative path to the crawl's directory, and, within a size
 * budget, the screenshots of the most telling pages carried inside the file itself, so a report
 * mailed on keeps them.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import type { ReportData } from "./types.ts";

/**
 * The prefix that turns an evidence path (`evidence/SITE/FILE`, relative to the crawl's directory)
 * into a link that works from the report's own folder: "" beside the crawl, `../crawl/` elsewhere.
 */
export function evidenceBaseFor(reportFile: string, crawlDir: string): string {
  const path = relative(dirname(resolve(reportFile)), resolve(crawlDir));
  if (path === "") return "";
  if (isAbsolute(path)) return ""; // another drive: no relative link exists
  return `${path.split(sep).map(encodeURIComponent).join("/")}/`;
}

/** Makes every evidence link relative to the report's folder (`evidenceBaseFor`). */
export function linkEvidenceFrom(data: ReportData, base: string): void {
  if (base === "") return;
  for (const page of evidencePages(data)) {
    const e = page.evidence;
    if (!e) continue;
    if (e.screenshot) e.screenshot = base + e.screenshot;
    if (e.html) e.html = base + e.html;
  }
}

/** The pages' evidence links in the report's order (most telling sites first). */
function evidencePages(data: ReportData) {
  return Object.values(data.details).flatMap((d) => d.pages.filter((p) => p.evidence));
}

/** How many evidence files the report links to, and how many of them are in the crawl's directory. */
export function linkedEvidence(data: ReportData, crawlDir: string): { linked: number; missing: number } {
  const files = evidencePages(data).flatMap((p) => [p.evidence?.screenshot, p.evidence?.html]);
  const linked = files.filter((f): f is string => typeof f === "string");
  return { linked: linked.length, missing: linked.filter((f) => !existsSync(join(crawlDir, f))).length };
}

/**
 * Carries the screenshots of the most telling pages inside the report (as data: URLs), in the
 * report's order, until `budget` bytes are used. Returns how many and how much.
 */
export function embedScreenshots(
  data: ReportData,
  crawlDir: string,
  budget: number,
): { embedded: number; bytes: number; left: number } {
  let bytes = 0;
  let embedded = 0;
  let left = 0;
  for (const page of evidencePages(data)) {
    const file = page.evidence?.screenshot;
    if (!file || !page.evidence) continue;
    let image: Buffer;
    try {
      image = readFileSync(join(crawlDir, file));
    } catch {
      continue;
    }
    const size = Math.ceil(image.length / 3) * 4;
    if (bytes + size > budget) {
      left++;
      continue;
    }
    page.evidence.screenshotData = `data:image/${file.endsWith(".png") ? "png" : "jpeg"};base64,${image.toString("base64")}`;
    bytes += size;
    embedded++;
  }
  return { embedded, bytes, left };
}

import { parseHTML } from "linkedom";
import { clip } from "../util/bound.ts";
import { LIMITS } from "../util/limits.ts";
import { pageTextScript, sanitiseText } from "./page-text-script.ts";
import type { PageText } from "./types.ts";

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: " " };

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
    if (name[0] === "#") {
      const code =
        name[1] === "x" || name[1] === "X" ? Number.parseInt(name.slice(2), 16) : Number(name.slice(1));
      return Number.isFinite(code) && code > 0 && code < 0x110000 ? String.fromCodePoint(code) : whole;
    }
    return ENTITIES[name.toLowerCase()] ?? whole;
  });
}

const clean = (html: string) =>
  decodeEntities(html.replace(/<[^>]*>/g, " "))
    .replace(/\s+/g, " ")
    .trim();

// What a crawl leaves out of a page's text (navigation, header, footer, asides, code), as READ_TEXT does in the page.
const NOT_CONTENT =
  /<(nav|header|footer|aside|script|style|noscript|template|svg)\b[^>]*>[\s\S]*?<\/\1\s*>/gi;

/**
 * A page's title, headings and main text from its HTML, for pages that were not crawled but
 * imported (a HAR keeps the document's HTML, not what the browser rendered). The crawl's own reading
 * script runs over the parsed document (Readability within the page's main content), so an imported
 * page is read as a crawled one is; a document the parser or the script cannot take is read by the
 * tags alone. Bounded like a crawl's.
 */
export function htmlToPageText(html: string): { title: string | null; content: PageText } {
  const source = html.slice(0, 4 * 1024 * 1024);
  const title = source.match(/<title\b[^>]*>([\s\S]*?)<\/title>/i)?.[1];
  const read = readInDocument(source);
  return {
    title: title ? clip(clean(title), LIMITS.title) : null,
    content: read ?? readByTags(source),
  };
}

/** The crawl's reading script over the document as parsed (scripts are not run: linkedom runs none). */
function readInDocument(source: string): PageText | null {
  try {
    const { document } = parseHTML(source);
    const run = new Function("document", `return ${pageTextScript()}`) as (d: unknown) => unknown;
    const read = sanitiseText(run(document));
    return read.text || read.headings.length ? read : null;
  } catch {
    return null;
  }
}

function readByTags(source: string): PageText {
  const description = source.match(
    /<meta\b[^>]*name\s*=\s*["']description["'][^>]*content\s*=\s*["']([^"']*)["']/i,
  )?.[1];
  const body = source.replace(/<head\b[\s\S]*?<\/head>/i, "").replace(NOT_CONTENT, " ");
  const main = body.match(/<(main|article)\b[^>]*>([\s\S]*?)<\/\1>/i)?.[2] ?? body;
  const headings = [...main.matchAll(/<(h[123])\b[^>]*>([\s\S]*?)<\/\1>/gi)]
    .slice(0, LIMITS.headings)
    .map((m) => `${(m[1] ?? "").toLowerCase()}:${clean(m[2] ?? "").slice(0, LIMITS.headingText)}`)
    .filter((h) => h.length > 3);
  return {
    headings,
    description: description ? clip(decodeEntities(description).trim(), 500) : null,
    text: clean(main).slice(0, LIMITS.pageText),
  };
}

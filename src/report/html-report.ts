/**
 * The self-contained HTML report: one file holding the client, its styles and the data, readable
 * offline years later. A strict Content-Security-Policy allows only the exact inline script and
 * style it carries (by hash), so nothing a crawled site wrote can run even if it reached the markup.
 */
import { clientBundle, cspHash } from "./client-bundle.ts";
import type { ReportData } from "./types.ts";

/**
 * JSON safe inside a <script type="application/json"> element: "<", ">", "&" and the two JavaScript
 * line separators are escaped, so no crawled string can close the element or open a comment.
 */
export function embeddableJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, "\\u003c")
    .replace(/>/g, "\\u003e")
    .replace(/&/g, "\\u0026")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

export function contentSecurityPolicy(
  scriptSources: string,
  styleSources: string,
  connect = "'none'",
): string {
  return [
    "default-src 'none'",
    `script-src ${scriptSources}`,
    `style-src ${styleSources}`,
    `connect-src ${connect}`,
    "img-src data:",
    "base-uri 'none'",
    "form-action 'none'",
  ].join("; ");
}

/** The page around the client: the same for the report (inline) and `earshot serve` (linked). */
export function htmlShell(parts: { csp: string | null; head: string; body: string }): string {
  return [
    "<!doctype html>",
    '<html lang="en">',
    "<head>",
    '<meta charset="utf-8">',
    parts.csp ? `<meta http-equiv="Content-Security-Policy" content="${parts.csp}">` : "",
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="referrer" content="no-referrer">',
    "<title>Earshot report</title>",
    parts.head,
    "</head>",
    "<body>",
    '<div id="app"><p>Loading the report…</p><noscript>This report needs JavaScript to show its tables and charts; the data is also in the crawl database (earshot export).</noscript></div>',
    parts.body,
    "</body>",
    "</html>",
    "",
  ].join("\n");
}

export async function renderReport(data: ReportData): Promise<string> {
  const { js, css } = await clientBundle();
  const csp = contentSecurityPolicy(cspHash(js), cspHash(css));
  return htmlShell({
    csp,
    head: `<style>${css}</style>`,
    body: `<script type="application/json" id="earshot-data">${embeddableJson(data)}</script>\n<script>${js}</script>`,
  });
}

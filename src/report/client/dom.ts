/**
 * The only way the client makes elements. Crawled data goes in as text nodes or attribute values
 * (never markup); event-handler attributes and non-http links are refused, so a hostile title or URL
 * stays inert even if a caller slips.
 */
export type Child = Node | string | number | null | undefined | false | Child[];
type AttrValue = string | number | boolean | null | undefined;

const SVG_NS = "http://www.w3.org/2000/svg";

/** A screenshot the report carries inside: an image as a data: URL, nothing else. */
const EMBEDDED_IMAGE = /^data:image\/(?:jpeg|png);base64,[A-Za-z0-9+/]+=*$/;

function safeAttribute(name: string, value: string): string | null {
  if (/^on/i.test(name) || name.toLowerCase() === "style" || name.toLowerCase() === "srcdoc") return null;
  if (name.toLowerCase() === "src" && EMBEDDED_IMAGE.test(value)) return value;
  if (/^(href|src|action|formaction|xlink:href)$/i.test(name)) return safeHref(value);
  return value;
}

/**
 * The crawl's own evidence files: `evidence/SITE/FILE`, reached from the report's folder by `../`
 * steps and folder names; no name past those steps starts with a dot (so none is `.` or `..`), and
 * none holds an encoded dot a browser would read as one.
 */
const EVIDENCE_LINK =
  /^(?:\.\.\/)*(?:[A-Za-z0-9_~%-][A-Za-z0-9._~%-]*\/)*evidence\/[A-Za-z0-9_-][A-Za-z0-9._-]*\/[A-Za-z0-9_-][A-Za-z0-9._-]*$/;

/**
 * Links allowed in the page: in-page routes, http(s) addresses, and the crawl's own evidence files.
 * Anything else is dropped.
 */
export function safeHref(value: string): string | null {
  if (value.startsWith("#")) return value;
  if (EVIDENCE_LINK.test(value) && !/%2e/i.test(value)) return value;
  try {
    const url = new URL(value);
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
  } catch {
    return null;
  }
}

function append(parent: Node, children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(parent, child);
    else if (typeof child === "string" || typeof child === "number")
      parent.appendChild(document.createTextNode(String(child)));
    else parent.appendChild(child);
  }
}

function setAttributes(element: Element, attrs: Record<string, AttrValue>): void {
  for (const [name, raw] of Object.entries(attrs)) {
    if (raw === null || raw === undefined || raw === false) continue;
    const value = safeAttribute(name, raw === true ? "" : String(raw));
    if (value !== null) element.setAttribute(name, value);
  }
}

/** An HTML element with attributes and children (strings become text). */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, AttrValue> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  setAttributes(element, attrs);
  append(element, children);
  return element;
}

/** An SVG element (charts). */
export function svg(tag: string, attrs: Record<string, AttrValue> = {}, ...children: Child[]): SVGElement {
  const element = document.createElementNS(SVG_NS, tag) as SVGElement;
  setAttributes(element, attrs);
  append(element, children);
  return element;
}

/** Replaces everything inside `element`. */
export function replaceChildren(element: Element, ...children: Child[]): void {
  while (element.firstChild) element.removeChild(element.firstChild);
  append(element, children);
}

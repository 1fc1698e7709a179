/** A file name from crawled text: only letters, digits, dot, dash and underscore, bounded. */
export function safeFileName(text: string): string {
  return (
    text
      .replace(/[^a-zA-Z0-9._-]+/g, "_")
      .replace(/^\.+/, "_")
      .slice(0, 100) || "_"
  );
}

/**
 * The name a page's files get among its site's (`01-home`, `02-contact_us`, `03-accept-home` for a
 * comparison crawl's run): its place in the site, the run, and its path.
 */
export function pageFileName(position: number, url: string, variant?: string | null): string {
  let path = "page";
  try {
    const pathname = new URL(url).pathname;
    path = pathname === "/" ? "home" : pathname.slice(1);
  } catch {
    // Not a URL: the page is just "page".
  }
  return `${String(position).padStart(2, "0")}-${variant ? `${safeFileName(variant)}-` : ""}${safeFileName(path)}`;
}

/**
 * Database passwords out of everything Earshot prints: `postgres://user:password@host` (any scheme)
 * becomes `postgres://user:***@host`, and a `password=` parameter loses its value. Applied to connection
 * strings before they are shown, and to every line written to standard error as a safety net.
 */
export function redactSecrets(text: string): string {
  return text
    .replace(/([a-z][a-z0-9+.-]*:\/\/[^:/@\s]*):[^@/\s]*@/gi, "$1:***@")
    .replace(/([?&]password=)[^&\s]*/gi, "$1***");
}

import { createHash } from "node:crypto";

/** A value cut to a size limit, with what is needed to prove what the original was. */
export interface BoundedText {
  text: string;
  /** Length of the original in UTF-16 code units; equals text.length when nothing was cut. */
  length: number;
  /** SHA-256 of the original, only when it was cut. */
  sha256: string | null;
}

export function sha256Hex(value: string | Buffer): string {
  return createHash("sha256").update(value).digest("hex");
}

/** Cuts hostile data to `limit` characters; keeps the original length and hash when it cuts. */
export function bound(value: string, limit: number): BoundedText {
  if (value.length <= limit) return { text: value, length: value.length, sha256: null };
  return { text: value.slice(0, limit), length: value.length, sha256: sha256Hex(value) };
}

/** Cuts without keeping proof: for labels (titles, error messages) where only a readable prefix matters. */
export function clip(value: string | null | undefined, limit: number): string | null {
  if (value == null) return null;
  // Strip control characters (except tab/newline) that would corrupt terminals and CSV readers.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping them is the point
  const clean = value.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, "");
  return clean.length <= limit ? clean : `${clean.slice(0, limit)}…`;
}

/** Bounds a header map: at most `maxHeaders` entries, each name and value cut. */
export function boundHeaders(
  headers: Record<string, string> | undefined,
  maxHeaders = 100,
  maxValue = 8192,
): Record<string, string> {
  const out: Record<string, string> = {};
  if (!headers) return out;
  let n = 0;
  for (const [name, value] of Object.entries(headers)) {
    if (n++ >= maxHeaders) break;
    out[name.slice(0, 256).toLowerCase()] = String(value).slice(0, maxValue);
  }
  return out;
}

/** Stored JSON read back leniently: a missing or damaged value reads as `fallback`, never throws. */
export function parseJson<T>(text: string | null | undefined, fallback: T): T {
  if (text == null) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

/** A stored JSON array of strings (categories, events, ...); anything else reads as empty. */
export function parseStringArray(text: string | null | undefined): string[] {
  const value = parseJson<unknown>(text, []);
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

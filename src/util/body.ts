import { gunzipSync } from "node:zlib";

// A decompressed body is bounded like a captured one: a gzip bomb must not become a gigabyte.
const MAX_INFLATED = 4 * 1024 * 1024;

/** The gzip inside `bytes`, inflated (at most 4 MiB); null when they are not gzip or are broken. */
export function inflateBounded(bytes: Buffer): Buffer | null {
  if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) return null;
  try {
    return gunzipSync(bytes, { maxOutputLength: MAX_INFLATED });
  } catch {
    return null;
  }
}

/**
 * A request body's bytes as the text that is stored and decoded: a gzipped body (Clarity's uploads,
 * `CompressionStream` beacons) is stored inflated, so that what it carries can be read and searched.
 */
export function requestBodyText(bytes: Buffer): string {
  return (inflateBounded(bytes) ?? bytes).toString("utf8");
}

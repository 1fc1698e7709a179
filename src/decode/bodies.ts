import { inflateBounded } from "../util/body.ts";
import { parseJson } from "./params.ts";

/**
 * A request body as JSON, however the tag wrapped it: plain JSON, base64 text of JSON, or base64 text
 * of gzipped JSON (LinkedIn's /wa/). Null when it is none of these.
 */
export function jsonBody(body: string | null): unknown {
  if (!body) return null;
  const plain = parseJson(body);
  if (plain !== null) return plain;
  const text = body.trim();
  if (!/^[A-Za-z0-9+/=_-]{16,}$/.test(text)) return null;
  const bytes = Buffer.from(text, "base64");
  const inflated = inflateBounded(bytes);
  return parseJson((inflated ?? bytes).toString("utf8"));
}

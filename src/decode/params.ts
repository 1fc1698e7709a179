import type { Beacon, DataShared, Decoder, DecoderInput, RawIdentifier } from "./types.ts";

/**
 * Query parameters, and form-encoded body parameters for POSTs (body values win). Empty values are
 * dropped: real tags send every parameter they know, most of them empty (`m.customEventName=`), and
 * an empty one must not hide a filled one nor count as data.
 */
export function allParams(input: DecoderInput): Map<string, string> {
  const params = new Map<string, string>();
  for (const [k, v] of input.url.searchParams) if (v !== "") params.set(k, v);
  const body = input.body;
  if (body && !looksLikeJson(body) && /^[^=&\s]+=/.test(body)) {
    for (const [k, v] of new URLSearchParams(body.split("\n")[0] ?? "")) if (v !== "") params.set(k, v);
  }
  return params;
}

export function looksLikeJson(text: string): boolean {
  const t = text.trimStart();
  return t.startsWith("{") || t.startsWith("[");
}

export function parseJson(text: string | null | undefined): unknown {
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** Reads a nested value by path from parsed JSON, or undefined. */
export function at(value: unknown, ...path: Array<string | number>): unknown {
  let current = value;
  for (const key of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string | number, unknown>)[key];
  }
  return current;
}

export function str(value: unknown): string | null {
  if (typeof value === "string" && value !== "") return value;
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  return null;
}

/** Host is `domain` or a subdomain of it. */
export function hostIs(url: URL, ...domains: string[]): boolean {
  const host = url.hostname.toLowerCase();
  return domains.some((d) => host === d || host.endsWith(`.${d}`));
}

/** A beacon with the decoder's names and empty fields, for the decoder to fill. */
export function newBeacon(decoder: Decoder, kind: Beacon["kind"] = "beacon"): Beacon {
  return {
    vendor: decoder.id,
    entity: decoder.entity,
    tracker: decoder.tracker,
    kind,
    pixelIds: [],
    events: [],
    pageUrl: null,
    referrer: null,
    pageTitle: null,
    identifiers: [],
    shared: [],
    details: {},
  };
}

export function addUnique<T>(list: T[], ...values: Array<T | null | undefined>): void {
  for (const v of values) if (v !== null && v !== undefined && v !== "" && !list.includes(v)) list.push(v);
}

export function share(beacon: Beacon, ...what: DataShared[]): void {
  addUnique(beacon.shared, ...what);
}

export function identify(
  beacon: Beacon,
  param: string,
  value: string | null | undefined,
  cookie?: string,
): void {
  if (!value) return;
  if (beacon.identifiers.some((i) => i.param === param && i.value === value)) return;
  const id: RawIdentifier = cookie ? { param, value, cookie } : { param, value };
  beacon.identifiers.push(id);
}

export function detail(beacon: Beacon, key: string, value: unknown): void {
  const text =
    typeof value === "string" ? value : value === undefined || value === null ? null : JSON.stringify(value);
  if (text) beacon.details[key.slice(0, 100)] = text.slice(0, 1000);
}

/** Every parameter whose name passes `isCustom` is custom data, kept as evidence. */
export function customParams(
  beacon: Beacon,
  params: Iterable<[string, string]>,
  isCustom: (name: string) => boolean,
): void {
  for (const [key, value] of params) {
    if (!isCustom(key)) continue;
    share(beacon, "custom_data");
    detail(beacon, key, value);
  }
}

/** A hex string of SHA-256 length (or a looser hash), as vendors send hashed advanced-matching fields. */
export function looksHashed(value: string): boolean {
  return /^[a-f0-9]{32,128}$/i.test(value.trim());
}

/** Records advanced-matching values: hashed or plain, email or phone. */
export function matching(
  beacon: Beacon,
  kind: "email" | "phone" | "name" | "address",
  value: string | null,
): void {
  if (!value) return;
  if (kind === "email") share(beacon, looksHashed(value) ? "hashed_email" : "email");
  else if (kind === "phone") share(beacon, looksHashed(value) ? "hashed_phone" : "phone");
  else share(beacon, kind);
  detail(beacon, `matching.${kind}`, value);
}

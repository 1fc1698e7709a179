import { createHash } from "node:crypto";
import type { CapturedRequest, Identity } from "../capture/types.ts";
import type { DataShared } from "../decode/types.ts";
import type { LeakEncoding, LeakField, LeakMatch } from "../derived/types.ts";

/** Every hashed encoding: what a hashed identifier was made with. */
export const HASHED_ENCODINGS: ReadonlySet<LeakEncoding> = new Set([
  "md5",
  "sha1",
  "sha256",
  "sha512",
  "sha256_md5",
  "sha256_sha256",
  "md5_sha256",
]);

/** Hashes of hashes: [encoding, outer algorithm, inner algorithm]. */
const CHAINED: Array<[LeakEncoding, string, string]> = [
  ["sha256_md5", "sha256", "md5"],
  ["sha256_sha256", "sha256", "sha256"],
  ["md5_sha256", "md5", "sha256"],
];

interface Needle {
  field: LeakField;
  encoding: LeakEncoding;
  /** Lowercased text to look for. */
  text: string;
  /** Names must stand as words: "alex" is not in "alexandria". */
  word: boolean;
}

export const hash = (algorithm: string, value: string) => createHash(algorithm).update(value).digest("hex");

/** The forms vendors normalise each field to before they send or hash it. */
function variants(field: LeakField, value: string): string[] {
  const v = value.trim();
  switch (field) {
    case "email":
      return [v.toLowerCase()];
    case "phone": {
      const digits = v.replace(/\D/g, "");
      const out = [`+${digits}`, digits];
      // A North American number is also written without its country code.
      if (digits.length === 11 && digits.startsWith("1")) out.push(digits.slice(1));
      return out;
    }
    case "firstName":
    case "lastName":
      return v.length >= 3 ? [v.toLowerCase()] : [];
    case "address":
      return v.length >= 8 ? [v.toLowerCase()] : [];
  }
}

/** Everything to search for, computed once per identity. */
export function identityNeedles(identity: Identity): Needle[] {
  const needles: Needle[] = [];
  const fields: Array<[LeakField, string]> = [
    ["email", identity.email],
    ["phone", identity.phone],
    ["firstName", identity.firstName],
    ["lastName", identity.lastName],
    ["address", identity.address],
  ];
  for (const [field, value] of fields) {
    const word = field === "firstName" || field === "lastName";
    for (const form of variants(field, value)) {
      needles.push({ field, encoding: "plain", text: form, word });
      const encoded = encodeURIComponent(form).toLowerCase();
      if (encoded !== form) {
        needles.push({ field, encoding: "url", text: encoded, word: false });
        if (form.includes(" "))
          needles.push({ field, encoding: "url", text: encoded.replace(/%20/g, "+"), word: false });
      }
      // Only long enough values: the base64 of a short name matches by chance.
      if (form.length >= 6) {
        const b64 = Buffer.from(form).toString("base64").replace(/=+$/, "");
        needles.push({ field, encoding: "base64", text: b64.toLowerCase(), word: false });
        const url64 = b64.replace(/\+/g, "-").replace(/\//g, "_");
        if (url64 !== b64)
          needles.push({ field, encoding: "base64", text: url64.toLowerCase(), word: false });
      }
      for (const algorithm of ["md5", "sha1", "sha256", "sha512"] as const) {
        needles.push({ field, encoding: algorithm, text: hash(algorithm, form), word: false });
      }
      for (const [encoding, outer, inner] of CHAINED)
        needles.push({ field, encoding, text: hash(outer, hash(inner, form)), word: false });
    }
  }
  return needles;
}

function contains(haystack: string, needle: Needle): boolean {
  if (!needle.word) return haystack.includes(needle.text);
  let from = 0;
  for (let i = haystack.indexOf(needle.text); i !== -1; i = haystack.indexOf(needle.text, from)) {
    const before = haystack[i - 1] ?? " ";
    const after = haystack[i + needle.text.length] ?? " ";
    if (!/[a-z0-9]/.test(before) && !/[a-z0-9]/.test(after)) return true;
    from = i + 1;
  }
  return false;
}

function decodeSafe(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, " "));
  } catch {
    return text;
  }
}

/** Places a request carries text (query, path, body, headers): each with a label for `where`. */
export function requestPlaces(
  request: Pick<CapturedRequest, "url" | "postData" | "requestHeaders">,
): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  let url: URL | null = null;
  try {
    url = new URL(request.url);
  } catch {
    out.push(["url", request.url]);
  }
  if (url) {
    for (const [name, value] of url.searchParams) {
      // A query that is one encoded string, with no "=" ("getuid?https://…?email%2540…"), is its own value.
      if (value === "" && name.length > 0) out.push(["query", name]);
      else out.push([`query:${name.slice(0, 100)}`, value]);
    }
    out.push(["url", `${url.pathname}${url.hash}`]);
  }
  const body = request.postData;
  if (body) {
    const trimmed = body.trimStart();
    if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
      try {
        jsonPlaces(JSON.parse(body), "$", out, 0);
      } catch {
        out.push(["body", body]);
      }
    } else if (/^[^=&\s]+=/.test(body)) {
      for (const line of body.split("\n"))
        for (const [name, value] of new URLSearchParams(line))
          out.push([`body:${name.slice(0, 100)}`, value]);
    } else {
      out.push(["body", body]);
    }
  }
  for (const [name, value] of Object.entries(request.requestHeaders)) {
    if (name === "user-agent" || name.startsWith("sec-ch-")) continue;
    out.push([`header:${name}`, value]);
  }
  return out;
}

function jsonPlaces(value: unknown, path: string, out: Array<[string, string]>, depth: number): void {
  if (depth > 20 || out.length > 5000) return;
  if (typeof value === "string") out.push([`body:${path}`, value]);
  else if (typeof value === "number") out.push([`body:${path}`, String(value)]);
  else if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) jsonPlaces(v, `${path}[${i}]`, out, depth + 1);
  } else if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) jsonPlaces(v, `${path}.${k.slice(0, 50)}`, out, depth + 1);
  }
}

/** Every place the identity appears in one request, each field and encoding once. */
export function findLeaks(
  request: Pick<CapturedRequest, "url" | "postData" | "requestHeaders">,
  needles: Needle[],
): LeakMatch[] {
  const found: LeakMatch[] = [];
  const emails = needles.filter(
    (n) => n.field === "email" && (n.encoding === "plain" || n.encoding === "url"),
  );
  const emailsBase64 = needles.filter((n) => n.field === "email" && n.encoding === "base64");
  for (const [where, raw] of requestPlaces(request)) {
    const lower = raw.toLowerCase();
    const decoded = decodeSafe(raw).toLowerCase();
    // Names inside the email address are the email leaking, not the name.
    let withoutEmail: string | null = null;
    // The same in base64: an address that starts with the first name encodes to text that starts with
    // the name's encoding; the name found there is the address leaking.
    let withoutEmail64: string | null = null;
    for (const needle of needles) {
      if (found.some((f) => f.field === needle.field && f.encoding === needle.encoding)) continue;
      if (needle.word) {
        withoutEmail ??= emails.reduce((text, e) => text.split(e.text).join(" "), lower);
        if (contains(withoutEmail, needle))
          found.push({ field: needle.field, encoding: needle.encoding, where });
        continue;
      }
      if (needle.encoding === "base64" && needle.field !== "email") {
        withoutEmail64 ??= emailsBase64.reduce((text, e) => text.split(e.text).join(" "), lower);
        if (contains(withoutEmail64, needle))
          found.push({ field: needle.field, encoding: needle.encoding, where });
        continue;
      }
      // Values parsed out of a query or form are already decoded once; a URL-encoded match in them
      // means the value was encoded twice, or sat in a path or header raw.
      if (contains(lower, needle) || (needle.encoding !== "plain" && contains(decoded, needle))) {
        found.push({ field: needle.field, encoding: needle.encoding, where });
      }
    }
  }
  // A plain match explains its URL-encoded twin in the same place.
  return found.filter(
    (f) => !(f.encoding === "url" && found.some((g) => g.field === f.field && g.encoding === "plain")),
  );
}

/** The vocabulary words a set of leaks adds to a finding. */
export function leakShares(leaks: LeakMatch[]): DataShared[] {
  const out = new Set<DataShared>();
  for (const leak of leaks) {
    const hashed = HASHED_ENCODINGS.has(leak.encoding);
    if (leak.field === "email") out.add(hashed ? "hashed_email" : "email");
    else if (leak.field === "phone") out.add(hashed ? "hashed_phone" : "phone");
    else if (leak.field === "address") out.add("address");
    else out.add("name");
  }
  return [...out];
}

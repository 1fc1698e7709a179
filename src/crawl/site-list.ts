import { isIP } from "node:net";
import { domainToASCII, domainToUnicode } from "node:url";

/** One site to crawl, as the list named it. */
import type { SiteEntry } from "../capture/types.ts";

export type { SiteEntry };

export interface BadLine {
  line: number;
  text: string;
  reason: string;
}

export type ListFormat = "plain" | "tranco" | "dotgov";

export interface ParsedList {
  format: ListFormat;
  sites: SiteEntry[];
  bad: BadLine[];
  duplicates: number;
  /** Sites kept but worth a look: names mixing alphabets, as look-alikes of other domains do. */
  lookalikes: BadLine[];
}

export interface ParseOptions {
  /** Allow localhost, loopback and private-range addresses (off: a crawler must not be turned on its own network). */
  allowPrivate?: boolean;
}

const MAX_LINE = 4096;

/** Parses a site list in any of the three formats (plain, Tranco `rank,domain`, .gov registry CSV). */
export function parseSiteList(text: string, options: ParseOptions = {}): ParsedList {
  const lines = text.replace(/^\uFEFF/, "").split(/\r\n|\n|\r/);
  const firstContent = lines.find((l) => l.trim() !== "" && !l.trim().startsWith("#")) ?? "";
  const format: ListFormat = /^\s*domain name\s*,/i.test(firstContent)
    ? "dotgov"
    : /^\s*\d+\s*,\s*[^,\s]+\s*$/.test(firstContent)
      ? "tranco"
      : "plain";
  const result: ParsedList = { format, sites: [], bad: [], duplicates: 0, lookalikes: [] };
  const seen = new Set<string>();
  let headerSkipped = false;
  lines.forEach((raw, index) => {
    const lineNo = index + 1;
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) return;
    if (raw.length > MAX_LINE) {
      result.bad.push({
        line: lineNo,
        text: `${raw.slice(0, 60)}…`,
        reason: `line longer than ${MAX_LINE} characters`,
      });
      return;
    }
    let candidate = line;
    let rank: number | null = null;
    if (format === "dotgov") {
      if (!headerSkipped) {
        headerSkipped = true;
        return;
      }
      candidate = firstCsvField(line);
    } else if (format === "tranco") {
      const match = line.match(/^(\d+)\s*,\s*(.+)$/);
      if (!match) {
        result.bad.push({ line: lineNo, text: printable(line), reason: "expected rank,domain" });
        return;
      }
      rank = Number(match[1]);
      candidate = match[2]!.trim();
    }
    const entry = normaliseSite(candidate, options);
    if (typeof entry === "string") {
      result.bad.push({ line: lineNo, text: printable(line), reason: entry });
      return;
    }
    if (seen.has(entry.site)) {
      result.duplicates++;
      return;
    }
    seen.add(entry.site);
    result.sites.push({ ...entry, rank });
    const mixed = mixedScripts(entry.site);
    if (mixed)
      result.lookalikes.push({ line: lineNo, text: printable(domainToUnicode(entry.site)), reason: mixed });
  });
  return result;
}

const SCRIPTS: Array<[string, RegExp]> = [
  ["Latin", /\p{Script=Latin}/u],
  ["Cyrillic", /\p{Script=Cyrillic}/u],
  ["Greek", /\p{Script=Greek}/u],
  ["Armenian", /\p{Script=Armenian}/u],
];

/**
 * Names a label that mixes alphabets (Latin "p" beside Cyrillic "а" in "pаypal"), the mark of a
 * homograph; null for ordinary names. Such a site is crawled as listed, under its punycode name.
 */
export function mixedScripts(asciiHost: string): string | null {
  for (const label of domainToUnicode(asciiHost).split(".")) {
    const found = SCRIPTS.filter(([, pattern]) => pattern.test(label)).map(([name]) => name);
    if (found.length > 1) return `mixes ${found.join(" and ")} letters in "${label}" (a possible look-alike)`;
  }
  return null;
}

function firstCsvField(line: string): string {
  if (!line.startsWith('"')) return line.split(",")[0]!.trim();
  const end = line.indexOf('"', 1);
  return (end === -1 ? line.slice(1) : line.slice(1, end)).trim();
}

function printable(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: showing garbage safely is the point
  const clean = text.replace(/[\u0000-\u001f\u007f-\u009f]/g, "?");
  return clean.length > 80 ? `${clean.slice(0, 80)}…` : clean;
}

/**
 * Normalises one site or URL. Returns the entry, or a reason it is not usable.
 * A bare domain (with or without a path) becomes https://host/; a full URL keeps its path.
 */
export function normaliseSite(input: string, options: ParseOptions = {}): Omit<SiteEntry, "rank"> | string {
  const text = input.trim();
  if (text === "") return "empty";
  // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting binary garbage
  if (/[\u0000-\u001f\u007f\s]/.test(text)) return "contains spaces or control characters";
  const schemeMatch = text.match(/^([a-z][a-z0-9+.-]*):/i);
  const hasScheme = schemeMatch !== null && text.slice(schemeMatch[0].length).startsWith("//");
  if (schemeMatch && !hasScheme && !/^[^:/]+:\d+/.test(text)) return `unsupported scheme ${schemeMatch[1]}:`;
  let url: URL;
  try {
    url = new URL(hasScheme ? text : `https://${text}`);
  } catch {
    return "not a valid domain or URL";
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return `unsupported scheme ${url.protocol}`;
  if (url.username || url.password) return "URL with credentials";
  const host = url.hostname.replace(/\.$/, "");
  const ascii = host.startsWith("[") ? host : domainToASCII(host);
  if (!ascii) return "not a valid domain";
  if (!isIP(ascii.replace(/^\[|\]$/g, "")) && !/^[a-z0-9-]+(\.[a-z0-9-]+)*$/.test(ascii))
    return "not a valid domain";
  if (!ascii.includes(".") && !ascii.startsWith("[") && ascii !== "localhost")
    return "not a valid domain (no dot)";
  if (!options.allowPrivate && isPrivateHost(ascii)) return "private or local address (use --allow-private)";
  url.hostname = ascii;
  const inputUrl = hasScheme ? url.href : `${url.protocol}//${url.host}/`;
  return { site: ascii, inputUrl };
}

/** Loopback, private-range and link-local addresses, and names that resolve to this machine. */
export function isPrivateHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, "").toLowerCase();
  if (
    bare === "localhost" ||
    bare.endsWith(".localhost") ||
    bare.endsWith(".local") ||
    bare.endsWith(".internal")
  )
    return true;
  const family = isIP(bare);
  if (family === 4) {
    const [a, b] = bare.split(".").map(Number) as [number, number];
    return (
      a === 0 ||
      a === 10 ||
      a === 127 ||
      (a === 100 && b >= 64 && b <= 127) ||
      (a === 169 && b === 254) ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168)
    );
  }
  if (family === 6) {
    return (
      bare === "::1" ||
      bare === "::" ||
      /^f[cd]/.test(bare) ||
      /^fe[89ab]/.test(bare) ||
      bare.startsWith("::ffff:")
    );
  }
  return false;
}

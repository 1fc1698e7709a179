/**
 * Real-world site lists: the Tranco top million, the CISA .gov registry, the Moz top 500 (npm
 * `top-sites`). Each becomes a list file Earshot crawls, starting with a provenance line (source,
 * list ID, date, checksum) that the crawl records with its metadata.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { unzipSync } from "fflate";

export const TRANCO_URL = "https://tranco-list.eu/top-1m.csv.zip";
export const TRANCO_ID_URL = "https://tranco-list.eu/top-1m-id";
export const DOTGOV_URL = "https://raw.githubusercontent.com/cisagov/dotgov-data/main/current-full.csv";
export const DOTGOV_FEDERAL_URL =
  "https://raw.githubusercontent.com/cisagov/dotgov-data/main/current-federal.csv";

/** Where a list came from, written as its first line and recorded by every crawl that uses it. */
export interface ListProvenance {
  source: "tranco" | "dotgov" | "top-sites";
  url: string | null;
  /** Tranco's list ID (its permanent reference), when known. */
  listId: string | null;
  /** When the list was published or downloaded (ISO date). */
  date: string;
  /** SHA-256 of the file as downloaded (the zip for Tranco). */
  sha256: string;
  /** How it was cut: `--top`, `--sample`/`--seed`, `--type`, `--federal`. */
  selection: Record<string, string | number | boolean>;
  sites: number;
}

const PROVENANCE_PREFIX = "# earshot-list ";

export function provenanceLine(p: ListProvenance): string {
  return `${PROVENANCE_PREFIX}${JSON.stringify(p)}`;
}

/** The provenance line of a list file, if it has one. */
export function readProvenance(text: string): ListProvenance | null {
  const line = text
    .slice(0, 4096)
    .split(/\r?\n/)
    .find((l) => l.startsWith(PROVENANCE_PREFIX));
  if (!line) return null;
  try {
    const value = JSON.parse(line.slice(PROVENANCE_PREFIX.length)) as ListProvenance;
    return value && typeof value === "object" && typeof value.source === "string" ? value : null;
  } catch {
    return null;
  }
}

export function sha256(bytes: Buffer | string): string {
  return createHash("sha256").update(bytes).digest("hex");
}

export interface RankedDomain {
  rank: number;
  domain: string;
}

/** Tranco's file: a zip holding `top-1m.csv`, or that CSV itself. */
export function parseTranco(bytes: Buffer): RankedDomain[] {
  let text: string;
  if (bytes[0] === 0x50 && bytes[1] === 0x4b) {
    const files = unzipSync(new Uint8Array(bytes));
    const name = Object.keys(files).find((n) => n.toLowerCase().endsWith(".csv"));
    if (!name) throw new Error("the Tranco zip holds no .csv file");
    text = Buffer.from(files[name] as Uint8Array).toString("utf8");
  } else {
    text = bytes.toString("utf8");
  }
  const out: RankedDomain[] = [];
  for (const line of text.split(/\r?\n/)) {
    const match = /^\s*(\d+)\s*,\s*([^,\s]+)\s*$/.exec(line);
    if (match) out.push({ rank: Number(match[1]), domain: match[2] as string });
  }
  if (out.length === 0) throw new Error("no rank,domain line found in the Tranco file");
  return out;
}

/**
 * The .gov registry CSV, keeping the rows of the given domain types, exactly as the registry names
 * them (`City`, `County`, `Federal - Executive`, ...); `federal` keeps every `Federal - …` type.
 */
export function filterDotgov(
  text: string,
  types: string[],
  federal = false,
): { header: string; rows: string[] } {
  const lines = text
    .replace(/^\uFEFF/, "")
    .split(/\r?\n/)
    .filter((l) => l.trim() !== "");
  const header = lines[0] ?? "";
  if (!/^domain name\s*,/i.test(header))
    throw new Error('not the .gov registry CSV (expected a "Domain name,..." header)');
  const wanted = types.map((t) => t.trim().toLowerCase()).filter(Boolean);
  const rows = lines.slice(1).filter((row) => {
    const type = splitCsv(row)[1]?.trim().toLowerCase() ?? "";
    if (federal && !type.startsWith("federal")) return false;
    return wanted.length === 0 || wanted.includes(type);
  });
  return { header, rows };
}

/** One CSV line's fields (quotes honoured). */
export function splitCsv(line: string): string[] {
  const fields: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      fields.push(field);
      field = "";
    } else field += c;
  }
  fields.push(field);
  return fields;
}

/** The Moz top 500 as the npm package `top-sites` 1.1.222 has it (`data/top-sites.json`; MIT). */
export function topSites(): RankedDomain[] {
  const text = readFileSync(new URL("../../data/top-sites.json", import.meta.url), "utf8");
  const list = JSON.parse(text) as Array<{ rank: number; rootDomain: string }>;
  return list.map((s) => ({ rank: Number(s.rank), domain: String(s.rootDomain) }));
}

/** A seeded random generator (mulberry32): the same seed picks the same sample everywhere. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `n` items chosen at random (reproducibly, by `seed`), kept in their original order. */
export function sample<T>(items: T[], n: number, seed: number): T[] {
  if (n >= items.length) return [...items];
  const random = seeded(seed);
  const indexes = items.map((_, i) => i);
  // Partial Fisher-Yates: the first n positions end up a uniform sample.
  for (let i = 0; i < n; i++) {
    const j = i + Math.floor(random() * (indexes.length - i));
    [indexes[i], indexes[j]] = [indexes[j] as number, indexes[i] as number];
  }
  return indexes
    .slice(0, n)
    .sort((a, b) => a - b)
    .map((i) => items[i] as T);
}

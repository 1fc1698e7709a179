import { readFileSync, statSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { download, ListDownloadError } from "../lists/download.ts";
import {
  DOTGOV_FEDERAL_URL,
  DOTGOV_URL,
  filterDotgov,
  type ListProvenance,
  parseTranco,
  provenanceLine,
  type RankedDomain,
  sample,
  sha256,
  TRANCO_ID_URL,
  TRANCO_URL,
  topSites,
} from "../lists/lists.ts";
import { UsageError } from "./usage.ts";

const OPTIONS = {
  top: { type: "string" },
  sample: { type: "string" },
  seed: { type: "string" },
  from: { type: "string" },
  url: { type: "string" },
  federal: { type: "boolean" },
  type: { type: "string" },
  o: { type: "string", short: "o" },
  output: { type: "string" },
} as const;

function count(name: string, text: string | undefined): number | null {
  if (text === undefined) return null;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1)
    throw new UsageError(`--${name} must be a whole number of at least 1, not "${text}"`);
  return n;
}

/** The list file's bytes: a local copy (`--from`), or downloaded (`--url`, else the list's home). */
async function obtain(
  from: string | undefined,
  url: string,
  what: string,
): Promise<{ bytes: Buffer; url: string | null; date: string }> {
  if (from !== undefined) {
    try {
      return { bytes: readFileSync(from), url: null, date: statSync(from).mtime.toISOString().slice(0, 10) };
    } catch (error) {
      throw new UsageError(
        `cannot read --from ${from}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
      );
    }
  }
  const got = await download(url, what);
  const date = got.lastModified ? new Date(got.lastModified) : new Date();
  return {
    bytes: got.bytes,
    url: got.url,
    date: Number.isNaN(date.getTime())
      ? new Date().toISOString().slice(0, 10)
      : date.toISOString().slice(0, 10),
  };
}

type ListValues = ReturnType<typeof parseListArgs>["values"];

function parseListArgs(argv: string[]) {
  return parseArgs({ args: argv, options: OPTIONS, allowPositionals: true });
}

/** How the list was cut from its source. */
interface Cut {
  top: number | null;
  sampleSize: number | null;
  seed: number;
  selection: Record<string, string | number | boolean>;
}

/** A list's lines (as a crawl reads them) and where they came from. */
interface BuiltList {
  lines: string[];
  provenance: Omit<ListProvenance, "sites">;
}

function checkOptions(which: string, values: ListValues): Cut {
  const top = count("top", values.top);
  const sampleSize = count("sample", values.sample);
  const seed = values.seed === undefined ? 1 : Number(values.seed);
  if (!Number.isInteger(seed)) throw new UsageError(`--seed must be a whole number, not "${values.seed}"`);
  if (values.seed !== undefined && sampleSize === null) throw new UsageError("--seed goes with --sample N");
  if (which !== "dotgov" && (values.federal || values.type))
    throw new UsageError("--federal and --type are for the dotgov list");
  if (which === "dotgov" && top !== null)
    throw new UsageError("the .gov registry is not ranked: use --sample N, not --top");
  if (which === "top-sites" && (values.from || values.url))
    throw new UsageError("top-sites is bundled: no --from or --url");
  const selection: Record<string, string | number | boolean> = {};
  if (top !== null) selection.top = top;
  if (sampleSize !== null) Object.assign(selection, { sample: sampleSize, seed });
  return { top, sampleSize, seed, selection };
}

function cutRanked(ranked: RankedDomain[], cut: Cut): string[] {
  let kept = cut.top !== null ? ranked.slice(0, cut.top) : ranked;
  if (cut.sampleSize !== null) kept = sample(kept, cut.sampleSize, cut.seed);
  return kept.map((r) => `${r.rank},${r.domain}`);
}

async function trancoList(values: ListValues, cut: Cut): Promise<BuiltList> {
  const got = await obtain(values.from, values.url ?? TRANCO_URL, "the Tranco list");
  // The list's permanent ID, when the latest list was downloaded from Tranco itself.
  let listId: string | null = null;
  if (!values.from && !values.url) {
    listId = await download(TRANCO_ID_URL, "the Tranco list ID")
      .then((r) => r.bytes.toString("utf8").trim().slice(0, 40) || null)
      .catch(() => null);
  }
  return {
    lines: cutRanked(parseTranco(got.bytes), cut),
    provenance: {
      source: "tranco",
      url: got.url,
      listId,
      date: got.date,
      sha256: sha256(got.bytes),
      selection: cut.selection,
    },
  };
}

async function dotgovList(values: ListValues, cut: Cut): Promise<BuiltList> {
  const url = values.url ?? (values.federal ? DOTGOV_FEDERAL_URL : DOTGOV_URL);
  const got = await obtain(values.from, url, "the .gov registry");
  const types = values.type ? values.type.split(",") : [];
  if (values.federal) cut.selection.federal = true;
  if (values.type) cut.selection.type = values.type;
  const { header, rows } = filterDotgov(got.bytes.toString("utf8"), types, values.federal ?? false);
  const kept = cut.sampleSize !== null ? sample(rows, cut.sampleSize, cut.seed) : rows;
  return {
    lines: [header, ...kept],
    provenance: {
      source: "dotgov",
      url: got.url,
      listId: null,
      date: got.date,
      sha256: sha256(got.bytes),
      selection: cut.selection,
    },
  };
}

function topSitesList(cut: Cut): BuiltList {
  return {
    lines: cutRanked(topSites(), cut),
    provenance: {
      source: "top-sites",
      url: "https://www.npmjs.com/package/top-sites",
      listId: null,
      date: new Date().toISOString().slice(0, 10),
      sha256: sha256(JSON.stringify(topSites())),
      selection: cut.selection,
    },
  };
}

/**
 * `earshot lists tranco|dotgov|top-sites`: a real-world site list as a file Earshot crawls, with a
 * first line saying where it came from (recorded by every crawl that uses it).
 */
export async function listsCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseListArgs(argv);
  const [which, ...extra] = positionals;
  if (!which || extra.length > 0 || !["tranco", "dotgov", "top-sites"].includes(which)) {
    throw new UsageError(
      "usage: earshot lists tranco|dotgov|top-sites [--top N] [--sample N --seed S] [-o FILE]",
    );
  }
  const cut = checkOptions(which, values);
  let list: BuiltList;
  try {
    if (which === "tranco") list = await trancoList(values, cut);
    else if (which === "dotgov") list = await dotgovList(values, cut);
    else list = topSitesList(cut);
  } catch (error) {
    if (error instanceof ListDownloadError || error instanceof UsageError) throw error;
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const sites = which === "dotgov" ? list.lines.length - 1 : list.lines.length;
  const text = `${provenanceLine({ ...list.provenance, sites })}\n${list.lines.join("\n")}\n`;
  const target = values.o ?? values.output;
  if (target && target !== "-") {
    writeFileSync(target, text);
    process.stderr.write(`earshot: wrote ${sites} sites from ${which} to ${target}\n`);
  } else {
    process.stdout.write(text);
  }
  return 0;
}

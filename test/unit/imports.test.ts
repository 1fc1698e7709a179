import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { ROOT } from "../helpers.ts";

/**
 * The stages' folders, lowest first: a folder may import its own and the ones below it, never one
 * above, and folders of one layer never import each other both ways. Shared data types live in
 * `capture/types.ts` (the bottom with `util`); what analysis derives, in `derived/types.ts`; `cli` is
 * the top. `decode` reads vendors' wire formats and knows nothing above it; `attribute` names who
 * received a request (with the decoders' help); `analyze` computes findings; `store` keeps them
 * without knowing how they were computed; `pipeline` is the step that analyses a finished site and
 * keeps it, called by the command line and the fleet.
 */
const LAYERS: string[][] = [
  ["util"],
  ["capture", "fixture-web", "lists"],
  ["decode", "classify"],
  ["attribute"],
  ["derived"],
  ["crawl", "analyze"],
  ["store"],
  ["pipeline"],
  ["report", "fleet"],
  ["cli"],
];

/** Arrows that still run the wrong way, each to be removed: none left. */
const KNOWN_EXCEPTIONS = new Set<string>([]);

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith(".ts") ? [path] : [];
  });
}

function arrows(): string[] {
  const src = join(ROOT, "src");
  return sources(src).flatMap((file) =>
    [...readFileSync(file, "utf8").matchAll(/(?:^|\n)\s*(?:import|export)[^;]*?from\s+"(\.[^"]+)"/g)].map(
      (m) => `${relative(src, file)} -> ${relative(src, resolve(dirname(file), m[1] ?? ""))}`,
    ),
  );
}

const layerOf = (path: string) => LAYERS.findIndex((l) => l.includes(path.split("/")[0] ?? ""));

describe("imports run one way", () => {
  it("no folder imports one above it, beyond the known exceptions", () => {
    const wrong = arrows().filter((a) => {
      const [from, to] = a.split(" -> ") as [string, string];
      return layerOf(to) > layerOf(from) && !KNOWN_EXCEPTIONS.has(a);
    });
    expect(wrong).toEqual([]);
  });

  it("every folder has a layer, and every known exception still exists (remove it once fixed)", () => {
    const all = arrows();
    for (const a of all)
      for (const side of a.split(" -> ")) expect(layerOf(side), side).toBeGreaterThanOrEqual(0);
    for (const e of KNOWN_EXCEPTIONS) expect(all, e).toContain(e);
  });

  it("no two folders import each other, in one layer or through others, and the store knows no analysis", () => {
    const folderOf = (path: string) => path.split("/")[0] ?? "";
    const edges = new Set(
      arrows()
        .map((a) => a.split(" -> ").map(folderOf))
        .filter(([from, to]) => from !== to)
        .map(([from, to]) => `${from} -> ${to}`),
    );
    const reaches = (from: string, to: string, seen = new Set<string>()): boolean =>
      [...edges].some((e) => {
        const [a, b] = e.split(" -> ") as [string, string];
        if (a !== from || seen.has(b)) return false;
        seen.add(b);
        return b === to || reaches(b, to, seen);
      });
    const cycles = [...edges].filter((e) => {
      const [a, b] = e.split(" -> ") as [string, string];
      return reaches(b, a);
    });
    expect(cycles).toEqual([]);
    expect([...edges].filter((e) => e.startsWith("store -> analyze"))).toEqual([]);
    // The check sees a cycle where there is one.
    edges.add("util -> cli");
    expect(reaches("cli", "cli")).toBe(true);
  });

  it("no file imports itself through others (type-only imports included)", () => {
    const next = new Map<string, string[]>();
    for (const a of arrows()) {
      const [from, to] = a.split(" -> ") as [string, string];
      next.set(from, [...(next.get(from) ?? []), to]);
    }
    const cycles: string[] = [];
    const state = new Map<string, "open" | "done">();
    const visit = (file: string, path: string[]) => {
      if (state.get(file) === "done") return;
      if (state.get(file) === "open") {
        cycles.push([...path.slice(path.indexOf(file)), file].join(" -> "));
        return;
      }
      state.set(file, "open");
      for (const to of next.get(file) ?? []) visit(to, [...path, file]);
      state.set(file, "done");
    };
    for (const file of next.keys()) visit(file, []);
    expect(cycles).toEqual([]);
  });

  it("only the store writes SQL: no statement and no use of its connection outside src/store/", () => {
    const statement =
      /\b(SELECT [a-z*(]|INSERT INTO|UPDATE [a-zA-Z_.]+ SET|DELETE FROM|CREATE TABLE)|\.sql\b/;
    const src = join(ROOT, "src");
    const outside = sources(src).filter(
      (file) => !relative(src, file).startsWith("store/") && statement.test(readFileSync(file, "utf8")),
    );
    expect(outside.map((f) => relative(src, f))).toEqual([]);
    // The check itself sees a statement where there is one.
    expect(sources(join(src, "store")).some((f) => statement.test(readFileSync(f, "utf8")))).toBe(true);
  });

  it("no function is longer than about 80 lines, beyond the in-page script and tables of data", () => {
    // A script run in the page (written as one string) and the demo web's pages are data, not logic.
    const DATA = new Set([
      "capture/fingerprint-script.ts fingerprintScript",
      "fixture-web/demo-web.ts demoSites",
    ]);
    const src = join(ROOT, "src");
    const long: string[] = [];
    for (const file of sources(src)) {
      const sf = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true);
      const visit = (node: ts.Node) => {
        if (ts.isFunctionLike(node) && "body" in node && node.body) {
          const lines =
            sf.getLineAndCharacterOfPosition(node.getEnd()).line -
            sf.getLineAndCharacterOfPosition(node.getStart()).line +
            1;
          const name =
            node.name?.getText(sf) ??
            (ts.isVariableDeclaration(node.parent) ? node.parent.name.getText(sf) : "(anonymous)");
          const id = `${relative(src, file)} ${name}`;
          if (lines > 85) long.push(`${id}: ${lines} lines`);
        }
        ts.forEachChild(node, visit);
      };
      visit(sf);
    }
    expect(long.filter((l) => !DATA.has(l.split(":")[0] ?? ""))).toEqual([]);
    // The measure itself sees a long function where there is one.
    expect(long.length).toBe(DATA.size);
  });
});

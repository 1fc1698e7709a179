import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DECODERS, decodeRequest, decoderInput } from "../../src/decode/index.ts";
import type { Beacon } from "../../src/decode/types.ts";
import { HAS_SHARED, SHARED_DATA } from "../helpers.ts";

// Real requests from real tags (../shared/data/real-beacons/README.md): read where they are, never copied.
const REAL = join(SHARED_DATA, "real-beacons", "omnibug.jsonl");

interface RealCase {
  id: string;
  vendorFamily: string;
  request: { url: string; method: string; body: string | null };
  expect:
    | {
        recognised: true;
        entity: string;
        pixelIds: string[];
        events: Array<string | string[]>;
        dataShared?: string[];
      }
    | { recognised: false; why: "unrelated" | "lookalike" | "vendor-nonbeacon" };
}

function strictDecode(url: string, method: string, body: string | null): Beacon | null {
  const input = decoderInput(url, method, body);
  if (!input) return null;
  return decodeRequest(input, (decoder, error) => {
    throw new Error(`decoder ${decoder.id} threw on ${url}: ${String(error)}`);
  });
}

const bareAdsId = (id: string) => id.replace(/^AW-/, "");

/** What is wrong with the decoding of one real case (empty when it decodes as it says). */
function problems(c: RealCase, b: Beacon | null): string[] {
  const e = c.expect;
  if (!e.recognised) {
    if (e.why !== "vendor-nonbeacon") return b ? [`claimed by ${b.vendor}`] : [];
    return b && b.events.length > 0 ? [`${b.vendor} reported events ${b.events.join(",")}`] : [];
  }
  if (!b) return ["not recognised"];
  const out: string[] = [];
  if (b.entity !== e.entity) out.push(`entity ${b.entity}, expected ${e.entity}`);
  for (const id of e.pixelIds)
    if (!b.pixelIds.some((p) => bareAdsId(p) === bareAdsId(id)))
      out.push(`pixel ID ${id} missing (${b.pixelIds})`);
  for (const event of e.events) {
    const alternatives = Array.isArray(event) ? event : [event];
    if (!alternatives.some((a) => b.events.includes(a)))
      out.push(`event ${alternatives.join("|")} missing (${b.events})`);
  }
  for (const d of e.dataShared ?? [])
    if (!b.shared.includes(d as Beacon["shared"][number])) out.push(`${d} not shared`);
  return out;
}

describe.runIf(HAS_SHARED)("decoders on real beacons (../shared/data/real-beacons)", () => {
  it("decode every case as it says, counted per vendor", () => {
    expect(existsSync(REAL), `${REAL} is missing: the real-beacon yardstick lives in ../shared`).toBe(true);
    const cases = readFileSync(REAL, "utf8")
      .split("\n")
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l) as RealCase);
    expect(cases.length).toBeGreaterThanOrEqual(134);
    const perVendor = new Map<string, { cases: number; right: number }>();
    const wrong: string[] = [];
    for (const c of cases) {
      const found = problems(c, strictDecode(c.request.url, c.request.method, c.request.body));
      const row = perVendor.get(c.vendorFamily) ?? { cases: 0, right: 0 };
      row.cases++;
      if (found.length === 0) row.right++;
      else wrong.push(`${c.id}: ${found.join("; ")}`);
      perVendor.set(c.vendorFamily, row);
    }
    const lines = [...perVendor].sort().map(([v, r]) => `  ${v.padEnd(20)} ${r.right}/${r.cases}`);
    const right = [...perVendor.values()].reduce((n, r) => n + r.right, 0);
    console.log(`real beacons decoded as they say: ${right}/${cases.length}\n${lines.join("\n")}`);
    expect(wrong).toEqual([]);
  });
});

describe("each vendor's recorded requests", () => {
  for (const decoder of DECODERS) {
    for (const example of decoder.examples ?? []) {
      it(`${decoder.id}: ${example.source}`, () => {
        const method = example.method ?? (example.body ? "POST" : "GET");
        const b = strictDecode(example.url, method, example.body ?? null);
        if (example.expect === null) {
          expect(b?.events ?? [], "not a beacon").toEqual([]);
          return;
        }
        expect(b?.vendor).toBe(decoder.id === "universal-analytics" ? b?.vendor : decoder.id);
        expect(b?.entity).toBe(decoder.entity);
        expect(b?.kind).toBe(example.expect.kind ?? "beacon");
        expect(b?.pixelIds).toEqual(example.expect.pixelIds);
        expect(b?.events).toEqual(example.expect.events);
        for (const d of example.expect.shared ?? []) expect(b?.shared, d).toContain(d);
      });
    }
  }

  it("every decoder is a declaration with requests its vendor really sends, and says what each key means", () => {
    const unexplained: string[] = [];
    for (const decoder of DECODERS) {
      // A loader-only decoder (Google's tag loaders) records loaders; every other one a beacon.
      const kinds = decoder.examples.flatMap((e) => (e.expect ? [e.expect.kind ?? "beacon"] : []));
      expect(kinds.length, `${decoder.id} has no recorded request`).toBeGreaterThan(0);
      if (decoder.id !== "google-tag")
        expect(kinds, `${decoder.id} has no recorded beacon`).toContain("beacon");
      // A reader of a finding sees what each key it shows means: every detail and identifier of every example.
      for (const example of decoder.examples) {
        const b = strictDecode(
          example.url,
          example.method ?? (example.body ? "POST" : "GET"),
          example.body ?? null,
        );
        const keys = [...Object.keys(b?.details ?? {}), ...(b?.identifiers ?? []).map((i) => i.param)];
        for (const key of keys) if (!decoder.meaningOf(key)) unexplained.push(`${decoder.id}: ${key}`);
      }
    }
    expect(unexplained).toEqual([]);
  });
});

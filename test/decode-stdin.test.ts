import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { HAS_SHARED, runEarshot, SHARED_DATA } from "./helpers.ts";

const REAL = join(SHARED_DATA, "real-beacons", "omnibug.jsonl");

describe.runIf(HAS_SHARED)("earshot decode --stdin", () => {
  it("decodes JSON lines in order, one object a line, and names the lines that are not requests", async () => {
    const cases = readFileSync(REAL, "utf8")
      .split("\n")
      .filter(Boolean)
      .map(
        (l) =>
          JSON.parse(l) as {
            id: string;
            request: Record<string, unknown>;
            expect: { recognised: boolean; entity?: string };
          },
      );
    const input = [
      ...cases.map((c) => JSON.stringify(c.request)),
      "not json at all",
      JSON.stringify({ url: "ftp://example.org/" }),
      JSON.stringify({
        url: "https://www.facebook.com/tr/?id=42&ev=Lead",
        headers: { "User-Agent": "Mozilla/5.0" },
        pageUrl: "https://clinic.example/book",
      }),
    ].join("\n");
    const r = await runEarshot(["decode", "--stdin"], { input: `${input}\n` });
    expect(r.code, r.stderr).toBe(0);
    const out = r.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(out).toHaveLength(cases.length + 3);
    cases.forEach((c, i) => {
      expect(out[i]?.line).toBe(i + 1);
      if (c.expect.recognised) expect(out[i]?.entity, c.id).toBe(c.expect.entity);
    });
    expect(out[cases.length]).toEqual({ line: cases.length + 1, error: "not JSON" });
    expect(out[cases.length + 1]).toEqual({ line: cases.length + 2, error: '"url" is not an http(s) URL' });
    expect(out[cases.length + 2]).toMatchObject({ entity: "Meta", events: ["Lead"], party: "third" });
    expect(out[cases.length + 2]?.dataShared).toContain("user_agent");
    expect(r.stderr).toContain("2 of");
  });
});

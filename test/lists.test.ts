import { readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { zipSync } from "fflate";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseSiteList } from "../src/crawl/site-list.ts";
import { readProvenance, sample, splitCsv } from "../src/lists/lists.ts";
import { HAS_SHARED, runEarshot, SHARED_DATA, tempDir } from "./helpers.ts";

const DOTGOV = join(SHARED_DATA, "dotgov-current-full.csv");

describe("earshot lists", () => {
  let dir: string;
  let zip: string;
  let server: Server;
  let base: string;
  const served: string[] = [];

  beforeAll(async () => {
    dir = tempDir();
    // A Tranco-format zip of 1,000 ranked domains, as tranco-list.eu serves it.
    const csv = Array.from({ length: 1000 }, (_, i) => `${i + 1},site-${i + 1}.example`).join("\r\n");
    zip = join(dir, "top-1m.csv.zip");
    writeFileSync(zip, zipSync({ "top-1m.csv": new TextEncoder().encode(csv) }));
    server = createServer((req, res) => {
      served.push(req.url ?? "");
      res.writeHead(200, {
        "content-type": "application/zip",
        "last-modified": "Mon, 23 Nov 2026 00:00:00 GMT",
      });
      res.end(readFileSync(zip));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("cuts the Tranco list from a local copy, with its provenance first", async () => {
    const out = join(dir, "top100.csv");
    const r = await runEarshot(["lists", "tranco", "--from", zip, "--top", "100", "-o", out]);
    expect(r.code, r.stderr).toBe(0);
    const text = readFileSync(out, "utf8");
    const parsed = parseSiteList(text);
    expect(parsed.format).toBe("tranco");
    expect(parsed.sites).toHaveLength(100);
    expect(parsed.sites[0]).toMatchObject({ site: "site-1.example", rank: 1 });
    const provenance = readProvenance(text);
    expect(provenance).toMatchObject({ source: "tranco", url: null, selection: { top: 100 }, sites: 100 });
    expect(provenance?.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it("samples reproducibly: same seed, same sites, in rank order", async () => {
    const a = await runEarshot(["lists", "tranco", "--from", zip, "--sample", "25", "--seed", "7"]);
    const b = await runEarshot(["lists", "tranco", "--from", zip, "--sample", "25", "--seed", "7"]);
    const c = await runEarshot(["lists", "tranco", "--from", zip, "--sample", "25", "--seed", "8"]);
    const ranks = (text: string) => parseSiteList(text).sites.map((s) => s.rank ?? 0);
    expect(ranks(a.stdout)).toHaveLength(25);
    expect(ranks(a.stdout)).toEqual(ranks(b.stdout));
    expect(ranks(a.stdout)).not.toEqual(ranks(c.stdout));
    expect(ranks(a.stdout)).toEqual([...ranks(a.stdout)].sort((x, y) => x - y));
    expect(new Set(ranks(a.stdout)).size).toBe(25);
    // Every index is reachable and the sample is spread out, not a prefix.
    const picks = sample(
      Array.from({ length: 1000 }, (_, i) => i),
      500,
      3,
    );
    expect(Math.max(...picks)).toBeGreaterThan(900);
    expect(Math.min(...picks)).toBeLessThan(100);
  });

  it("downloads from a URL, recording it, and says clearly when it cannot", async () => {
    const r = await runEarshot(["lists", "tranco", "--url", `${base}/top-1m.csv.zip`, "--top", "3"]);
    expect(r.code, r.stderr).toBe(0);
    expect(served).toContain("/top-1m.csv.zip");
    expect(readProvenance(r.stdout)).toMatchObject({ url: `${base}/top-1m.csv.zip`, date: "2026-11-23" });
    // A port nothing listens on: what a machine without the network sees, give or take the code.
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", () => resolve()));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const offline = await runEarshot(["lists", "tranco", "--url", `http://127.0.0.1:${port}/top-1m.csv.zip`]);
    expect(offline.code).toBe(1);
    expect(offline.stderr.trim().split("\n")).toHaveLength(1);
    expect(offline.stderr).toMatch(/cannot download the Tranco list .*ECONNREFUSED.*--from FILE/);
  });

  it.runIf(HAS_SHARED)("filters the .gov registry by type, keeping its format", async () => {
    const r = await runEarshot(["lists", "dotgov", "--from", DOTGOV, "--type", "City,County"]);
    expect(r.code, r.stderr).toBe(0);
    const rows = readFileSync(DOTGOV, "utf8").split(/\r?\n/).slice(1).filter(Boolean);
    const expected = rows.filter((row) =>
      ["city", "county"].includes((splitCsv(row)[1] ?? "").toLowerCase()),
    );
    const parsed = parseSiteList(r.stdout);
    expect(parsed.format).toBe("dotgov");
    expect(parsed.sites.length).toBe(expected.length);
    expect(parsed.sites.length).toBeGreaterThan(1000);
    const federal = await runEarshot([
      "lists",
      "dotgov",
      "--from",
      DOTGOV,
      "--federal",
      "--sample",
      "50",
      "--seed",
      "1",
    ]);
    const fed = federal.stdout.split("\n").slice(2).filter(Boolean);
    expect(fed).toHaveLength(50);
    expect(fed.every((row) => (splitCsv(row)[1] ?? "").startsWith("Federal"))).toBe(true);
  });

  it("prints the bundled Moz top 500", async () => {
    const r = await runEarshot(["lists", "top-sites", "--top", "20"]);
    expect(r.code, r.stderr).toBe(0);
    const parsed = parseSiteList(r.stdout);
    expect(parsed.sites).toHaveLength(20);
    expect(parsed.sites[0]?.rank).toBe(1);
    const all = await runEarshot(["lists", "top-sites"]);
    expect(parseSiteList(all.stdout).sites.length).toBeGreaterThanOrEqual(490);
  });

  it("says what is wrong with its arguments in one line", async () => {
    for (const args of [
      ["lists"],
      ["lists", "alexa"],
      ["lists", "tranco", "--top", "0"],
      ["lists", "dotgov", "--top", "5", "--from", DOTGOV],
      ["lists", "tranco", "--seed", "3", "--from", zip],
      ["lists", "tranco", "--from", join(dir, "missing.zip")],
      ["lists", "tranco", "--from", DOTGOV],
    ]) {
      const r = await runEarshot(args);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr.trim().split("\n"), args.join(" ")).toHaveLength(1);
    }
  });
});

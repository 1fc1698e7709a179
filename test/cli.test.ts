import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BrowserNotFoundError, findChromium } from "../src/crawl/browser.ts";
import type { FixtureWeb } from "../src/fixture-web/server.ts";
import { page, snippets, vendorSites } from "../src/fixture-web/vendors.ts";
import { csvField } from "../src/store/reads/export.ts";
import { crawlArgs, runEarshot, startWeb, tempDir } from "./helpers.ts";

describe("command line: bad input", () => {
  const oneLine = (text: string) => text.trim().split("\n").length === 1;

  it("rejects an unknown flag with exit 2 and one line", async () => {
    const r = await runEarshot(["crawl", "example.com", "--out", tempDir(), "--bogus"]);
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toBe(true);
    expect(r.stderr).toMatch(/^earshot: .*bogus/);
  });

  it("rejects bad option values, naming them", async () => {
    for (const [flag, value] of [
      ["--concurrency", "0"],
      ["--pages-per-site", "two"],
      ["--timeout", "-5"],
      ["--consent", "maybe"],
      ["--proxy", "not a url"],
    ] as const) {
      const r = await runEarshot(["crawl", "example.com", "--out", tempDir(), flag, value]);
      expect(r.code, `${flag} ${value}`).toBe(2);
      expect(oneLine(r.stderr)).toBe(true);
      expect(r.stderr).toContain(flag.slice(2));
    }
  });

  it("exits 2 when a list has no usable site, saying which lines were bad", async () => {
    const list = join(tempDir(), "bad.txt");
    writeFileSync(list, "not a site\n\u0000\u0001garbage\nftp://x.example\n");
    const r = await runEarshot(["crawl", "--list", list, "--out", tempDir()]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${list}:1:`);
    expect(r.stderr).toContain(`${list}:3: unsupported scheme`);
    expect(r.stderr.trim().split("\n").at(-1)).toMatch(/no usable site in .*bad\.txt/);
  });

  it("needs --out, and a readable identity", async () => {
    expect((await runEarshot(["crawl", "example.com"])).stderr).toMatch(/--out/);
    const identity = join(tempDir(), "id.json");
    writeFileSync(identity, JSON.stringify({ email: "a@b.example", phone: "555" }));
    const r = await runEarshot(["crawl", "example.com", "--out", tempDir(), "--identity", identity]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/phone.*E\.164/);
  });

  it("says how to install a browser when none is found", async () => {
    expect(() => findChromium({ PATH: "" }, [])).toThrow(BrowserNotFoundError);
    expect(() => findChromium({ PATH: "" }, [])).toThrow(/apt-get install chromium/);
    const r = await runEarshot(["crawl", "example.com", "--out", tempDir()], {
      env: { EARSHOT_CHROMIUM: "/nonexistent/chromium" },
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/EARSHOT_CHROMIUM .*does not exist/);
  });

  it("quotes CSV fields and defuses spreadsheet formulas", () => {
    expect(csvField('a,"b"')).toBe('"a,""b"""');
    expect(csvField("=HYPERLINK(1)")).toBe("'=HYPERLINK(1)");
    expect(csvField(["x"])).toBe('"[""x""]"');
    expect(csvField(null)).toBe("");
  });
});

describe("command line: crawl from lists and export", () => {
  let web: FixtureWeb;
  let out: string;
  let crawl: { code: number | null; stderr: string };

  beforeAll(async () => {
    web = await startWeb([
      ...vendorSites(),
      {
        host: "www.listed-one.test",
        routes: {
          "/": page(
            "One",
            `<a href="/about">About</a><a href="/help/domestic-violence">Get help</a>`,
            snippets.tiktok("C4LIST0001"),
          ),
          "/help/domestic-violence": page("Help", "<h1>help</h1>", snippets.tiktok("C4LIST0001")),
          "/about": page("About", "<h1>about</h1>"),
        },
      },
      {
        host: "www.listed-two.test",
        routes: {
          "/": page(
            "Two",
            `<nav><a href="https://www.elsewhere.test/mental-health">Mental health</a> <a href="https://www.elsewhere.test/depression">Depression</a></nav><h1>two</h1>`,
            snippets.meta("111122223333"),
          ),
        },
      },
      { host: "www.from-stdin.test", routes: { "/": page("Stdin", "<h1>stdin</h1>") } },
    ]);
    out = tempDir();
    const list = join(tempDir(), "tranco.csv");
    writeFileSync(list, "1,www.listed-one.test\n2,www.listed-two.test\n3,bad domain\n");
    crawl = await runEarshot([
      "crawl",
      "--list",
      list,
      ...crawlArgs(web, out, ["--pages-per-site", "2", "--dwell", "1"]),
    ]);
  });

  afterAll(async () => {
    await web?.stop();
  });

  const exportTable = async (table: string, format = "jsonl") => {
    const r = await runEarshot(["export", out, "--table", table, "--format", format]);
    expect(r.code, r.stderr).toBe(0);
    return r.stdout;
  };
  const jsonl = async (table: string) =>
    (await exportTable(table))
      .trim()
      .split("\n")
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>);

  it("crawls a Tranco list, reporting its bad line but crawling the rest", () => {
    expect(crawl.code, crawl.stderr).toBe(0);
    expect(crawl.stderr).toContain("tranco.csv:3:");
  });

  it("exports sites with the contract's fields", async () => {
    const sites = await jsonl("sites");
    expect(sites.map((s) => [s.site, s.status, s.error, s.pages])).toEqual([
      ["www.listed-one.test", "ok", null, 2],
      ["www.listed-two.test", "ok", null, 1],
    ]);
    expect(Object.keys(sites[0] ?? {})).toEqual(
      expect.arrayContaining(["site", "inputUrl", "finalUrl", "status", "error", "pages"]),
    );
    expect(sites[0]?.inputUrl).toBe("https://www.listed-one.test/");
  });

  it("visits the sensitive-looking subpage first and exports pages", async () => {
    const pages = await jsonl("pages");
    expect(pages.map((p) => [p.url, p.depth, p.title])).toEqual([
      ["https://www.listed-one.test/", 0, "One"],
      ["https://www.listed-one.test/help/domestic-violence", 1, "Help"],
      ["https://www.listed-two.test/", 0, "Two"],
    ]);
    expect(Object.keys(pages[0] ?? {})).toEqual(
      expect.arrayContaining(["site", "url", "title", "depth", "status", "sensitive", "sensitiveEvidence"]),
    );
    // Classified from the URL; the home pages' navigation ("Get help", a "Mental health" menu) is not read.
    expect(pages.map((p) => p.sensitive)).toEqual([[], ["domestic_violence"], []]);
    expect(pages[1]?.sensitiveEvidence).toBe('domestic_violence: url "domestic violence"');
    const findings = await jsonl("findings");
    expect(findings.find((f) => String(f.pageUrl).endsWith("/domestic-violence"))?.sensitive).toEqual([
      "domestic_violence",
    ]);
  });

  it("exports requests with party, entity and tracker", async () => {
    const requests = await jsonl("requests");
    const beacon = requests.find((r) => r.url === "https://analytics.tiktok.com/api/v2/pixel");
    expect(beacon).toMatchObject({
      site: "www.listed-one.test",
      pageUrl: "https://www.listed-one.test/",
      method: "POST",
      resourceType: "fetch",
      status: 200,
      party: "third",
      entity: "ByteDance",
      tracker: "TikTok Pixel",
      phase: "no_consent_prompt",
    });
    const home = requests.find((r) => r.url === "https://www.listed-one.test/");
    expect(home).toMatchObject({ party: "first", resourceType: "document" });
    expect(
      requests.some((r) => r.entity === "Meta" && String(r.url).startsWith("https://www.facebook.com/tr/")),
    ).toBe(true);
  });

  it("exports cookies and CSV with a header row", async () => {
    const cookies = await jsonl("cookies");
    expect(cookies.some((c) => c.name === "_ttp" && c.site === "www.listed-one.test")).toBe(true);
    const csv = await exportTable("requests", "csv");
    const [header, ...rows] = csv.trim().split("\r\n");
    expect(header?.startsWith("site,pageUrl,url,method,resourceType,status,party,entity,tracker,phase")).toBe(
      true,
    );
    expect(rows.length).toBe((await jsonl("requests")).length);
  });

  it("exports findings, in JSONL and CSV", async () => {
    const findings = await jsonl("findings");
    expect(findings.map((f) => [f.pageUrl, f.entity, f.tracker])).toEqual([
      ["https://www.listed-one.test/", "ByteDance", "TikTok Pixel"],
      ["https://www.listed-one.test/help/domestic-violence", "ByteDance", "TikTok Pixel"],
      ["https://www.listed-two.test/", "Meta", "Meta Pixel"],
    ]);
    const csv = (await exportTable("findings", "csv")).trim().split("\r\n");
    expect(csv[0]).toBe(
      "site,pageUrl,entity,tracker,requests,pixelIds,events,dataShared,identifiers,leaks,phase,sensitive,variant,kind,siteSensitive,cloaked",
    );
    expect(csv).toHaveLength(4);
  });

  it("adds sites from standard input to the same crawl, skipping finished ones", async () => {
    const r = await runEarshot(
      [
        "crawl",
        "--list",
        "-",
        ...crawlArgs(web, out, ["--pages-per-site", "1"]).filter((a) => a !== "--quiet"),
      ],
      {
        input: "www.from-stdin.test\nwww.listed-two.test\n",
      },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/crawling 1 sites .*\(2 already done, skipped\)/);
    expect((await jsonl("sites")).map((s) => s.site)).toEqual([
      "www.listed-one.test",
      "www.listed-two.test",
      "www.from-stdin.test",
    ]);
  });

  it("writes an export file with -o", async () => {
    const file = join(tempDir(), "sites.csv");
    const r = await runEarshot(["export", out, "--table", "sites", "--format", "csv", "-o", file]);
    expect(r.code).toBe(0);
    expect(readFileSync(file, "utf8").split("\r\n")[0]).toMatch(/^site,inputUrl,finalUrl,status,error,pages/);
    expect((await runEarshot(["export", out, "--table", "nope"])).code).toBe(2);
    expect((await runEarshot(["export", join(out, "missing"), "--table", "sites"])).code).toBe(2);
  });
});

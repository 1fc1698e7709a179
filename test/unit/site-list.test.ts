import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { isPrivateHost, normaliseSite, parseSiteList } from "../../src/crawl/site-list.ts";
import { HAS_SHARED, SHARED_DATA } from "../helpers.ts";

describe("site lists", () => {
  it.runIf(HAS_SHARED)("reads every domain of the real .gov registry CSV", () => {
    const text = readFileSync(join(SHARED_DATA, "dotgov-current-full.csv"), "utf8");
    const rows = text.trim().split(/\r?\n/).length - 1;
    const list = parseSiteList(text);
    expect(list.format).toBe("dotgov");
    expect(rows).toBe(16539);
    expect(list.sites.length + list.duplicates).toBe(rows);
    expect(list.bad).toEqual([]);
    expect(list.sites.every((s) => s.site.endsWith(".gov") && s.inputUrl === `https://${s.site}/`)).toBe(
      true,
    );
  });

  it("reads a Tranco rank,domain list with ranks, IDNs in punycode and bad lines by number", () => {
    const list = parseSiteList(
      "1,google.com\r\n2,Bücher.DE\r\n3,not a domain\r\n4,google.com\r\n5,example.org\r\n",
    );
    expect(list.format).toBe("tranco");
    expect(list.sites).toEqual([
      { site: "google.com", inputUrl: "https://google.com/", rank: 1 },
      { site: "xn--bcher-kva.de", inputUrl: "https://xn--bcher-kva.de/", rank: 2 },
      { site: "example.org", inputUrl: "https://example.org/", rank: 5 },
    ]);
    expect(list.bad.map((b) => b.line)).toEqual([3]);
    expect(list.duplicates).toBe(1);
  });

  it("reads a plain list: comments, BOM, paths stripped from bare domains, URLs kept whole", () => {
    const list = parseSiteList(
      "\uFEFF# my sites\n\nExample.COM/some/path\nhttps://www.example.net/start?x=1\nhttp://plain.example.org\nftp://files.example.com\n",
    );
    expect(list.format).toBe("plain");
    expect(list.sites.map((s) => [s.site, s.inputUrl])).toEqual([
      ["example.com", "https://example.com/"],
      ["www.example.net", "https://www.example.net/start?x=1"],
      ["plain.example.org", "http://plain.example.org/"],
    ]);
    expect(list.bad).toEqual([
      { line: 6, text: "ftp://files.example.com", reason: "unsupported scheme ftp:" },
    ]);
  });

  it("refuses garbage, credentials and private addresses unless allowed", () => {
    expect(normaliseSite("https://user:pw@example.com/")).toBe("URL with credentials");
    expect(normaliseSite("\u0000\u0001binary")).toMatch(/control characters/);
    expect(normaliseSite("localhost")).toMatch(/private/);
    expect(normaliseSite("http://192.168.1.1/")).toMatch(/private/);
    expect(normaliseSite("127.0.0.1", { allowPrivate: true })).toEqual({
      site: "127.0.0.1",
      inputUrl: "https://127.0.0.1/",
    });
    expect(normaliseSite("file:///etc/passwd")).toMatch(/unsupported scheme/);
    expect(isPrivateHost("10.1.2.3")).toBe(true);
    expect(isPrivateHost("8.8.8.8")).toBe(false);
    const huge = parseSiteList(`example.com\n${"a".repeat(10_000)}.com\n`);
    expect(huge.sites).toHaveLength(1);
    expect(huge.bad[0]?.line).toBe(2);
  });

  it("finds no usable site in a list of garbage", () => {
    const list = parseSiteList("\u0000\u0001\u0002\nnot a site\n");
    expect(list.sites).toEqual([]);
    expect(list.bad.length).toBe(2);
  });
});

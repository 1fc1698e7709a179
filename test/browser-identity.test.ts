import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FixtureWeb } from "../src/fixture-web/server.ts";
import { page } from "../src/fixture-web/vendors.ts";
import { crawlArgs, openDb, runEarshot, startWeb, tempDir } from "./helpers.ts";

// What real tags check before they send anything (Meta's pixel, Hotjar, bot filters): a headless
// user agent or navigator.webdriver means "robot", and they stay silent.
const CHECK = `(self.navigator.webdriver || /HeadlessChrome/.test(self.navigator.userAgent) ? 'robot' : 'person')`;
const PAGE_SCRIPT = `
  fetch('https://tag.identity-check.test/seen?from=page&verdict=' + ${CHECK} + '&ua=' + encodeURIComponent(navigator.userAgent));
  const worker = new Worker(URL.createObjectURL(new Blob([
    "fetch('https://tag.identity-check.test/seen?from=worker&verdict=' + " + ${JSON.stringify(CHECK)} + " + '&ua=' + encodeURIComponent(self.navigator.userAgent))"
  ], { type: 'text/javascript' })));
`;

interface Row {
  url: string;
  request_headers: string;
}

describe("a browser that real tags treat as a person's", () => {
  let web: FixtureWeb;
  const crawls: Record<string, string> = {};

  beforeAll(async () => {
    web = await startWeb([
      {
        host: "www.identity-site.test",
        routes: { "/": page("Identity", `<script>${PAGE_SCRIPT}</script>`) },
      },
      { host: "tag.identity-check.test", routes: { "*": { body: "ok" } } },
    ]);
    for (const [name, extra] of [
      ["default", []],
      ["override", ["--user-agent", "EarshotResearch/1.0 (+https://example.org/earshot)"]],
    ] as const) {
      const out = tempDir();
      const r = await runEarshot([
        "crawl",
        "www.identity-site.test",
        ...crawlArgs(web, out, ["--pages-per-site", "1", "--dwell", "1", ...extra]),
      ]);
      expect(r.code, r.stderr).toBe(0);
      crawls[name] = out;
    }
  }, 180_000);

  afterAll(async () => {
    await web?.stop();
  });

  const seen = (name: string): Row[] => {
    const db = openDb(crawls[name] ?? "");
    const rows = db
      .prepare(
        "SELECT url, request_headers FROM requests WHERE url LIKE 'https://tag.identity-check.test/seen%'",
      )
      .all() as Row[];
    db.close();
    return rows;
  };

  it("presents desktop Chrome of the same version, in the page and in workers, with consistent client hints", () => {
    const rows = seen("default");
    expect(rows.map((r) => new URL(r.url).searchParams.get("from")).sort()).toEqual(["page", "worker"]);
    for (const row of rows) {
      const url = new URL(row.url);
      expect(url.searchParams.get("verdict"), row.url).toBe("person");
      const headers = JSON.parse(row.request_headers) as Record<string, string>;
      const ua = headers["user-agent"] ?? "";
      expect(ua).toMatch(
        /^Mozilla\/5\.0 \(.+\) AppleWebKit\/537\.36 \(KHTML, like Gecko\) Chrome\/\d+\.0\.0\.0 Safari\/537\.36$/,
      );
      expect(url.searchParams.get("ua")).toBe(ua);
      const major = ua.match(/Chrome\/(\d+)/)?.[1];
      // The worker's request reaches the capture without its extra-info headers (client hints among them).
      if (url.searchParams.get("from") === "worker" && !headers["sec-ch-ua"]) continue;
      expect(headers["sec-ch-ua"], "client hints name the same version").toContain(`v="${major}"`);
      expect(headers["sec-ch-ua"]).not.toMatch(/Headless/i);
    }
    const db = openDb(crawls.default ?? "");
    const meta = db.prepare("SELECT value FROM meta WHERE key = 'browser'").get() as { value: string };
    db.close();
    expect(JSON.parse(meta.value).userAgent).toBe(JSON.parse(rows[0]?.request_headers ?? "{}")["user-agent"]);
  });

  it("--user-agent overrides it everywhere, and the crawl records it", () => {
    const rows = seen("override");
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      expect(JSON.parse(row.request_headers)["user-agent"]).toBe(
        "EarshotResearch/1.0 (+https://example.org/earshot)",
      );
      expect(new URL(row.url).searchParams.get("ua")).toBe(
        "EarshotResearch/1.0 (+https://example.org/earshot)",
      );
    }
  });
});

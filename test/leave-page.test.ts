import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FixtureWeb } from "../src/fixture-web/server.ts";
import { page } from "../src/fixture-web/vendors.ts";
import { crawlArgs, openDb, runEarshot, startWeb, tempDir } from "./helpers.ts";

// Every page of the site sends without end (a tag's heartbeat) and says goodbye when it is left.
const CHATTY = `<script>
  setInterval(() => fetch('https://ticker.vendor.test/t?from=' + location.pathname), 20);
  addEventListener('pagehide', () => navigator.sendBeacon('https://bye.vendor.test/b?from=' + location.pathname, 'x'));
</script>`;

describe("leaving a page", () => {
  let web: FixtureWeb;
  let rows: Array<{ page: string; url: string }>;
  let code: number | null;

  beforeAll(async () => {
    web = await startWeb([
      {
        host: "www.chatty.test",
        routes: {
          "/": page("home", `<a href="/a">a</a> <a href="/b">b</a>${CHATTY}`),
          "/a": page("a", CHATTY),
          "/b": page("b", CHATTY),
        },
      },
      ...["ticker.vendor.test", "bye.vendor.test"].map((host) => ({ host, routes: { "*": { body: "ok" } } })),
    ]);
    const out = tempDir();
    const r = await runEarshot([
      "crawl",
      "www.chatty.test",
      ...crawlArgs(web, out, ["--pages-per-site", "3", "--dwell", "1"]),
    ]);
    code = r.code;
    const db = openDb(out);
    rows = db
      .prepare(
        `SELECT pages.requested_url AS page, requests.url AS url FROM requests JOIN pages ON pages.id = requests.page_id
         WHERE requests.url LIKE 'https://ticker.vendor.test/%' OR requests.url LIKE 'https://bye.vendor.test/%'`,
      )
      .all() as Array<{ page: string; url: string }>;
    db.close();
  }, 120_000);

  afterAll(async () => {
    await web?.stop();
  });

  const from = (url: string) => new URL(url).searchParams.get("from");
  const path = (url: string) => new URL(url).pathname;

  it("puts what a page sends until it is unloaded in its own record, never the next page's", () => {
    expect(code).toBe(0);
    const pages = [...new Set(rows.map((r) => path(r.page)))].sort();
    expect(pages).toEqual(["/", "/a", "/b"]);
    for (const p of pages) {
      const own = rows.filter((r) => path(r.page) === p);
      expect(own.filter((r) => r.url.startsWith("https://ticker.")).length, p).toBeGreaterThan(5);
      expect(
        own.filter((r) => from(r.url) !== p).map((r) => r.url),
        p,
      ).toEqual([]);
    }
  });

  it("records the goodbye of every page, the site's last one included", () => {
    const goodbyes = rows.filter((r) => r.url.startsWith("https://bye.")).map((r) => path(r.page));
    expect([...new Set(goodbyes)].sort()).toEqual(["/", "/a", "/b"]);
  });
});

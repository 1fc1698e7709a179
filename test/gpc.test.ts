import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FixtureWeb } from "../src/fixture-web/server.ts";
import { page } from "../src/fixture-web/vendors.ts";
import { crawlArgs, openDb, runEarshot, startWeb, tempDir } from "./helpers.ts";

// The page reports what its scripts, and a cross-site frame's scripts, see of GPC.
const REPORT = "fetch('https://gpc.echo.test/seen?gpc=' + String(navigator.globalPrivacyControl))";

describe("Global Privacy Control", () => {
  let web: FixtureWeb;
  const crawled: Record<string, string> = {};

  beforeAll(async () => {
    web = await startWeb([
      {
        host: "www.gpc-site.test",
        routes: {
          "/": page(
            "GPC",
            `<script>${REPORT}</script><iframe src="https://frame.gpc-widget.test/"></iframe>`,
          ),
        },
      },
      {
        host: "frame.gpc-widget.test",
        routes: { "/": page("frame", `<script>${REPORT}.then(() => 0)</script>`) },
      },
      { host: "gpc.echo.test", routes: { "*": { body: "ok" } } },
    ]);
    for (const mode of ["on", "off"]) {
      const out = tempDir();
      const flags = ["--pages-per-site", "1", "--dwell", "1", ...(mode === "on" ? ["--gpc"] : [])];
      const r = await runEarshot(["crawl", "www.gpc-site.test", ...crawlArgs(web, out, flags)]);
      expect(r.code, r.stderr).toBe(0);
      crawled[mode] = out;
    }
  }, 180_000);

  afterAll(async () => {
    await web?.stop();
  });

  const rows = (mode: string) => {
    const db = openDb(crawled[mode] ?? "");
    const all = db
      .prepare("SELECT url, target_kind, request_headers FROM requests ORDER BY id")
      .all() as Array<{
      url: string;
      target_kind: string;
      request_headers: string;
    }>;
    db.close();
    return all;
  };

  it("sends Sec-GPC: 1 on every request and exposes navigator.globalPrivacyControl in every frame", () => {
    const requests = rows("on");
    expect(requests.length).toBeGreaterThan(3);
    for (const r of requests) expect(JSON.parse(r.request_headers)["sec-gpc"], r.url).toBe("1");
    const seen = requests.filter((r) => r.url.startsWith("https://gpc.echo.test/seen"));
    expect(seen.map((r) => [r.target_kind, r.url])).toEqual(
      expect.arrayContaining([
        ["page", "https://gpc.echo.test/seen?gpc=true"],
        ["iframe", "https://gpc.echo.test/seen?gpc=true"],
      ]),
    );
  });

  it("sends nothing of the kind without --gpc", () => {
    const requests = rows("off");
    expect(requests.some((r) => JSON.parse(r.request_headers)["sec-gpc"] !== undefined)).toBe(false);
    expect(requests.filter((r) => r.url.startsWith("https://gpc.echo.test/seen")).map((r) => r.url)).toEqual([
      "https://gpc.echo.test/seen?gpc=undefined",
      "https://gpc.echo.test/seen?gpc=undefined",
    ]);
  });
});

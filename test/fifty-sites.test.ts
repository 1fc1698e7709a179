import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generatedSiteList, generatedSites } from "../src/fixture-web/generated-web.ts";
import type { FixtureWeb } from "../src/fixture-web/server.ts";
import {
  browserProcesses,
  crawlArgs,
  openDb,
  profilesLeft,
  runEarshot,
  startWeb,
  tempDir,
} from "./helpers.ts";

describe("a 50-site crawl", () => {
  let web: FixtureWeb;
  let out: string;
  let tmp: string;
  let result: { code: number | null; stderr: string };

  beforeAll(async () => {
    web = await startWeb(generatedSites(50));
    out = tempDir();
    tmp = tempDir();
    const list = join(tempDir(), "sites.txt");
    writeFileSync(list, `# generated web\n${generatedSiteList(50).join("\n")}\n`);
    result = await runEarshot(
      [
        "crawl",
        "--list",
        list,
        ...crawlArgs(web, out, ["--concurrency", "4", "--pages-per-site", "2", "--dwell", "0.5"]),
      ],
      { tmp },
    );
  }, 600_000);

  afterAll(async () => {
    await web?.stop();
  });

  it("records every site, with its home page and the sensitive subpage", () => {
    expect(result.code, result.stderr).toBe(0);
    const db = openDb(out);
    const sites = db.prepare("SELECT status, COUNT(*) AS n FROM sites GROUP BY status").all();
    const subpages = db
      .prepare("SELECT COUNT(*) AS n FROM pages WHERE depth = 1 AND url LIKE '%/health/clinic'")
      .get();
    db.close();
    expect(sites).toEqual([{ status: "ok", n: 50 }]);
    expect(subpages).toEqual({ n: 50 });
  });

  it("records every request the pages sent", () => {
    const db = openDb(out);
    const recorded = new Set(
      (db.prepare("SELECT method, url FROM requests").all() as Array<{ method: string; url: string }>).map(
        (r) => `${r.method} ${r.url}`,
      ),
    );
    db.close();
    const hosts = new Set(web.hosts);
    const sent = web.log.filter((r) => hosts.has(r.host)).map((r) => `${r.method} ${r.url}`);
    expect(sent.length).toBeGreaterThan(500);
    expect(sent.filter((r) => !recorded.has(r))).toEqual([]);
  });

  it("cleans up its browsers", () => {
    expect(browserProcesses(tmp)).toEqual([]);
    expect(profilesLeft(tmp)).toEqual([]);
  });
});

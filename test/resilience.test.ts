import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FixtureSite, FixtureWeb } from "../src/fixture-web/server.ts";
import { page } from "../src/fixture-web/vendors.ts";
import {
  browserProcesses,
  crawlArgs,
  openDb,
  profilesLeft,
  runEarshot,
  startEarshot,
  startWeb,
  tempDir,
  waitFor,
} from "./helpers.ts";

const healthy = (host: string, delayMs = 0): FixtureSite => ({
  host,
  routes: {
    "/": { delayMs, headers: { "content-type": "text/html" }, body: page(host, `<h1>${host}</h1>`) },
  },
});

/** The main Chromium process of a crawl started with TMPDIR=tmp (renderers carry --type=). */
function mainBrowserPid(tmp: string): number | null {
  for (const pid of browserProcesses(tmp)) {
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8");
      if (cmdline.includes("--remote-debugging-pipe") && !cmdline.includes("--type=")) return pid;
    } catch {
      // Exited meanwhile.
    }
  }
  return null;
}

function siteRows(out: string) {
  const db = openDb(out);
  try {
    return db
      .prepare("SELECT site, status, error, attempts, pages, finished_at FROM sites ORDER BY position")
      .all() as Array<{
      site: string;
      status: string;
      error: string | null;
      attempts: number;
      pages: number;
      finished_at: number | null;
    }>;
  } finally {
    db.close();
  }
}

/** Waits until a running crawl has recorded `count` sites as ok (the database may not exist yet). */
function waitForFinished(out: string, count: number): Promise<void> {
  return waitFor(
    () => {
      try {
        return siteRows(out).filter((r) => r.status === "ok").length >= count;
      } catch {
        return false;
      }
    },
    90_000,
    `${count} finished sites`,
  );
}

describe("a crawl that nothing stops", () => {
  let web: FixtureWeb;
  let crashTmp = "";
  let crashed = false;

  beforeAll(async () => {
    web = await startWeb([
      { host: "www.hangs.test", routes: { "/": { hang: true } } },
      { host: "www.resets.test", routes: { "/": { reset: true } } },
      {
        host: "www.error500.test",
        routes: {
          "/": { status: 500, headers: { "content-type": "text/html" }, body: "<title>oops</title>" },
        },
      },
      {
        host: "www.loops.test",
        routes: { "/": { status: 302, headers: { location: "https://www.loops.test/" } } },
      },
      {
        host: "www.download.test",
        routes: {
          "/": {
            headers: {
              "content-type": "application/octet-stream",
              "content-disposition": "attachment; filename=x.bin",
            },
            body: "binary",
          },
        },
      },
      ...Array.from({ length: 10 }, (_, i) => healthy(`www.slow-${i}.test`, 700)),
      ...["www.fine-a.test", "www.fine-b.test", "www.fine-c.test"].map((h) => healthy(h)),
      {
        host: "www.crashes-browser.test",
        routes: {
          "/": () => {
            // The first visit kills the whole browser while the page loads.
            if (!crashed && crashTmp) {
              const pid = mainBrowserPid(crashTmp);
              if (pid) {
                crashed = true;
                process.kill(pid, "SIGKILL");
              }
            }
            return {
              delayMs: 500,
              headers: { "content-type": "text/html" },
              body: page("survivor", "<h1>ok</h1>"),
            };
          },
        },
      },
    ]);
  });

  afterAll(async () => {
    await web?.stop();
  });

  it("records each broken site as failed with its reason while healthy sites finish", async () => {
    const out = tempDir();
    const tmp = tempDir();
    const sites = [
      "www.hangs.test",
      "www.resets.test",
      "www.error500.test",
      "www.loops.test",
      "www.download.test",
      "www.fine-a.test",
      "www.fine-b.test",
    ];
    const result = await runEarshot(
      [
        "crawl",
        ...sites,
        ...crawlArgs(web, out, [
          "--timeout",
          "10",
          "--dwell",
          "0.3",
          "--pages-per-site",
          "1",
          "--concurrency",
          "3",
        ]),
      ],
      { tmp },
    );
    expect(result.code, result.stderr).toBe(0);
    const bySite = Object.fromEntries(siteRows(out).map((r) => [r.site, [r.status, r.error]]));
    expect(bySite).toEqual({
      "www.hangs.test": ["failed", "timeout"],
      "www.resets.test": ["failed", "connection"],
      "www.error500.test": ["failed", "http_5xx"],
      "www.loops.test": ["failed", "too_many_redirects"],
      "www.download.test": ["failed", "not_html"],
      "www.fine-a.test": ["ok", null],
      "www.fine-b.test": ["ok", null],
    });
    // A failed site keeps what was captured: the 500 page and its request.
    const db = openDb(out);
    const page500 = db
      .prepare(
        "SELECT p.http_status, p.title FROM pages p JOIN sites s ON s.id = p.site_id WHERE s.site = 'www.error500.test'",
      )
      .get();
    db.close();
    expect(page500).toEqual({ http_status: 500, title: "oops" });
    expect(browserProcesses(tmp)).toEqual([]);
    expect(profilesLeft(tmp)).toEqual([]);
  });

  it("resumes after kill -9 with every site recorded exactly once and nothing lost", async () => {
    const out = tempDir();
    const tmp = tempDir();
    const sites = Array.from({ length: 10 }, (_, i) => `www.slow-${i}.test`);
    const args = [
      "crawl",
      ...sites,
      ...crawlArgs(web, out, ["--dwell", "0.3", "--pages-per-site", "1", "--concurrency", "2"]),
    ];
    const child = startEarshot(args, { tmp });
    const exited = new Promise((resolve) => child.on("exit", resolve));
    await waitForFinished(out, 3);
    child.kill("SIGKILL");
    await exited;
    const before = siteRows(out).filter((r) => r.status === "ok");
    expect(before.length).toBeGreaterThanOrEqual(3);
    expect(before.length).toBeLessThan(10);
    // The pipe to the browser closed with the crawl: Chromium exits by itself.
    await waitFor(() => browserProcesses(tmp).length === 0, 15_000, "the orphaned browser to exit");

    const result = await runEarshot(args, { tmp });
    expect(result.code, result.stderr).toBe(0);
    const after = siteRows(out);
    expect(after.map((r) => r.site)).toEqual(sites);
    expect(after.every((r) => r.status === "ok" && r.pages === 1)).toBe(true);
    for (const done of before) {
      expect(after.find((r) => r.site === done.site)?.finished_at).toBe(done.finished_at);
    }
    const db = openDb(out);
    const homes = db
      .prepare("SELECT COUNT(*) AS n, COUNT(DISTINCT site_id) AS sites FROM pages WHERE depth = 0")
      .get();
    db.close();
    expect(homes).toEqual({ n: 10, sites: 10 });
    // The profile the killed crawl could not remove is removed by the next run.
    expect(profilesLeft(tmp)).toEqual([]);
  });

  it("replaces a browser that crashes and retries its site once", async () => {
    const out = tempDir();
    crashTmp = tempDir();
    const args = [
      "crawl",
      "www.crashes-browser.test",
      "www.fine-c.test",
      ...crawlArgs(web, out, ["--dwell", "0.3", "--pages-per-site", "1", "--concurrency", "1"]),
    ];
    const result = await runEarshot(args, { tmp: crashTmp });
    expect(result.code, result.stderr).toBe(0);
    expect(crashed).toBe(true);
    const rows = siteRows(out);
    expect(rows.map((r) => [r.site, r.status, r.attempts])).toEqual([
      ["www.crashes-browser.test", "ok", 2],
      ["www.fine-c.test", "ok", 1],
    ]);
    expect(browserProcesses(crashTmp)).toEqual([]);
    expect(profilesLeft(crashTmp)).toEqual([]);
  });

  it("stops cleanly on Ctrl-C, keeps finished sites, and the rerun completes", async () => {
    const out = tempDir();
    const tmp = tempDir();
    const sites = Array.from({ length: 10 }, (_, i) => `www.slow-${i}.test`);
    const args = [
      "crawl",
      ...sites,
      ...crawlArgs(web, out, ["--dwell", "0.3", "--pages-per-site", "1", "--concurrency", "2"]),
    ];
    const child = startEarshot(args, { tmp });
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    await waitForFinished(out, 1);
    child.kill("SIGINT");
    expect(await exited).toBe(130);
    expect(browserProcesses(tmp)).toEqual([]);
    expect(profilesLeft(tmp)).toEqual([]);
    const rows = siteRows(out);
    expect(rows.some((r) => r.status === "pending")).toBe(true);
    expect(rows.some((r) => r.status === "running")).toBe(false);
    const rerun = await runEarshot(args, { tmp });
    expect(rerun.code).toBe(0);
    expect(siteRows(out).every((r) => r.status === "ok")).toBe(true);
  });
});

describe("no zombie or stray processes", () => {
  it("pgrep is available for the checks above", () => {
    expect(() => execFileSync("pgrep", ["--version"])).not.toThrow();
  });
});

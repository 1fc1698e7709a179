/**
 * Issue 8: a crawl that nothing can stop. One crawl through a web of hostile sites (each site does
 * one thing real sites have done to crawlers), garbage site lists, and a database that stops taking
 * writes mid-crawl (disk full, read-only).
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { treeRss } from "../bench/process-tree.ts";
import type { FixtureWeb } from "../src/fixture-web/server.ts";
import { LIMITS } from "../src/util/limits.ts";
import { BIG_POSTERS, HEALTHY_SITES, HOMOGRAPH, HOSTILE_CASES, hostileWeb } from "./fixtures/hostile-web.ts";
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

let web: FixtureWeb;

beforeAll(async () => {
  web = await startWeb(hostileWeb());
});

afterAll(async () => {
  await web?.stop();
});

/** Chromium processes left as zombies (state Z) anywhere on the machine. */
/**
 * Chromium zombies nobody will reap: those whose parent is not a live Chromium. (A running sandboxed
 * browser, of another test, briefly holds a dead child in its zygote's namespace; it reaps it.)
 */
function zombieBrowsers(): string[] {
  const out = execFileSync("ps", ["-eo", "pid=,ppid=,stat=,comm="], { encoding: "utf8" });
  const rows = out
    .split("\n")
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => f.length >= 4);
  const live = new Set(
    rows.filter((f) => !/^Z/.test(f[2] ?? "") && /chrom/i.test(f[3] ?? "")).map((f) => f[0]),
  );
  return rows
    .filter((f) => /^Z/.test(f[2] ?? "") && /chrom/i.test(f[3] ?? "") && !live.has(f[1]))
    .map((f) => f.join(" "));
}

describe("a crawl through the hostile web", () => {
  const out = tempDir();
  const tmp = tempDir();
  let result: { code: number | null; stderr: string };
  let peakMemory = 0;
  const sites = [...HOSTILE_CASES.map((c) => c.site), ...HEALTHY_SITES];

  beforeAll(async () => {
    const child = startEarshot(
      [
        "crawl",
        ...sites,
        ...crawlArgs(web, out, [
          "--timeout",
          "10",
          "--dwell",
          "1",
          "--pages-per-site",
          "2",
          "--concurrency",
          "4",
        ]),
      ],
      { tmp },
    );
    let stderr = "";
    child.stderr?.on("data", (d) => {
      stderr += d;
    });
    // Memory of the crawler and all its Chromium processes together, every half second.
    const sampler = setInterval(() => {
      peakMemory = Math.max(peakMemory, treeRss(child.pid as number));
    }, 500);
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    clearInterval(sampler);
    result = { code, stderr };
    // The figures the README's reliability table and the issue note quote.
    const db = openDb(out);
    const timings = db
      .prepare(
        "SELECT site, status, error, pages, finished_at - started_at AS ms FROM sites ORDER BY position",
      )
      .all();
    db.close();
    console.log(JSON.stringify({ peakMemoryMB: Math.round(peakMemory / 1024 ** 2), timings }));
  }, 600_000);

  const rows = () => {
    const db = openDb(out);
    try {
      return db
        .prepare("SELECT site, status, error, pages, final_url, started_at, finished_at FROM sites")
        .all() as Array<{
        site: string;
        status: string;
        error: string | null;
        pages: number;
        final_url: string | null;
        started_at: number;
        finished_at: number;
      }>;
    } finally {
      db.close();
    }
  };

  it("finishes, with every site recorded ok or failed with its specific reason", () => {
    expect(result.code, result.stderr).toBe(0);
    const bySite = Object.fromEntries(rows().map((r) => [r.site, [r.status, r.error]]));
    const expected = Object.fromEntries([
      ...HOSTILE_CASES.map((c) => [c.site, c.expect]),
      ...HEALTHY_SITES.map((s) => [s, ["ok", null]]),
    ]);
    expect(bySite).toEqual(expected);
  });

  it("records what each hostile site did", () => {
    const db = openDb(out);
    try {
      const eventsOf = (site: string) =>
        db
          .prepare(
            "SELECT e.kind, COUNT(*) AS n FROM page_events e JOIN pages p ON p.id = e.page_id JOIN sites s ON s.id = p.site_id WHERE s.site = ? GROUP BY e.kind",
          )
          .all(site) as Array<{ kind: string; n: number }>;
      const kinds = (site: string) => eventsOf(site).map((e) => e.kind);
      expect(kinds("www.dialog-loop.test")).toContain("dialog");
      expect(kinds("www.memory-hog.test")).toContain("renderer_crash");
      expect(kinds("www.busy-loop.test")).toContain("navigation_timeout");
      // The top frame went elsewhere: the crawler followed, and recorded the other site's document
      // with this site's page (as its final address, unless a loaded machine read it first).
      const runaway = rows().find((r) => r.site === "www.runaway.test");
      expect(["www.elsewhere.test", "www.runaway.test"]).toContain(
        new URL(String(runaway?.final_url)).hostname,
      );
      const followed = db
        .prepare(
          "SELECT COUNT(*) AS n FROM requests r JOIN sites s ON s.id = r.site_id WHERE s.site = 'www.runaway.test' AND r.url = 'https://www.elsewhere.test/' AND r.resource_type = 'document'",
        )
        .get() as { n: number };
      expect(followed.n).toBe(1);
      // The service worker answered the subpage, which was still visited and recorded.
      const swPages = db
        .prepare(
          "SELECT p.url, p.title, p.status FROM pages p JOIN sites s ON s.id = p.site_id WHERE s.site = 'www.sw-everything.test' ORDER BY p.id",
        )
        .all() as Array<{ url: string; title: string; status: string }>;
      expect(swPages).toHaveLength(2);
      // The worker started while its page was open (the capture must not hold it paused): the page's
      // load, held until the worker controls it, came.
      expect(swPages[0]?.status).toBe("ok");
      expect(swPages[1]?.title).toBe("Answered by the worker");
      // The page's attempts to read local files are recorded, each one refused: nothing was
      // fetched, framed or visited outside http(s).
      const foreign = db
        .prepare(
          "SELECT url, status, error FROM requests WHERE url NOT LIKE 'http%' AND url NOT LIKE 'ws%' AND url NOT LIKE 'data:%' AND url NOT LIKE 'blob:%'",
        )
        .all() as Array<{ url: string; status: number | null; error: string | null }>;
      expect(foreign.map((r) => r.url)).toContain("file:///etc/passwd");
      for (const attempt of foreign) {
        expect(attempt.url).toMatch(/^(file|chrome):/);
        expect(attempt.status).toBeNull();
        expect(attempt.error).not.toBeNull();
      }
      expect(db.prepare("SELECT url FROM pages WHERE url NOT LIKE 'http%'").all()).toEqual([]);
    } finally {
      db.close();
    }
  });

  it("stores everything within its limits", () => {
    const db = openDb(out);
    try {
      const one = (sql: string) => Object.values(db.prepare(sql).get() as object)[0] as number;
      expect(one("SELECT MAX(LENGTH(text_excerpt)) FROM pages")).toBeLessThanOrEqual(LIMITS.pageText);
      expect(one("SELECT MAX(LENGTH(value)) FROM cookies")).toBeLessThanOrEqual(LIMITS.cookieValue);
      expect(one("SELECT COUNT(*) FROM cookies WHERE name LIKE 'flood%'")).toBeGreaterThan(100);
      expect(
        one("SELECT MAX(n) FROM (SELECT COUNT(*) AS n FROM cookies GROUP BY page_id)"),
      ).toBeLessThanOrEqual(LIMITS.cookiesPerPage);
      // 40,000 frames went over the flooded socket; a bounded sample of them is kept.
      expect(one("SELECT COUNT(*) FROM websocket_frames")).toBeGreaterThan(0);
      expect(
        one("SELECT MAX(n) FROM (SELECT COUNT(*) AS n FROM websocket_frames GROUP BY websocket_id)"),
      ).toBeLessThanOrEqual(LIMITS.webSocketFramesPerSocket);
      expect(one("SELECT MAX(LENGTH(payload)) FROM websocket_frames")).toBeLessThanOrEqual(
        LIMITS.webSocketFramePayload + 1,
      );
      expect(
        one("SELECT MAX(n) FROM (SELECT COUNT(*) AS n FROM page_events GROUP BY page_id)"),
      ).toBeLessThanOrEqual(LIMITS.eventsPerPage);
      // The 16 KB header is cut to the header limit.
      const headers = db
        .prepare("SELECT response_headers FROM requests WHERE url = 'https://www.odd-headers.test/'")
        .get() as { response_headers: string };
      const values = Object.values(JSON.parse(headers.response_headers) as Record<string, string>);
      expect(Math.max(...values.map((v) => v.length))).toBeLessThanOrEqual(LIMITS.headerValue + 1);
      // A 20 MB page leaves a database of ordinary size.
      expect(statSync(join(out, "earshot.sqlite")).size).toBeLessThan(20 * 1024 * 1024);
    } finally {
      db.close();
    }
  });

  it("keeps memory bounded and the healthy sites on time", () => {
    // A renderer may hold 1 GiB of JavaScript heap before it is stopped (--js-flags; Chromium's own
    // limit is 4 GiB); with a 20 MB page and the memory hog among four sites at once, the whole
    // crawl measured 2.7-3.5 GiB.
    expect(peakMemory).toBeGreaterThan(0);
    expect(peakMemory).toBeLessThan(5 * 1024 ** 3);
    for (const row of rows().filter((r) => HEALTHY_SITES.includes(r.site))) {
      // Two pages with 1 s dwell each; the hostile sites' 10 s timeouts must not add to them.
      expect(row.finished_at - row.started_at, row.site).toBeLessThan(20_000);
    }
  });

  it("leaves no browser process, zombie or temporary profile behind", async () => {
    expect(browserProcesses(tmp)).toEqual([]);
    expect(profilesLeft(tmp)).toEqual([]);
    // A process that just ended is a zombie until its parent reaps it: give that a moment.
    await waitFor(() => zombieBrowsers().length === 0, 10_000, "no zombie Chromium").catch(() => {});
    expect(zombieBrowsers()).toEqual([]);
  });
});

describe("a site list full of garbage", () => {
  const dir = tempDir();
  const list = join(dir, "garbage.txt");

  beforeAll(() => {
    const lines = [
      "www.calm-one.test", // 1
      "\u0000\u0001\u0002\u00ff\u00fe binary", // 2
      `${"a".repeat(10 * 1024 * 1024)}.test`, // 3: a 10 MB line
      "https://user:secret@www.calm-two.test/", // 4
      "localhost", // 5
      "http://127.0.0.1:8080/", // 6
      "192.168.1.1", // 7
      "https://[::1]/", // 8
      `www.p\u0430ypal-login.test`, // 9: a Cyrillic letter among Latin ones
      "www.calm-three.test", // 10
    ];
    // A byte-order mark, Windows line endings and raw bytes that are not UTF-8.
    const text = Buffer.concat([
      Buffer.from("\uFEFF"),
      Buffer.from(lines.join("\r\n")),
      Buffer.from([0x0d, 0x0a, 0xc3, 0x28, 0xff, 0x0d, 0x0a]),
    ]);
    writeFileSync(list, text);
  });

  it("crawls the usable sites and names every other line and why", async () => {
    const out = join(dir, "crawl");
    const result = await runEarshot([
      "crawl",
      "--list",
      list,
      ...crawlArgs(web, out, ["--timeout", "10", "--dwell", "0", "--pages-per-site", "1"]).filter(
        (a) => a !== "--quiet",
      ),
    ]);
    expect(result.code, result.stderr).toBe(0);
    const warnings = result.stderr.split("\n").filter((l) => l.includes("garbage.txt:"));
    const byLine = (n: number) => warnings.find((w) => w.includes(`garbage.txt:${n}:`)) ?? "";
    expect(byLine(2)).toMatch(/control characters/);
    expect(byLine(3)).toMatch(/longer than/);
    expect(byLine(3).length).toBeLessThan(300);
    expect(byLine(4)).toMatch(/credentials/);
    for (const n of [5, 6, 7, 8]) expect(byLine(n)).toMatch(/private or local address/);
    expect(byLine(9)).toMatch(/crawled, but mixes Latin and Cyrillic/);
    expect(byLine(11)).toMatch(/not a valid domain/);
    const db = openDb(out);
    const stored = db.prepare("SELECT site, status FROM sites ORDER BY position").all();
    const longest = db.prepare("SELECT MAX(LENGTH(site)) AS n FROM sites").get() as { n: number };
    db.close();
    expect(stored).toEqual([
      { site: "www.calm-one.test", status: "ok" },
      { site: HOMOGRAPH, status: "ok" },
      { site: "www.calm-three.test", status: "ok" },
    ]);
    expect(longest.n).toBeLessThan(100);
  });

  it("crawls the machine's own addresses only with --allow-private", async () => {
    const out = join(dir, "private");
    const refused = await runEarshot(["crawl", "localhost", ...crawlArgs(web, out)]);
    expect(refused.code).toBe(2);
    expect(refused.stderr.trim().split("\n")).toHaveLength(1);
    expect(refused.stderr).toMatch(/private or local address \(use --allow-private\)/);
    const allowed = await runEarshot([
      "crawl",
      "localhost",
      "--allow-private",
      ...crawlArgs(web, out, ["--timeout", "5", "--dwell", "0", "--pages-per-site", "1"]),
    ]);
    expect(allowed.code, allowed.stderr).toBe(0);
    const db = openDb(out);
    expect(db.prepare("SELECT site FROM sites").all()).toEqual([{ site: "localhost" }]);
    db.close();
  });
});

/** Mounts a small tmpfs (root only, where mounting is allowed); null where it is not. */
function smallDisk(dir: string, size: string): string | null {
  mkdirSync(dir, { recursive: true });
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", `size=${size}`, "tmpfs", dir], { stdio: "ignore" });
    return dir;
  } catch {
    return null;
  }
}

describe("a database that stops taking writes", () => {
  const mounted: string[] = [];
  afterAll(() => {
    for (const dir of mounted) execFileSync("umount", ["-l", dir], { stdio: "ignore" });
  });

  const crawl = (out: string, env: Record<string, string> = {}) =>
    runEarshot(
      [
        "crawl",
        ...BIG_POSTERS,
        ...crawlArgs(web, out, [
          "--timeout",
          "10",
          "--dwell",
          "0.5",
          "--pages-per-site",
          "1",
          "--concurrency",
          "2",
        ]),
      ],
      { env },
    );

  const statuses = (out: string) => {
    const db = openDb(out);
    try {
      return db.prepare("SELECT site, status FROM sites WHERE status = 'ok'").all() as Array<{
        site: string;
      }>;
    } finally {
      db.close();
    }
  };

  it("disk full: stops with one clear line, keeps what was recorded, and resumes", async (ctx) => {
    const disk = smallDisk(tempDir("earshot-disk-"), "1500k");
    if (!disk) {
      // Not root, or mounting is not allowed: reported as skipped, not passed (the read-only case
      // below covers the same path).
      ctx.skip();
      return;
    }
    mounted.push(disk);
    const out = join(disk, "crawl");
    const full = await crawl(out);
    expect(full.code).toBe(1);
    const last = full.stderr.trim().split("\n").at(-1) ?? "";
    expect(last).toMatch(/^earshot: cannot write to .*earshot\.sqlite: the disk is full/);
    const kept = statuses(out).length;
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(BIG_POSTERS.length);
    // More room, the same command: the rest is crawled, nothing twice.
    execFileSync("mount", ["-o", "remount,size=64m", disk]);
    const resumed = await crawl(out);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(
      statuses(out)
        .map((r) => r.site)
        .sort(),
    ).toEqual([...BIG_POSTERS].sort());
    const db = openDb(out);
    expect((db.prepare("SELECT COUNT(*) AS n FROM pages").get() as { n: number }).n).toBe(BIG_POSTERS.length);
    db.close();
  });

  it("read-only mid-crawl: stops with one clear line, keeps what was recorded, and resumes", async () => {
    const out = tempDir();
    const stopped = await crawl(out, { EARSHOT_TEST_READ_ONLY_AFTER: "2" });
    expect(stopped.code).toBe(1);
    expect(stopped.stderr.trim().split("\n").at(-1)).toMatch(
      /^earshot: cannot write to .*earshot\.sqlite: the database is read-only/,
    );
    expect(statuses(out)).toHaveLength(2);
    const resumed = await crawl(out);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(statuses(out)).toHaveLength(BIG_POSTERS.length);
  });
});

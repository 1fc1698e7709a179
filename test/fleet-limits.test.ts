import type { ChildProcess } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FixtureWeb } from "../src/fixture-web/server.ts";
import { CrawlStore } from "../src/store/crawl-store.ts";
import { runEarshot, slowSites, startEarshot, startWeb } from "./helpers.ts";
import { freshDatabase } from "./postgres.ts";

function exitOf(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.on("exit", (code) => resolve(code)));
}

describe("fleet limits and shutdown", () => {
  let web: FixtureWeb;
  let db: { url: string; drop: () => Promise<void> };
  const SAME = ["a.samehost.test", "b.samehost.test", "c.samehost.test"];
  const OTHER = ["www.one.test", "www.two.test", "www.three.test"];
  const SLOW = ["s1.test", "s2.test", "s3.test", "s4.test"];

  beforeAll(async () => {
    web = await startWeb([
      ...slowSites([...SAME, ...OTHER], 1500),
      ...slowSites(SLOW, 4000),
      { host: "www.killer.test", routes: { "/": { hang: true } } },
    ]);
    db = await freshDatabase("limits");
  });

  afterAll(async () => {
    await web?.stop();
    await db?.drop();
  });

  /** A worker process on crawl `id`. */
  const startWorker = (id: number, concurrency?: number) =>
    startEarshot([
      "worker",
      "--db",
      db.url,
      "--crawl",
      String(id),
      ...(concurrency ? ["--concurrency", String(concurrency)] : []),
      "--quiet",
    ]);

  const crawl = (sites: string[], extra: string[]) =>
    runEarshot([
      "crawl",
      ...sites,
      "--db",
      db.url,
      "--enqueue-only",
      "--proxy",
      web.proxyUrl,
      "--ignore-https-errors",
      "--pages-per-site",
      "1",
      "--dwell",
      "0.5",
      "--quiet",
      ...extra,
    ]);

  it("keeps one site per registrable domain in flight across workers, and paces pages fleet-wide", async () => {
    const r = await crawl([...SAME, ...OTHER], ["--per-host", "1", "--rate", "120"]);
    expect(r.code, r.stderr).toBe(0);
    const id = Number(r.stdout.trim());
    const workers = [0, 1].map(() => startWorker(id, 3));
    expect(await Promise.all(workers.map(exitOf))).toEqual([0, 0]);
    const store = await CrawlStore.openPostgres(db.url, { crawlId: id });
    try {
      const sites = await store.sql.all<{
        site: string;
        status: string;
        started_at: number;
        finished_at: number;
      }>("SELECT site, status, started_at, finished_at FROM sites ORDER BY started_at");
      expect(sites.every((s) => s.status === "ok")).toBe(true);
      // samehost.test: one at a time, although six slots were free.
      const same = sites.filter((s) => s.site.endsWith(".samehost.test"));
      for (let i = 1; i < same.length; i++) {
        expect(
          same[i]?.started_at ?? 0,
          `${same[i]?.site} after ${same[i - 1]?.site}: ${JSON.stringify(sites)}`,
        ).toBeGreaterThanOrEqual(same[i - 1]?.finished_at ?? 0);
      }
      // Other hosts did overlap (the limit is per host, not a global one).
      const others = sites.filter((s) => OTHER.includes(s.site));
      const overlapping = others.some((a, i) =>
        others.some((b, j) => i !== j && a.started_at < b.finished_at && b.started_at < a.finished_at),
      );
      expect(overlapping).toBe(true);
      // --rate 120: one page every half second fleet-wide. The three other hosts' pages could all
      // start at once (six slots); paced, they spread over at least two intervals, and the six pages
      // over five. A page can start a little after its slot (a busy worker, a browser starting):
      // 300 ms of slack, where without the limit the three would start within a few milliseconds.
      const SLACK = 300;
      const pages = await store.sql.all<{ site: string; started_at: number }>(
        "SELECT s.site, p.started_at FROM pages p JOIN sites s ON s.id = p.site_id ORDER BY p.started_at",
      );
      expect(pages).toHaveLength(6);
      const starts = pages.map((p) => p.started_at);
      const otherStarts = pages.filter((p) => OTHER.includes(p.site)).map((p) => p.started_at);
      const span = (xs: number[]) => Math.max(...xs) - Math.min(...xs);
      expect(span(otherStarts), JSON.stringify(pages)).toBeGreaterThanOrEqual(2 * 500 - SLACK);
      expect(span(starts), JSON.stringify(pages)).toBeGreaterThanOrEqual(5 * 500 - SLACK);
    } finally {
      await store.close();
    }
  });

  it("a worker stopped with SIGTERM gives its sites back; another worker finishes them", async () => {
    const r = await crawl(SLOW, []);
    expect(r.code, r.stderr).toBe(0);
    const id = Number(r.stdout.trim());
    const first = startWorker(id, 2);
    const firstExit = exitOf(first);
    const store = await CrawlStore.openPostgres(db.url, { crawlId: id });
    try {
      const running = async () =>
        (await store.sql.get<{ n: number }>("SELECT COUNT(*) AS n FROM sites WHERE status = 'running'"))?.n ??
        0;
      const until = Date.now() + 60_000;
      while ((await running()) < 2) {
        if (Date.now() > until) throw new Error("the worker did not start two sites");
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const stoppedAt = Date.now();
      first.kill("SIGTERM");
      expect(await firstExit).toBe(130);
      // It did not wait for its slow sites to finish; they are back in the queue, waiting.
      expect(Date.now() - stoppedAt).toBeLessThan(8000);
      expect(await running()).toBe(0);
      const status = JSON.parse(
        (await runEarshot(["status", "--db", db.url, "--crawl", String(id), "--json"])).stdout,
      ) as {
        queue: { queued: number; active: number };
      };
      expect(status.queue.active).toBe(0);
      expect(status.queue.queued).toBeGreaterThanOrEqual(2);
      const second = startWorker(id, 4);
      expect(await exitOf(second)).toBe(0);
      const sites = await store.sql.all<{ status: string }>("SELECT status FROM sites");
      expect(sites.map((s) => s.status)).toEqual(["ok", "ok", "ok", "ok"]);
    } finally {
      await store.close();
    }
  });

  it("records a site as failed once workers died on it --max-attempts times", async () => {
    const r = await crawl(
      ["www.killer.test"],
      ["--max-attempts", "2", "--job-timeout", "5", "--timeout", "60"],
    );
    expect(r.code, r.stderr).toBe(0);
    const id = Number(r.stdout.trim());
    const store = await CrawlStore.openPostgres(db.url, { crawlId: id });
    try {
      // The first worker takes the site (it never answers) and dies with it.
      const first = startWorker(id);
      const until = Date.now() + 60_000;
      while (((await store.siteById(1))?.status ?? "") !== "running") {
        if (Date.now() > until) throw new Error("the worker did not take the site");
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      first.kill("SIGKILL");
      await exitOf(first);
      // Its job expires; the next worker to take it sees the last attempt and records the failure.
      const second = startWorker(id);
      expect(await exitOf(second)).toBe(0);
      const site = await store.sql.get<{ status: string; error: string; error_detail: string }>(
        "SELECT status, error, error_detail FROM sites",
      );
      expect(site).toMatchObject({ status: "failed", error: "crash" });
      expect(site?.error_detail).toMatch(/abandoned after 1 interrupted attempt:/);
    } finally {
      await store.close();
    }
  });

  it("says what is wrong with fleet arguments in one line", async () => {
    for (const args of [
      ["worker"],
      ["worker", "--db", "mysql://x"],
      ["crawl", "a.test", "--out", "/tmp/x", "--enqueue-only"],
      ["crawl", "a.test", "--out", "/tmp/x", "--db", db.url],
      ["status", "--db", db.url, "--crawl", "abc"],
      ["worker", "--db", db.url, "--crawl", "999"],
    ]) {
      const r = await runEarshot(args);
      expect(r.code, `${args.join(" ")}: ${r.stderr}`).toBe(2);
      expect(r.stderr.trim().split("\n"), args.join(" ")).toHaveLength(1);
    }
  });
});

import { type ChildProcess, execFileSync } from "node:child_process";
import { chownSync, existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FixtureWeb } from "../src/fixture-web/server.ts";
import { CrawlStore } from "../src/store/crawl-store.ts";
import { runEarshot, slowSites, startEarshot, startWeb, tempDir } from "./helpers.ts";
import { freshDatabase } from "./postgres.ts";

interface Worker {
  child: ChildProcess;
  exit: Promise<number | null>;
  stderr: () => string;
}

function worker(url: string, id: number, concurrency: number): Worker {
  const child = startEarshot([
    "worker",
    "--db",
    url,
    "--crawl",
    String(id),
    "--concurrency",
    String(concurrency),
  ]);
  let stderr = "";
  child.stderr?.on("data", (d) => {
    stderr += d;
  });
  const exit = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
  return { child, exit, stderr: () => stderr };
}

async function until(check: () => Promise<boolean>, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const enqueue = (url: string, web: FixtureWeb, sites: string[], extra: string[]) =>
  runEarshot([
    "crawl",
    ...sites,
    "--db",
    url,
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

/** How each site ended up: status, and how many page rows it has (two would mean recorded twice). */
async function outcome(url: string, id: number) {
  const store = await CrawlStore.openPostgres(url, { crawlId: id });
  try {
    return await store.sql.all<{ site: string; status: string; pages: number; finished_at: number }>(
      `SELECT s.site, s.status, s.finished_at, (SELECT COUNT(*) FROM pages p WHERE p.site_id = s.id)::int AS pages
       FROM sites s ORDER BY s.site`,
    );
  } finally {
    await store.close();
  }
}

describe("a fleet worker frozen past its job's timeout", () => {
  let web: FixtureWeb;
  let db: { url: string; drop: () => Promise<void> };
  const SITES = ["www.frozen-one.test", "www.frozen-two.test", "www.frozen-three.test"];

  beforeAll(async () => {
    web = await startWeb(slowSites(SITES, 1500));
    db = await freshDatabase("fencing");
  });

  afterAll(async () => {
    await web?.stop();
    await db?.drop();
  });

  // --per-host 2: the frozen worker still holds its site's host slot (its connection lives on), and a
  // second slot lets the other worker take the site.
  it("has its site taken by another, and its late result refused", async () => {
    const r = await enqueue(db.url, web, SITES, ["--job-timeout", "8", "--per-host", "2"]);
    expect(r.code, r.stderr).toBe(0);
    const id = Number(r.stdout.trim());
    const store = await CrawlStore.openPostgres(db.url, { crawlId: id });
    const running = async () =>
      (await store.sql.get<{ n: number }>("SELECT COUNT(*)::int AS n FROM sites WHERE status = 'running'"))
        ?.n ?? 0;
    const frozen = worker(db.url, id, 1);
    try {
      await until(async () => (await running()) === 1, 60_000, "the first worker to take a site");
      frozen.child.kill("SIGSTOP");
      // Past the job's timeout and a round of the queue's maintenance: the job is up for grabs.
      await new Promise((resolve) => setTimeout(resolve, 16_000));
      const other = worker(db.url, id, 3);
      expect(await other.exit, other.stderr()).toBe(0);
      const before = await outcome(db.url, id);
      expect(before.map((s) => [s.status, s.pages])).toEqual(SITES.map(() => ["ok", 1]));
      const resumedAt = Date.now();
      frozen.child.kill("SIGCONT");
      expect(await frozen.exit, frozen.stderr()).toBe(0);
      expect(frozen.stderr()).toMatch(/result refused: the site's job expired and another worker took it/);
      // What the other worker recorded stands: nothing was rewritten after the frozen one woke.
      const after = await outcome(db.url, id);
      expect(after).toEqual(before);
      expect(after.every((s) => s.finished_at < resumedAt)).toBe(true);
    } finally {
      if (frozen.child.exitCode === null) {
        frozen.child.kill("SIGCONT");
        frozen.child.kill("SIGKILL");
      }
      await store.close();
    }
  }, 180_000);
});

/** The PostgreSQL server binaries of this machine (Debian's layout), or null. */
function postgresBin(): string | null {
  const root = "/usr/lib/postgresql";
  if (!existsSync(root)) return null;
  const version = readdirSync(root).sort().at(-1);
  const bin = version ? join(root, version, "bin") : "";
  return existsSync(join(bin, "pg_ctl")) ? bin : null;
}

/**
 * A PostgreSQL server of the test's own (its own data folder and port), so that stopping it
 * disturbs no other test. Needs root (to run the server as the postgres account).
 */
class PrivateServer {
  readonly port = 15_400 + (process.pid % 500);
  private readonly dir = join(tempDir("earshot-pg-"), "data");

  constructor(private readonly bin: string) {}

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  private asPostgres(tool: string, args: string[]): void {
    execFileSync(
      "setpriv",
      ["--reuid=postgres", "--regid=postgres", "--init-groups", join(this.bin, tool), ...args],
      {
        stdio: "ignore",
        timeout: 60_000,
      },
    );
  }

  init(): void {
    const parent = join(this.dir, "..");
    const { uid, gid } = {
      uid: Number(execFileSync("id", ["-u", "postgres"]).toString()),
      gid: Number(execFileSync("id", ["-g", "postgres"]).toString()),
    };
    chownSync(parent, uid, gid);
    this.asPostgres("initdb", ["-D", this.dir, "-A", "trust", "-U", "postgres", "--no-sync"]);
  }

  start(): void {
    const options = `-p ${this.port} -k ${join(this.dir, "..")} -c listen_addresses=127.0.0.1 -c fsync=off`;
    this.asPostgres("pg_ctl", [
      "-D",
      this.dir,
      "-o",
      options,
      "-l",
      join(this.dir, "..", "log"),
      "-w",
      "start",
    ]);
  }

  stop(): void {
    this.asPostgres("pg_ctl", ["-D", this.dir, "-m", "fast", "-w", "stop"]);
  }
}

const bin = process.getuid?.() === 0 ? postgresBin() : null;

describe.skipIf(!bin)("a fleet whose database restarts mid-crawl", () => {
  let web: FixtureWeb;
  let server: PrivateServer;
  const SITES = Array.from({ length: 8 }, (_, i) => `r${i + 1}.restart.test`);

  beforeAll(async () => {
    web = await startWeb(slowSites(SITES, 1500));
    server = new PrivateServer(bin as string);
    server.init();
    server.start();
  }, 120_000);

  afterAll(async () => {
    await web?.stop();
    try {
      server?.stop();
    } catch {
      // Already stopped.
    }
  });

  it("waits, says so once, reconnects and finishes: no site lost or recorded twice", async () => {
    const r = await enqueue(server.url, web, SITES, []);
    expect(r.code, r.stderr).toBe(0);
    const id = Number(r.stdout.trim());
    const w = worker(server.url, id, 2);
    const done = async () => {
      const store = await CrawlStore.openPostgres(server.url, { crawlId: id });
      try {
        return (
          (await store.sql.get<{ n: number }>("SELECT COUNT(*)::int AS n FROM sites WHERE status = 'ok'"))
            ?.n ?? 0
        );
      } finally {
        await store.close();
      }
    };
    await until(async () => (await done()) >= 2, 90_000, "two sites to be recorded");
    server.stop();
    await new Promise((resolve) => setTimeout(resolve, 15_000));
    server.start();
    expect(await w.exit, w.stderr()).toBe(0);
    const sites = await outcome(server.url, id);
    expect(sites.map((s) => [s.site, s.status, s.pages])).toEqual(
      [...SITES].sort().map((site) => [site, "ok", 1]),
    );
    expect(w.stderr().match(/database unreachable/g)?.length, w.stderr()).toBe(1);
    expect(w.stderr()).toMatch(/database reachable again after \d+ s/);
  }, 240_000);
});

/** A small tmpfs (root only, where mounting is allowed), or null. */
function smallDisk(size: string): string | null {
  const dir = tempDir("earshot-tmpfs-");
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", `size=${size},mode=1777`, "tmpfs", dir], { stdio: "ignore" });
    return dir;
  } catch {
    return null;
  }
}

describe("a fleet worker whose temp folder is full", () => {
  let web: FixtureWeb;
  let db: { url: string; drop: () => Promise<void> };
  let disk: string | null = null;
  const SITES = ["t1.tempfull.test", "t2.tempfull.test"];

  beforeAll(async () => {
    web = await startWeb(slowSites(SITES, 100));
    db = await freshDatabase("tempfull");
    disk = process.getuid?.() === 0 ? smallDisk("16m") : null;
  });

  afterAll(async () => {
    if (disk) execFileSync("umount", ["-l", disk], { stdio: "ignore" });
    await web?.stop();
    await db?.drop();
  });

  it("stops with one clear line, and its sites go back to the queue", async (context) => {
    if (!disk) return context.skip();
    const r = await enqueue(db.url, web, SITES, []);
    expect(r.code, r.stderr).toBe(0);
    const id = Number(r.stdout.trim());
    const w = await runEarshot(["worker", "--db", db.url, "--crawl", String(id), "--quiet"], { tmp: disk });
    expect(w.code).toBe(1);
    const lines = w.stderr.trim().split("\n");
    expect(lines.at(-1)).toMatch(
      /^earshot: the temp folder .* is full \(\d+ KiB free\): no browser can start/,
    );
    expect(lines.filter((l) => /temp folder/.test(l))).toHaveLength(1);
    const status = JSON.parse(
      (await runEarshot(["status", "--db", db.url, "--crawl", String(id), "--json"])).stdout,
    ) as { sites: { toGo: number; inFlight: number }; queue: { queued: number; active: number } };
    expect(status.sites).toMatchObject({ toGo: SITES.length, inFlight: 0 });
    expect(status.queue).toMatchObject({ queued: SITES.length, active: 0 });
    // With room again, a worker crawls them all.
    const again = await runEarshot(["worker", "--db", db.url, "--crawl", String(id), "--quiet"]);
    expect(again.code, again.stderr).toBe(0);
    expect((await outcome(db.url, id)).map((s) => s.status)).toEqual(["ok", "ok"]);
  }, 120_000);
});

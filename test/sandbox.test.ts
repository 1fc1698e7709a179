import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FixtureWeb } from "../src/fixture-web/server.ts";
import { page, snippets, vendorSites } from "../src/fixture-web/vendors.ts";
import {
  browserProcesses,
  crawlArgs,
  openDb,
  runEarshot,
  startEarshot,
  startWeb,
  tempDir,
  waitFor,
} from "./helpers.ts";

/** What the kernel says of a process while it runs. */
interface ProcessFacts {
  pid: number;
  uid: number;
  seccomp: number;
  userNamespace: string;
  pidNamespace: string;
  /** Chromium rewrites its children's titles: the arguments may come as one string. */
  commandLine: string;
  sockets: Set<string>;
}

function facts(pid: number): ProcessFacts | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const sockets = new Set<string>();
    for (const fd of readdirSync(`/proc/${pid}/fd`)) {
      const target = readlinkSync(`/proc/${pid}/fd/${fd}`, { encoding: "utf8" });
      const inode = target.match(/^socket:\[(\d+)\]$/)?.[1];
      if (inode) sockets.add(inode);
    }
    return {
      pid,
      uid: Number(status.match(/^Uid:\s+(\d+)/m)?.[1]),
      seccomp: Number(status.match(/^Seccomp:\s+(\d+)/m)?.[1]),
      userNamespace: readlinkSync(`/proc/${pid}/ns/user`),
      pidNamespace: readlinkSync(`/proc/${pid}/ns/pid`),
      commandLine: readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" "),
      sockets,
    };
  } catch {
    // Gone between the listing and the reading.
    return null;
  }
}

/** The inodes of TCP sockets in the LISTEN state, IPv4 and IPv6. */
function listeningTcpInodes(): Set<string> {
  const inodes = new Set<string>();
  for (const file of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    for (const line of readFileSync(file, "utf8").split("\n").slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields[3] === "0A" && fields[9]) inodes.add(fields[9]);
    }
  }
  return inodes;
}

/** Every process of a crawl's browsers: the ones whose command line names its TMPDIR, and their children. */
function crawlBrowsers(tmp: string): ProcessFacts[] {
  const roots = new Set(browserProcesses(tmp));
  const all: ProcessFacts[] = [];
  for (const name of readdirSync("/proc")) {
    const pid = Number(name);
    if (!Number.isInteger(pid)) continue;
    const stat = (() => {
      try {
        return readFileSync(`/proc/${pid}/stat`, "utf8");
      } catch {
        return "";
      }
    })();
    // Fields after the command name: state, ppid, pgrp.
    const [, , pgrp] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const inGroup = [...roots].some((root) => String(root) === pgrp);
    if (!roots.has(pid) && !inGroup) continue;
    const f = facts(pid);
    if (f) all.push(f);
  }
  return all;
}

describe("a browser a hostile page cannot turn on its host", () => {
  let web: FixtureWeb;

  beforeAll(async () => {
    web = await startWeb([
      ...vendorSites(),
      {
        host: "www.sandboxed.test",
        routes: { "/": page("Sandboxed", "<h1>sandboxed</h1>", snippets.tiktok("C4SANDBOX1")) },
      },
    ]);
  });

  afterAll(async () => {
    await web?.stop();
  });

  it("runs Chromium sandboxed, as a non-root account, with no DevTools port", async () => {
    const tmp = tempDir();
    const out = tempDir();
    const child = startEarshot(
      ["crawl", "www.sandboxed.test", ...crawlArgs(web, out, ["--pages-per-site", "1", "--dwell", "6"])],
      { tmp },
    );
    const exited = new Promise<number | null>((resolve) => child.on("close", resolve));
    // While the page dwells: the browser, its renderer for the page, and its helpers are all up.
    let seen: ProcessFacts[] = [];
    await waitFor(
      () => {
        seen = crawlBrowsers(tmp);
        return seen.some((p) => p.commandLine.includes("--type=renderer"));
      },
      30_000,
      "a renderer of the crawl",
    );
    await new Promise((r) => setTimeout(r, 1500));
    seen = crawlBrowsers(tmp);
    const listening = listeningTcpInodes();
    expect(await exited).toBe(0);

    expect(seen.length).toBeGreaterThan(2);
    for (const p of seen) {
      expect(p.uid, `process ${p.pid} runs as root`).not.toBe(0);
      expect(p.commandLine, `process ${p.pid}`).not.toMatch(/--no-sandbox\b/);
      expect(
        [...p.sockets].filter((inode) => listening.has(inode)),
        `process ${p.pid} listens`,
      ).toEqual([]);
    }
    const browser = seen.find((p) => !p.commandLine.includes("--type="));
    const renderers = seen.filter((p) => p.commandLine.includes("--type=renderer"));
    expect(browser).toBeDefined();
    expect(renderers.length).toBeGreaterThan(0);
    for (const r of renderers) {
      const confined =
        r.seccomp === 2 ||
        r.userNamespace !== browser?.userNamespace ||
        r.pidNamespace !== browser?.pidNamespace;
      expect(confined, `renderer ${r.pid}: seccomp ${r.seccomp}, namespaces as the browser's`).toBe(true);
    }
    const db = openDb(out);
    const recorded = db.prepare("SELECT value FROM meta WHERE key = 'browser'").get() as { value: string };
    const tiktok = db.prepare("SELECT COUNT(*) AS n FROM requests WHERE url LIKE '%tiktok%'").get() as {
      n: number;
    };
    db.close();
    expect(JSON.parse(recorded.value).sandbox).toBe(true);
    // Sandboxed and driven over the pipe, the crawl still captures.
    expect(tiktok.n).toBeGreaterThan(0);
  }, 90_000);

  it("runs without the sandbox only when asked, saying so and recording it", async () => {
    const out = tempDir();
    const r = await runEarshot([
      "crawl",
      "www.sandboxed.test",
      ...crawlArgs(web, out, ["--pages-per-site", "1", "--dwell", "0", "--no-sandbox"]),
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/--no-sandbox: Chromium runs without its sandbox/);
    const db = openDb(out);
    const recorded = JSON.parse(
      (db.prepare("SELECT value FROM meta WHERE key = 'browser'").get() as { value: string }).value,
    );
    db.close();
    expect(recorded.sandbox).toBe(false);
  }, 60_000);
});

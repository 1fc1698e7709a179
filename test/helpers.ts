import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import Database from "better-sqlite3";
import { type FixtureSite, FixtureWeb } from "../src/fixture-web/server.ts";
import { page } from "../src/fixture-web/vendors.ts";

export const ROOT = resolve(import.meta.dirname, "..");
/**
 * The yardsticks other people produced (`../shared/data/`: real beacons, real HARs, real banner
 * texts, the .gov registry), beside the checkout. CI has them; a test that reads them skips, in
 * one line, on a checkout without them.
 */
export const SHARED_DATA = resolve(ROOT, "..", "shared", "data");
export const HAS_SHARED = existsSync(SHARED_DATA);
export const EARSHOT = join(ROOT, "bin", "earshot");

/**
 * A fresh folder. Others may pass through it (not list it): given as a crawl's TMPDIR, the browser,
 * which runs as an unprivileged account when the tests run as root, must reach its profile inside.
 */
export function tempDir(prefix = "earshot-test-"): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  chmodSync(dir, 0o711);
  return dir;
}

/** Sites whose home page takes `ms` to answer, so a worker holds each for a while (and crawls of them overlap). */
export function slowSites(hosts: string[], ms: number): FixtureSite[] {
  return hosts.map((host) => ({
    host,
    routes: {
      "/": { delayMs: ms, headers: { "content-type": "text/html" }, body: page(host, `<h1>${host}</h1>`) },
    },
  }));
}

export async function startWeb(sites: FixtureSite[]): Promise<FixtureWeb> {
  const web = new FixtureWeb(sites);
  await web.start();
  return web;
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs bin/earshot as a user would. `tmp` becomes the child's TMPDIR, so its browser profiles can be checked. */
export interface RunOptions {
  tmp?: string;
  input?: string;
  env?: Record<string, string>;
}

export function runEarshot(args: string[], options: RunOptions = {}): Promise<RunResult> {
  const child = startEarshot(args, options);
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (d) => {
    stdout += d;
  });
  child.stderr?.on("data", (d) => {
    stderr += d;
  });
  if (options.input !== undefined) child.stdin?.end(options.input);
  return new Promise((resolve) => child.on("close", (code) => resolve({ code, stdout, stderr })));
}

export function startEarshot(args: string[], options: RunOptions = {}): ChildProcess {
  return spawn(EARSHOT, args, {
    env: { ...process.env, ...(options.tmp ? { TMPDIR: options.tmp } : {}), ...(options.env ?? {}) },
    stdio: [options.input !== undefined ? "pipe" : "ignore", "pipe", "pipe"],
  });
}

export function crawlArgs(web: FixtureWeb, out: string, extra: string[] = []): string[] {
  return ["--out", out, "--proxy", web.proxyUrl, "--ignore-https-errors", "--quiet", ...extra];
}

/** One table of a crawl as `earshot export` gives it, a record per line. */
export async function exportRows<T>(dir: string, table: string): Promise<T[]> {
  const r = await runEarshot(["export", dir, "--table", table]);
  return r.stdout
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as T);
}

export function openDb(dir: string): Database.Database {
  return new Database(join(dir, "earshot.sqlite"), { readonly: true });
}

/** Chromium processes whose command line mentions `marker` (a TMPDIR a test gave a crawl). */
export function browserProcesses(marker: string): number[] {
  try {
    const out = execFileSync("pgrep", ["-f", `user-data-dir=${marker}`], { encoding: "utf8" });
    return out.split("\n").filter(Boolean).map(Number);
  } catch (error) {
    // pgrep exits 1 when nothing matches; a missing pgrep must not pass for "no stray browser".
    if ((error as { status?: number }).status === 1) return [];
    throw new Error(`cannot look for browser processes: ${String(error)}`);
  }
}

export function profilesLeft(tmp: string): string[] {
  return readdirSync(tmp).filter((name) => name.startsWith("earshot-chromium-"));
}

export async function waitFor(check: () => boolean, ms: number, what: string): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** A plain Chromium for looking at what Earshot produced (report, web UI), as a reader would. */
export async function launchViewer(): Promise<import("playwright-core").Browser> {
  const { chromium } = await import("playwright-core");
  const { findChromium } = await import("../src/crawl/browser.ts");
  return chromium.launch({
    executablePath: findChromium(),
    args: ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}

/** Opens a crawl's report.html at a route (`#/site/NAME`), once its client has drawn it. */
export async function openReportPage(
  browser: import("playwright-core").Browser,
  dir: string,
  route = "",
): Promise<import("playwright-core").Page> {
  const page = await browser.newPage();
  await page.goto(`file://${join(dir, "report.html")}${route}`);
  await page.waitForSelector("body[data-ready='1']", { timeout: 15_000 });
  return page;
}

/** The text of each cell of each body row of the tables under `selector`. */
export function tableRows(page: import("playwright-core").Page, selector: string): Promise<string[][]> {
  return page.$$eval(`${selector} tbody tr`, (trs) =>
    trs.map((tr) => Array.from(tr.querySelectorAll("td")).map((td) => (td.textContent ?? "").trim())),
  );
}

/** Starts `earshot serve DIR` on a free port; resolves with the process and its address once it listens. */
export async function startServe(dir: string): Promise<{ server: ChildProcess; base: string }> {
  const server = startEarshot(["serve", dir, "--port", "0"]);
  const base = await new Promise<string>((resolve, reject) => {
    let text = "";
    server.stdout?.on("data", (d) => {
      text += d;
      const match = /at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(text);
      if (match?.[1]) resolve(match[1]);
    });
    server.on("exit", (code) => reject(new Error(`serve exited ${code}`)));
  });
  return { server, base };
}

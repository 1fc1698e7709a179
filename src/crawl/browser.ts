import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import {
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statfsSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import type { Readable, Writable } from "node:stream";
import { type Browser, chromium } from "playwright-core";
import { CdpPipe } from "../capture/cdp.ts";
import { withTimeout } from "../util/time.ts";
import type { CrawlOptions } from "./config.ts";
import { DevtoolsRelay } from "./devtools-relay.ts";
import { handProfileTo, type SandboxPlan, sandboxPlan } from "./sandbox.ts";

export class BrowserNotFoundError extends Error {
  constructor() {
    super(
      "no Chromium found: install one with `apt-get install chromium` (Debian/Ubuntu), " +
        "or set EARSHOT_CHROMIUM to the browser's executable",
    );
  }
}

const CANDIDATES = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"];

/** Finds the browser: $EARSHOT_CHROMIUM, /usr/bin/chromium, then the usual names on $PATH. */
export function findChromium(
  env: NodeJS.ProcessEnv = process.env,
  knownPaths = ["/usr/bin/chromium"],
): string {
  const fromEnv = env.EARSHOT_CHROMIUM;
  if (fromEnv) {
    if (existsSync(fromEnv)) return fromEnv;
    throw new Error(`EARSHOT_CHROMIUM points to ${fromEnv}, which does not exist`);
  }
  for (const path of knownPaths) if (existsSync(path)) return path;
  for (const dir of (env.PATH ?? "").split(delimiter)) {
    for (const name of CANDIDATES) {
      const path = join(dir, name);
      if (dir && existsSync(path)) return path;
    }
  }
  throw new BrowserNotFoundError();
}

const versions = new Map<string, string>();

/** What the browser says of itself (`Chromium 156.0.8078.73 built on Debian …`), asked once per executable. */
export function browserVersion(executable: string): string {
  let version = versions.get(executable);
  if (version === undefined) {
    version = askVersion(executable);
    versions.set(executable, version);
  }
  return version;
}

/**
 * The user agent of the ordinary desktop Chrome of the same version on this platform. Headless
 * Chromium says `HeadlessChrome/…`, and real tags (Meta's pixel, Hotjar) then switch themselves off:
 * a census would miss what they send to every real visitor. The client hints Chromium sends
 * (`Sec-CH-UA`: Chromium and its version) stay consistent with it, as they are for a Chromium user.
 */
export function desktopUserAgent(version: string): string {
  const major = version.match(/(\d+)\.\d+\.\d+\.\d+/)?.[1] ?? "140";
  const platform =
    process.platform === "darwin"
      ? "Macintosh; Intel Mac OS X 10_15_7"
      : process.platform === "win32"
        ? "Windows NT 10.0; Win64; x64"
        : "X11; Linux x86_64";
  return `Mozilla/5.0 (${platform}) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${major}.0.0.0 Safari/537.36`;
}

/** The user agent a crawl presents: the one asked for, else desktop Chrome's of this browser's version. */
export function crawlUserAgent(executable: string, asked: string | null | undefined): string {
  return asked || desktopUserAgent(browserVersion(executable));
}

function askVersion(executable: string): string {
  try {
    return execFileSync(executable, ["--version"], {
      encoding: "utf8",
      timeout: 15_000,
      stdio: ["ignore", "pipe", "ignore"],
    })
      .split("\n")[0]!
      .trim();
  } catch {
    return "unknown";
  }
}

/**
 * How every Earshot Chromium starts (the benchmark's bare Playwright loop uses them too, so that the
 * two are compared on equal terms): headless, no background traffic of its own, nothing of the
 * browser's own UI, bounded memory. Chromium 151+ pre-renders its address-bar popup in a renderer of its own for
 * every window, headless included (WebUIOmniboxPopup): one for each site's context, a cost for nothing.
 */
export const CHROMIUM_FLAGS = [
  "--headless",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-quic",
  "--no-first-run",
  "--no-default-browser-check",
  "--disable-default-apps",
  "--disable-extensions",
  "--disable-breakpad",
  "--disable-crash-reporter",
  "--disable-domain-reliability",
  "--disable-client-side-phishing-detection",
  "--disable-search-engine-choice-screen",
  "--disable-features=Translate,MediaRouter,OptimizationHints,AutofillServerCommunication,InterestFeedContentSuggestions,CertificateTransparencyComponentUpdater,WebUIOmniboxPopup,WebUIOmniboxAimPopup,AimEnabled,LensOverlay,PreconnectToSearch,NetworkTimeServiceQuerying",
  "--metrics-recording-only",
  "--password-store=basic",
  "--use-mock-keychain",
  "--mute-audio",
  "--hide-scrollbars",
  "--window-size=1366,768",
  // A page may use 1 GiB of JavaScript heap, not the default 4: a page that allocates without end
  // crashes its renderer sooner, and a crawl's memory stays bounded.
  "--js-flags=--max-old-space-size=1024",
  // `navigator.webdriver` false, as in a person's browser: tags check it and stay silent for robots.
  "--disable-blink-features=AutomationControlled",
];

const PROFILE_PREFIX = "earshot-chromium-";

/** A browser profile needs room: below this, the temp folder counts as full. */
const MIN_FREE_TEMP_BYTES = 64 * 1024 * 1024;

/** A new profile folder in the temp folder, or a clear error when the temp folder is full. */
function makeProfileDir(): string {
  const dir = tmpdir();
  const full = (detail: string) =>
    new Error(
      `the temp folder ${dir} is full (${detail}): no browser can start; free some space or set TMPDIR to another disk`,
    );
  const { bavail, bsize } = statfsSync(dir);
  if (bavail * bsize < MIN_FREE_TEMP_BYTES) throw full(`${Math.round((bavail * bsize) / 1024)} KiB free`);
  try {
    const profileDir = mkdtempSync(join(dir, PROFILE_PREFIX));
    writeFileSync(join(profileDir, "earshot-owner"), String(process.pid));
    return profileDir;
  } catch (error) {
    if ((error as { code?: string }).code === "ENOSPC") throw full("ENOSPC");
    throw error;
  }
}

/** Removes temp profiles left by crawls that were killed (their owner process is gone). */
export function removeStaleProfiles(dir = tmpdir()): number {
  let removed = 0;
  for (const name of readdirSync(dir)) {
    if (!name.startsWith(PROFILE_PREFIX)) continue;
    const path = join(dir, name);
    let owner = 0;
    try {
      owner = Number(readFileSync(join(path, "earshot-owner"), "utf8"));
    } catch {
      // No owner file: a profile whose launch was interrupted.
    }
    if (owner && isAlive(owner)) continue;
    rmSync(path, { recursive: true, force: true });
    removed++;
  }
  return removed;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * One Chromium process: observed through our own CDP pipe for capture, which Playwright does not
 * expose in full (initiators, large request bodies, worker targets), and driven by Playwright for
 * navigation and interaction, whose connection is relayed over the same pipe (no DevTools port).
 */
export class BrowserProcess {
  dead = false;
  private readonly deathListeners: Array<() => void> = [];

  private constructor(
    readonly process: ChildProcess,
    readonly cdp: CdpPipe,
    readonly playwright: Browser,
    readonly profileDir: string,
    private readonly relay: DevtoolsRelay,
  ) {
    const onDeath = () => {
      if (this.dead) return;
      this.dead = true;
      for (const listener of this.deathListeners) listener();
    };
    process.once("exit", onDeath);
    cdp.once("close", onDeath);
    playwright.once("disconnected", onDeath);
  }

  onDeath(listener: () => void): void {
    if (this.dead) listener();
    else this.deathListeners.push(listener);
  }

  /** A browser for a crawl: its settings (proxy, certificates, user agent) and runtime (binary, sandbox). */
  static async launch(options: CrawlOptions): Promise<BrowserProcess> {
    const plan = options.runtime.sandbox ?? sandboxPlan(false);
    const profileDir = makeProfileDir();
    writeCookiePolicy(profileDir, options.settings.thirdPartyCookies, plan.user);
    if (plan.user) {
      try {
        handProfileTo(plan.user, profileDir);
      } catch (error) {
        rmSync(profileDir, { recursive: true, force: true });
        throw error;
      }
    }
    const child = spawn(options.runtime.executable, launchArgs(options, plan, profileDir), {
      // fd 3 and 4 carry CDP; stderr says why a browser that did not start did not.
      stdio: ["ignore", "ignore", "pipe", "pipe", "pipe"],
      detached: true,
      ...(plan.user ? { uid: plan.user.uid, gid: plan.user.gid } : {}),
      env: browserEnv(profileDir, Boolean(plan.user)),
    });
    const stdio = child.stdio as unknown as [null, null, Readable, Writable, Readable];
    const cdp = new CdpPipe(stdio[4], stdio[3]);
    let relay: DevtoolsRelay | null = null;
    try {
      await waitForStart(child, cdp, stdio[2], 30_000);
      relay = await DevtoolsRelay.start(cdp, join(profileDir, "devtools.sock"));
      const playwright = await chromium.connectOverCDP(relay.endpoint, { timeout: 30_000 });
      return new BrowserProcess(child, cdp, playwright, profileDir, relay);
    } catch (error) {
      relay?.close();
      killTree(child);
      rmSync(profileDir, { recursive: true, force: true });
      throw error;
    }
  }

  /** Closes Playwright's connection, kills the whole process group, removes the profile. */
  async close(): Promise<void> {
    const wasAlive = !this.dead;
    this.dead = true;
    await withTimeout(this.playwright.close(), 3000, undefined);
    if (wasAlive) {
      // Asked to close, Chromium ends and reaps its own renderers; killed outright, they are left
      // for PID 1 to reap, which a container without an init may never do.
      await withTimeout(this.cdp.trySend("Browser.close"), 2000, undefined);
      await waitForExit(this.process, 3000);
    }
    // Whatever is left of the process group (a hung browser, helpers of a crashed one) is killed.
    killTree(this.process);
    await waitForExit(this.process, 5000);
    this.relay.close();
    rmSync(this.profileDir, { recursive: true, force: true, maxRetries: 3 });
  }
}

function killTree(child: ChildProcess): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, "SIGKILL");
  } catch {
    try {
      child.kill("SIGKILL");
    } catch {
      // Already gone.
    }
  }
}

function waitForExit(child: ChildProcess, ms: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** Resolves once the browser answers on its pipe; rejects, with its last words, if it exits or hangs. */
function waitForStart(child: ChildProcess, cdp: CdpPipe, stderr: Readable, ms: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let text = "";
    const timer = setTimeout(() => done(new Error(`Chromium did not start within ${ms / 1000}s`)), ms);
    const onData = (chunk: Buffer) => {
      text = (text + chunk.toString("utf8")).slice(-20_000);
    };
    const onExit = (code: number | null) =>
      done(
        new Error(
          `Chromium exited during start (code ${code}): ${text.trim().split("\n").slice(-3).join(" | ")}`,
        ),
      );
    function done(error: Error | null) {
      clearTimeout(timer);
      child.off("exit", onExit);
      stderr.off("data", onData);
      // Keep draining stderr so Chromium never blocks writing to a full pipe.
      stderr.resume();
      if (error) reject(error);
      else resolve();
    }
    stderr.on("data", onData);
    child.once("exit", onExit);
    cdp.send("Browser.getVersion").then(
      () => done(null),
      () => {
        // The pipe closed: the exit handler says why.
      },
    );
  });
}

/**
 * The third-party-cookie policy, as a profile preference written before launch: headless Chromium
 * refuses third-party cookies by default (the reason it gives is `UserPreferences`), and
 * `Network.setCookieControls` does not change that; the preference does. 0 allows them, as Chrome
 * does for most people; 1 blocks them.
 */
function writeCookiePolicy(profileDir: string, policy: "allow" | "block", user: SandboxPlan["user"]): void {
  const dir = join(profileDir, "Default");
  mkdirSync(dir, { recursive: true });
  const file = join(dir, "Preferences");
  const block = policy === "block";
  writeFileSync(
    file,
    JSON.stringify({ profile: { cookie_controls_mode: block ? 1 : 0, block_third_party_cookies: block } }),
  );
  if (user) {
    chownSync(dir, user.uid, user.gid);
    chownSync(file, user.uid, user.gid);
  }
}

function launchArgs(options: CrawlOptions, plan: SandboxPlan, profileDir: string): string[] {
  const { settings, runtime } = options;
  const args = [...CHROMIUM_FLAGS, "--remote-debugging-pipe", `--user-data-dir=${profileDir}`];
  if (!plan.sandbox) args.push("--no-sandbox");
  if (settings.proxy) args.push(`--proxy-server=${settings.proxy}`, "--proxy-bypass-list=<-loopback>");
  // Browser-wide, so that unload beacons, workers and popups are covered too.
  if (settings.ignoreHttpsErrors) args.push("--ignore-certificate-errors");
  // Browser-wide too: every frame, worker and service worker presents the same browser.
  args.push(`--user-agent=${crawlUserAgent(runtime.executable, settings.userAgent)}`);
  args.push("about:blank");
  return args;
}

/** The browser's environment: its home is its profile when it runs as another account. */
function browserEnv(profileDir: string, otherUser: boolean): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, TZ: process.env.TZ ?? "UTC" };
  if (otherUser) {
    env.HOME = profileDir;
    // Its own temp files (the profile lock's socket) where it may write.
    env.TMPDIR = profileDir;
    env.XDG_CONFIG_HOME = join(profileDir, ".config");
    env.XDG_CACHE_HOME = join(profileDir, ".cache");
  }
  // Earshot's secrets are not the browser's business.
  for (const name of Object.keys(env))
    if (/^PG|^EARSHOT_DB|PASSWORD|SECRET|TOKEN/i.test(name)) delete env[name];
  return env;
}

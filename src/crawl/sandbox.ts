/**
 * Who the browser runs as. A renderer exploit on a crawled site must meet Chromium's sandbox, and the
 * sandbox refuses to run as root: so as root (containers, CI) the browser runs as an unprivileged
 * account (`earshot`, which setup creates, else `nobody`), and `--no-sandbox` is passed only when the
 * user asks for it.
 */
import { chownSync, readFileSync, statSync } from "node:fs";
import { dirname } from "node:path";

export interface BrowserUser {
  name: string;
  uid: number;
  gid: number;
}

/** How a crawl's browsers are started, as recorded in the crawl's metadata. */
export interface SandboxPlan {
  sandbox: boolean;
  /** The account the browser runs as when it is not Earshot's own (root dropping to it). */
  user: BrowserUser | null;
}

const UNPRIVILEGED = ["earshot", "nobody"];

/** The plan for this process: sandboxed unless `noSandbox`; as root, as an unprivileged account. */
export function sandboxPlan(noSandbox: boolean, uid = process.getuid?.() ?? -1): SandboxPlan {
  if (noSandbox) return { sandbox: false, user: null };
  if (uid !== 0) return { sandbox: true, user: null };
  const user = unprivilegedUser();
  if (!user)
    throw new Error(
      "Earshot runs as root and found no unprivileged account to run Chromium as (earshot or nobody): " +
        "create one (useradd --system earshot) or pass --no-sandbox",
    );
  return { sandbox: true, user };
}

/** The warning printed once when a crawl is asked to run without the sandbox. */
export const NO_SANDBOX_WARNING =
  "earshot: --no-sandbox: Chromium runs without its sandbox; a hostile page that breaks its renderer owns this machine's account";

function unprivilegedUser(): BrowserUser | null {
  let passwd = "";
  try {
    passwd = readFileSync("/etc/passwd", "utf8");
  } catch {
    return null;
  }
  const accounts = new Map<string, BrowserUser>();
  for (const line of passwd.split("\n")) {
    const [name, , uid, gid] = line.split(":");
    if (name && uid && gid) accounts.set(name, { name, uid: Number(uid), gid: Number(gid) });
  }
  for (const name of UNPRIVILEGED) {
    const user = accounts.get(name);
    if (user && user.uid > 0) return user;
  }
  return null;
}

/**
 * Gives the browser's account its profile directory, after checking it can reach it: every folder
 * above must let others pass (a private TMPDIR would lock the browser out of its own profile).
 */
export function handProfileTo(user: BrowserUser, profileDir: string): void {
  for (let dir = dirname(profileDir); ; dir = dirname(dir)) {
    if ((statSync(dir).mode & 0o001) === 0)
      throw new Error(
        `the browser runs as ${user.name}, which cannot reach its profile under ${dir} (not searchable by others): ` +
          "set TMPDIR to a folder it can reach, such as /tmp",
      );
    if (dirname(dir) === dir) break;
  }
  chownSync(profileDir, user.uid, user.gid);
}

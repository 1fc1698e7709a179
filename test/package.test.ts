import { execFile } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FixtureWeb } from "../src/fixture-web/server.ts";
import { page, snippets, vendorSites } from "../src/fixture-web/vendors.ts";
import { ROOT, startWeb, tempDir } from "./helpers.ts";

const run = promisify(execFile);

/**
 * The tool as `npm pack` ships it, installed into a temporary prefix and run from a folder that is
 * not the checkout: it must carry its built code, its data and the demo web.
 */
describe("the packed tool", () => {
  const prefix = tempDir("earshot-prefix-");
  const work = tempDir("earshot-elsewhere-");
  const env = { ...process.env, PATH: `${join(prefix, "bin")}:${process.env.PATH}` };
  const earshot = (args: string[]) =>
    run("earshot", args, { cwd: work, env, maxBuffer: 64 << 20, timeout: 240_000 });
  let web: FixtureWeb;

  beforeAll(async () => {
    const packs = tempDir("earshot-pack-");
    await run("npm", ["pack", "--pack-destination", packs, "--ignore-scripts"], { cwd: ROOT });
    const tgz = readdirSync(packs).find((f) => f.endsWith(".tgz"));
    if (!tgz) throw new Error("npm pack wrote no package");
    await run(
      "npm",
      ["install", "-g", "--prefix", prefix, "--prefer-offline", "--no-audit", "--no-fund", join(packs, tgz)],
      { cwd: work, timeout: 400_000 },
    );
    web = await startWeb([
      ...vendorSites(),
      {
        host: "www.packed.test",
        routes: { "/": page("Packed", "<h1>packed</h1>", snippets.tiktok("C4PACKED01")) },
      },
    ]);
  }, 500_000);

  afterAll(async () => {
    await web?.stop();
  });

  it("is installed without the repository's sources or tests", () => {
    const installed = join(prefix, "lib", "node_modules", "earshot");
    expect(existsSync(join(installed, "dist", "cli", "main.js"))).toBe(true);
    expect(existsSync(join(installed, "data", "top-sites.json"))).toBe(true);
    expect(existsSync(join(installed, "src"))).toBe(false);
    expect(existsSync(join(installed, "test"))).toBe(false);
  });

  it("says its version", async () => {
    const { stdout } = await earshot(["--version"]);
    const version = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).version as string;
    expect(stdout).toContain(version);
    expect(stdout).toMatch(/schema \d+/);
  });

  it("runs the demo from another folder and writes its report", async () => {
    const { stdout } = await earshot(["demo", "--out", "demo", "--quiet"]);
    expect(stdout).toContain("earshot serve demo");
    expect(stdout).toMatch(/ByteDance/);
    expect(readFileSync(join(work, "demo", "report.html"), "utf8")).toContain("<html");
  }, 240_000);

  it("crawls, exports and reports", async () => {
    await earshot([
      "crawl",
      "www.packed.test",
      "--out",
      "crawl",
      "--proxy",
      web.proxyUrl,
      "--ignore-https-errors",
      "--quiet",
      "--pages-per-site",
      "1",
    ]);
    const { stdout } = await earshot(["export", "crawl", "--table", "findings"]);
    const findings = stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { entity: string; pixelIds: string[] });
    const said = JSON.stringify(findings.map((f) => [f.entity, f.pixelIds]));
    expect(
      findings.some((f) => f.entity === "ByteDance" && f.pixelIds.includes("C4PACKED01")),
      said,
    ).toBe(true);
    await earshot(["report", "crawl"]);
    expect(readFileSync(join(work, "crawl", "report.html"), "utf8")).toContain("C4PACKED01");
  }, 240_000);
});

import { describe, expect, it } from "vitest";
import { COMMANDS } from "../src/cli/commands.ts";
import { MIGRATIONS } from "../src/store/schema.ts";
import { runEarshot } from "./helpers.ts";

describe("help and version", () => {
  it("every command answers --help and -h: what it does, its options, two examples; exit 0", async () => {
    const names = Object.keys(COMMANDS);
    expect(names.length).toBeGreaterThanOrEqual(13);
    for (const name of names) {
      for (const flag of ["--help", "-h"]) {
        const r = await runEarshot([name, flag]);
        expect(r.code, `${name} ${flag}: ${r.stderr}`).toBe(0);
        expect(r.stdout, name).toMatch(new RegExp(`^usage: earshot ${name}`));
        expect(r.stdout, name).toContain("options:");
        const examples = r.stdout
          .split("examples:\n")[1]
          ?.split("\n")
          .filter((l) => l.startsWith(`  earshot ${name}`));
        expect(examples?.length, name).toBe(2);
      }
    }
    // Help wins over everything else on the line, and does nothing else (no crawl, no browser).
    const r = await runEarshot(["crawl", "example.org", "--out", "/nonexistent/x", "--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("--pages-per-site");
  }, 120_000);

  it("--version says Earshot's version, the schema version and the Chromium it would use", async () => {
    const r = await runEarshot(["--version"]);
    expect(r.code).toBe(0);
    const [tool, schema, chromium] = r.stdout.trim().split("\n");
    expect(tool).toMatch(/^earshot \d+\.\d+\.\d+$/);
    expect(schema).toBe(`schema ${MIGRATIONS.length}`);
    expect(chromium).toMatch(/^chromium .*\d+\.\d+/);
    const none = await runEarshot(["--version"], { env: { EARSHOT_CHROMIUM: "/nonexistent/chromium" } });
    expect(none.stdout).toMatch(/^chromium none found/m);
  });

  it("names the nearest known option when one is mistyped, in one line", async () => {
    const r = await runEarshot(["crawl", "example.org", "--out", "/tmp/x", "--conurrency", "2"]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(
      "earshot: unknown option --conurrency for crawl (did you mean --concurrency?); see earshot crawl --help",
    );
    const far = await runEarshot(["export", "dir", "--zzzzzzzz"]);
    expect(far.stderr.trim().split("\n")).toHaveLength(1);
    expect(far.stderr).not.toContain("did you mean");
  });
});

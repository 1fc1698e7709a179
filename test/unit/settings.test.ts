import { parseArgs } from "node:util";
import { describe, expect, it } from "vitest";
import { CRAWL_OPTIONS } from "../../src/cli/crawl-command.ts";
import { USAGE } from "../../src/cli/usage.ts";
import {
  type CrawlSettings,
  readSettings,
  SETTINGS,
  settingFlags,
  settingsFromRecord,
  settingsInWords,
  siteDeadlineSec,
} from "../../src/crawl/settings.ts";

/** Parses a crawl command line as `earshot crawl` does, into settings. */
function settingsOf(args: string[], fleet = false): CrawlSettings {
  const { values } = parseArgs({ args, options: CRAWL_OPTIONS, allowPositionals: true, strict: true });
  return readSettings(values, fleet);
}

describe("crawl settings, declared once", () => {
  it("every declared setting is a flag of crawl and inspect, with a help line and a report label", () => {
    const flags = Object.keys(settingFlags());
    for (const [key, s] of Object.entries(SETTINGS)) {
      expect(flags, key).toContain(s.flag);
      expect(Object.keys(CRAWL_OPTIONS), key).toContain(s.flag);
      expect(USAGE, key).toMatch(new RegExp(`^  --${s.flag}\\b`, "m"));
      expect(s.label.length, key).toBeGreaterThan(3);
    }
    // The older spellings of --compare stay flags.
    expect(flags).toEqual(expect.arrayContaining(["compare-consent", "compare-gpc"]));
  });

  it("reads typed, checked settings with units in their names; defaults where a flag is absent", () => {
    const s = settingsOf(["--timeout", "12.5", "--dwell", "0", "--pages-per-site", "4", "--gpc", "x.org"]);
    expect(s).toMatchObject({ timeoutSec: 12.5, dwellSec: 0, pagesPerSite: 4, gpc: true });
    expect(s).toMatchObject({ consent: "ignore", screenshots: "evidence", compare: null, interact: false });
    expect(s.concurrency).toBeGreaterThanOrEqual(1);
    // A SQLite crawl records no fleet setting; a fleet crawl records them, the deadline from the timeouts.
    expect("jobTimeoutSec" in s).toBe(false);
    const fleet = settingsOf(["--timeout", "10", "--dwell", "2", "--pages-per-site", "2"], true);
    expect(fleet).toMatchObject({ perHost: 1, maxAttempts: 3, pagesPerMinute: null });
    expect(fleet.jobTimeoutSec).toBe(siteDeadlineSec({ pagesPerSite: 2, timeoutSec: 10, dwellSec: 2 }) + 60);
  });

  it("a bad or misplaced flag is one line naming it", () => {
    const bad = (args: string[], fleet = false) => {
      try {
        settingsOf(args, fleet);
      } catch (error) {
        return (error as Error).message;
      }
      return "accepted";
    };
    expect(bad(["--timeout", "0"])).toBe('--timeout must be a number of at least 1, not "0"');
    expect(bad(["--pages-per-site", "2.5"])).toBe(
      '--pages-per-site must be a whole number of at least 1, not "2.5"',
    );
    expect(bad(["--consent", "maybe"])).toBe('--consent must be accept, reject or ignore, not "maybe"');
    expect(bad(["--proxy", "localhost"])).toMatch(/^--proxy must be a URL/);
    expect(bad(["--per-host", "2"])).toBe("--per-host is for fleet crawls (--db postgres://…)");
    expect(bad(["--per-host", "2"], true)).toBe("accepted");
    expect(bad(["--compare-consent", "--compare-gpc"])).toBe(
      "--compare-consent and --compare-gpc each set --compare: choose one",
    );
    expect(bad(["--compare-consent", "--consent", "accept"])).toMatch(/leave out --consent/);
    expect(bad(["--compare", "gpc", "--gpc"])).toMatch(/leave out --gpc/);
    // One visitor's browser: one site at a time, no comparison, no fleet.
    expect(bad(["--profile", "persistent", "--concurrency", "4"])).toMatch(
      /one site at a time.*--concurrency$/,
    );
    expect(bad(["--profile", "persistent", "--compare", "gpc"])).toMatch(/leave out --compare$/);
    expect(bad(["--profile", "persistent"], true)).toMatch(/a fleet's workers cannot share it/);
    expect(bad(["--third-party-cookies", "sometimes"])).toBe(
      '--third-party-cookies must be allow or block, not "sometimes"',
    );
    expect(settingsOf(["--profile", "persistent"])).toMatchObject({
      concurrency: 1,
      controlSites: 2,
      thirdPartyCookies: "allow",
    });
  });

  it("an alias chooses its value; a recorded config of an older version gets today's defaults for what it lacks", () => {
    expect(settingsOf(["--compare-gpc"]).compare).toBe("gpc");
    expect(settingsOf(["--compare", "consent"]).compare).toBe("consent");
    // A config as Earshot recorded it before screenshots and browsers per process were settings.
    const old = { concurrency: 4, pagesPerSite: 2, timeoutSec: 20, dwellSec: 1, proxy: null, gpc: true };
    const s = settingsFromRecord({ ...old, ignoreHttpsErrors: false, consent: "reject", interact: false });
    expect(s).toMatchObject({ ...old, consent: "reject", screenshots: "evidence", sitesPerBrowser: 200 });
    expect(s.userAgent).toBeNull();
    expect("perHost" in s).toBe(false);
  });

  it("the report words every recorded setting by its label", () => {
    const words = new Map(settingsInWords(settingsOf(["--gpc", "--pages-per-site", "2"])));
    expect(words.get(SETTINGS.pagesPerSite.label)).toBe("2");
    expect(words.get(SETTINGS.gpc.label)).toBe("yes");
    expect(words.get(SETTINGS.proxy.label)).toBe("none");
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FixtureWeb } from "../src/fixture-web/server.ts";
import { page, snippets, vendorSites } from "../src/fixture-web/vendors.ts";
import { BANNER_PAGE } from "./fixtures/consent-banner.ts";
import { crawlArgs, runEarshot, startWeb, tempDir } from "./helpers.ts";

type Finding = Record<string, unknown>;

describe("--consent", () => {
  let web: FixtureWeb;
  const findings: Record<string, Finding[]> = {};
  const requests: Record<string, Finding[]> = {};

  beforeAll(async () => {
    web = await startWeb([
      ...vendorSites(),
      { host: "www.banner-shop.test", routes: { "/": BANNER_PAGE } },
      {
        host: "www.no-banner.test",
        routes: { "/": page("No banner", "<h1>Plain</h1>", snippets.tiktok("C4NOBANNER")) },
      },
    ]);
    for (const mode of ["accept", "reject", "ignore"]) {
      const out = tempDir();
      const r = await runEarshot([
        "crawl",
        "www.banner-shop.test",
        "www.no-banner.test",
        "--consent",
        mode,
        ...crawlArgs(web, out, ["--pages-per-site", "1", "--dwell", "1.5"]),
      ]);
      expect(r.code, r.stderr).toBe(0);
      const read = async (table: string) =>
        (await runEarshot(["export", out, "--table", table])).stdout
          .trim()
          .split("\n")
          .map((l) => JSON.parse(l) as Finding);
      findings[mode] = await read("findings");
      requests[mode] = await read("requests");
    }
  }, 300_000);

  afterAll(async () => {
    await web?.stop();
  });

  const summary = (mode: string, site: string) =>
    (findings[mode] ?? [])
      .filter((f) => f.site === site)
      .map((f) => `${f.tracker} ${f.phase}`)
      .sort();

  it("accepts the banner: TikTok fired before the choice, Meta only after it", () => {
    // TikTok also reports the click on "Accept all" itself, after the choice.
    expect(summary("accept", "www.banner-shop.test")).toEqual([
      "Meta Pixel after_consent",
      "TikTok Pixel after_consent",
      "TikTok Pixel before_consent",
    ]);
    const clicked = (findings.accept ?? []).find(
      (f) => f.tracker === "TikTok Pixel" && f.phase === "after_consent",
    );
    // Normally the click on "Accept all" (ClickButton, action Click); on a loaded machine TikTok's script can
    // arrive after autoconsent's click and send its page view then. Either way, after the choice.
    const events = (clicked?.events ?? []) as string[];
    expect(events.length).toBeGreaterThan(0);
    expect(
      events.every((e) => ["ClickButton", "Click", "Pageview"].includes(e)),
      events.join(),
    ).toBe(true);
    const before = (findings.accept ?? []).find(
      (f) => f.tracker === "TikTok Pixel" && f.phase === "before_consent",
    );
    // Before the choice TikTok's script loads and, unless the click beat it, sends its page view.
    const beforeEvents = (before?.events ?? []) as string[];
    expect(
      beforeEvents.every((e) => e === "Pageview"),
      beforeEvents.join(),
    ).toBe(true);
    expect([...beforeEvents, ...events]).toContain("Pageview");
  });

  it("rejects the banner and catches a tracker that fires anyway", () => {
    expect(summary("reject", "www.banner-shop.test")).toEqual([
      "Google Analytics 4 after_consent",
      "TikTok Pixel after_consent",
      "TikTok Pixel before_consent",
    ]);
  });

  it("leaves the banner alone with ignore: everything is before consent", () => {
    expect(summary("ignore", "www.banner-shop.test")).toEqual(["TikTok Pixel before_consent"]);
  });

  it("says no_consent_prompt where there was no banner, in findings and requests", () => {
    expect(summary("accept", "www.no-banner.test")).toEqual(["TikTok Pixel no_consent_prompt"]);
    const phases = new Set(
      (requests.accept ?? []).filter((r) => r.site === "www.no-banner.test").map((r) => r.phase),
    );
    expect([...phases]).toEqual(["no_consent_prompt"]);
    const shop = (requests.accept ?? []).filter((r) => r.site === "www.banner-shop.test");
    expect(shop.find((r) => String(r.url).startsWith("https://www.facebook.com/tr/"))?.phase).toBe(
      "after_consent",
    );
    expect(shop.find((r) => r.url === "https://www.banner-shop.test/")?.phase).toBe("before_consent");
  });
});

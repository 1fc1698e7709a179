import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FixtureWeb } from "../src/fixture-web/server.ts";
import { page, snippets, vendorSites } from "../src/fixture-web/vendors.ts";
import { crawlArgs, runEarshot, startWeb, tempDir } from "./helpers.ts";

// A OneTrust-style banner (the markup autoconsent's OneTrust rule knows). TikTok fires before any
// choice; accepting loads Meta; GA4 fires after a refusal anyway (a tracker that ignores it).
const BANNER_PAGE = page(
  "Shop with a banner",
  `<h1>Shop</h1>
   <div id="onetrust-banner-sdk" style="position:fixed;bottom:0;left:0;right:0;height:120px;background:#eee">
     We use cookies.
     <button id="onetrust-accept-btn-handler">Accept all</button>
     <button id="onetrust-reject-all-handler">Reject all</button>
   </div>
   <script>
     const hide = () => { document.getElementById('onetrust-banner-sdk').style.display = 'none'; };
     document.getElementById('onetrust-accept-btn-handler').addEventListener('click', () => {
       hide();
       fbq('init', '5550001112223334'); fbq('track', 'PageView');
       const s = document.createElement('script'); s.src = 'https://connect.facebook.net/en_US/fbevents.js'; document.head.appendChild(s);
     });
     document.getElementById('onetrust-reject-all-handler').addEventListener('click', () => {
       hide();
       window.dataLayer = window.dataLayer || []; function gtag(){dataLayer.push(arguments)} gtag('js', new Date()); gtag('config', 'G-IGNORESNO');
       const s = document.createElement('script'); s.src = 'https://www.googletagmanager.com/gtag/js?id=G-IGNORESNO'; document.head.appendChild(s);
     });
   </script>`,
  `${snippets.tiktok("C4BEFORECONSENT")}<script>window.fbq=function(){(window.fbq.queue=window.fbq.queue||[]).push(arguments)};</script>`,
);

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
    expect(clicked?.events).toContain("ClickButton");
    const before = (findings.accept ?? []).find(
      (f) => f.tracker === "TikTok Pixel" && f.phase === "before_consent",
    );
    expect(before?.events).toEqual(["Pageview"]);
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

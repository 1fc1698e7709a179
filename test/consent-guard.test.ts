import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { consentAnswer } from "../src/crawl/consent-words.ts";
import type { FixtureWeb } from "../src/fixture-web/server.ts";
import { page, snippets, vendorSites } from "../src/fixture-web/vendors.ts";
import { loadOverview } from "../src/report/model.ts";
import { CrawlStore } from "../src/store/crawl-store.ts";
import { crawlArgs, openDb, runEarshot, startWeb, tempDir } from "./helpers.ts";

// A site's own banner (no platform autoconsent knows): accepting loads the TikTok pixel.
const GATED_TIKTOK = `var s = document.createElement('script'); s.src = 'https://analytics.tiktok.com/i18n/pixel/events.js?sdkid=C4GATED&lib=ttq'; document.head.appendChild(s); window.ttq = window.ttq || []; ['page','track'].forEach(function(m){ ttq[m] = ttq[m] || function(){ ttq.push([m].concat([].slice.call(arguments))) } }); ttq.page();`;
const CUSTOM_BANNER = `
  <div id="notice" style="position: fixed; bottom: 0; left: 0; right: 0; background: #eee; padding: 1em">
    <p>We and our partners use cookies to personalise ads. See our privacy policy.</p>
    <button onclick="${GATED_TIKTOK.replace(/"/g, "&quot;")} this.parentNode.remove()">Accept all</button>
    <button onclick="void 0">Manage choices</button>
    <button onclick="${GATED_TIKTOK.replace(/"/g, "&quot;")}">Close</button>
  </div>
  <div id="shadow-host"></div>
  <script>
    const root = document.getElementById('shadow-host').attachShadow({ mode: 'open' });
    root.innerHTML = '<div style="position:fixed;top:0;right:0"><span>Diese Website verwendet Cookies.</span><button id="ok">Verstanden</button></div>';
    root.getElementById('ok').addEventListener('click', () => { ${GATED_TIKTOK} });
  </script>`;
const BODY = `<main><h1>Riverside Counseling</h1><button onclick="document.title = 'booked'">Book appointment</button></main>${CUSTOM_BANNER}`;

describe("never a false yes: --interact does not answer a consent question for the visitor", () => {
  let web: FixtureWeb;
  const crawls: Record<string, string> = {};

  beforeAll(async () => {
    web = await startWeb([
      ...vendorSites(),
      { host: "www.own-banner.test", routes: { "/": page("Counseling", BODY) } },
      // A site whose own OneTrust record says the visitor refused targeting, which loads TikTok anyway.
      {
        host: "www.says-refused.test",
        routes: {
          "/": page(
            "Refused",
            `<h1>Welcome back</h1><script>document.cookie = "OptanonConsent=groups=C0001%3A1%2CC0002%3A0%2CC0004%3A0; path=/"; document.cookie = "OptanonAlertBoxClosed=2026-11-30T10:00:00.000Z; path=/";</script>`,
            snippets.tiktok("C4REFUSED"),
          ),
        },
      },
    ]);
    for (const mode of ["reject", "ignore", "accept"]) {
      const out = tempDir();
      const r = await runEarshot([
        "crawl",
        "www.own-banner.test",
        "www.says-refused.test",
        ...crawlArgs(web, out, ["--pages-per-site", "1", "--dwell", "1", "--interact", "--consent", mode]),
      ]);
      expect(r.code, r.stderr).toBe(0);
      crawls[mode] = out;
    }
  }, 240_000);

  afterAll(async () => {
    await web?.stop();
  });

  const read = (mode: string) => {
    const db = openDb(crawls[mode] ?? "");
    const events = (
      db
        .prepare(
          "SELECT e.detail FROM page_events e JOIN sites s ON s.id = e.site_id WHERE e.kind = 'interaction' AND s.site = 'www.own-banner.test'",
        )
        .all() as Array<{
        detail: string;
      }>
    ).map((e) => e.detail);
    const tiktok = (
      db
        .prepare(
          "SELECT COUNT(*) AS n FROM requests r JOIN sites s ON s.id = r.site_id WHERE r.url LIKE 'https://analytics.tiktok.com/%' AND s.site = 'www.own-banner.test'",
        )
        .get() as { n: number }
    ).n;
    db.close();
    return { events, tiktok };
  };

  for (const mode of ["reject", "ignore"]) {
    it(`${mode}: clicks the page's own buttons, never "Accept all" nor a banner's "OK", and records why`, () => {
      const { events, tiktok } = read(mode);
      expect(
        events.some((e) => /^clicked "Book appointment" \(.*button/.test(e)),
        events.join("\n"),
      ).toBe(true);
      expect(events.some((e) => e.startsWith('clicked "Accept all"'))).toBe(false);
      expect(events.some((e) => e.startsWith('clicked "Verstanden"'))).toBe(false);
      expect(events).toContainEqual(
        expect.stringMatching(/^did not click "Accept all" \(.*\): its label grants consent$/),
      );
      expect(events).toContainEqual(
        expect.stringMatching(/^did not click "Manage choices" .*: its label opens the settings of consent$/),
      );
      // A control whose words say nothing, inside the banner: closing it may count as consent.
      expect(events).toContainEqual(
        expect.stringMatching(/^did not click "Close" \(.*div#notice > button\): it is in a consent dialog$/),
      );
      // The tracker that waits for consent never loaded.
      expect(tiktok).toBe(0);
    });
  }

  it("reads what the site's own consent record says, and reports trackers that received data after its refusal", async () => {
    const pages = (await runEarshot(["export", crawls.reject ?? "", "--table", "pages"])).stdout
      .trim()
      .split("\n")
      .map(
        (l) =>
          JSON.parse(l) as {
            site: string;
            consentState: { verdict: string; records: Array<{ framework: string }> } | null;
          },
      );
    const refused = pages.find((p) => p.site === "www.says-refused.test");
    expect(refused?.consentState?.verdict).toBe("refused");
    expect(refused?.consentState?.records.map((r) => r.framework)).toEqual(["onetrust"]);
    expect(pages.find((p) => p.site === "www.own-banner.test")?.consentState?.verdict ?? null).toBeNull();
    const store = await CrawlStore.open(crawls.reject ?? "");
    try {
      const { overview } = await loadOverview(store);
      expect(overview.refusedYetTracked?.rows).toEqual([
        expect.objectContaining({
          site: "www.says-refused.test",
          companies: ["ByteDance"],
          records: expect.stringContaining("onetrust: groups C0001:1,C0002:0,C0004:0"),
        }),
      ]);
    } finally {
      await store.close();
    }
  });

  it("accept: the visitor's yes is the crawl's to give (the banner heuristic gives it)", () => {
    const db = openDb(crawls.accept ?? "");
    const consent = (
      db
        .prepare(
          "SELECT e.detail FROM page_events e JOIN sites s ON s.id = e.site_id WHERE e.kind = 'consent' AND s.site = 'www.own-banner.test'",
        )
        .all() as Array<{ detail: string }>
    ).map((e) => e.detail);
    db.close();
    expect(consent).toContainEqual(expect.stringMatching(/^clicked "Accept all" \(.*div#notice > button\)$/));
  });

  it("reads answers in the ten languages, refusals that mention accepting included", () => {
    for (const label of [
      "Accept all",
      "Alle akzeptieren",
      "Tout accepter",
      "Aceptar",
      "Accetta tutto",
      "Aceitar",
      "Akkoord",
      "Zaakceptuj wszystko",
      "Godkänn alla",
      "Tillad alle",
      "Got it",
      "OK",
    ])
      expect(consentAnswer(label), label).toBe("grant");
    for (const label of [
      "Reject all",
      "Continue without accepting",
      "Continuer sans accepter",
      "Alle ablehnen",
      "Rechazar",
      "Rifiuta tutto",
      "Only necessary",
      "Afvis alle",
      "Odrzuć",
    ])
      expect(consentAnswer(label), label).toBe("refuse");
    for (const label of ["Book appointment", "Apply for SNAP", "Read more"])
      expect(consentAnswer(label), label).toBeNull();
  });
});

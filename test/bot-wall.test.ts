import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { botWallOf } from "../src/classify/bot-wall.ts";
import type { FixtureSite, FixtureWeb } from "../src/fixture-web/server.ts";
import { page } from "../src/fixture-web/vendors.ts";
import { crawlArgs, exportRows, runEarshot, startWeb, tempDir } from "./helpers.ts";

const html = (status: number, headers: Record<string, string>, title: string, body: string) => ({
  status,
  headers: { "content-type": "text/html", ...headers },
  body: `<!doctype html><html><head><title>${title}</title></head><body>${body}</body></html>`,
});

// Each service's wall as it answers a browser it does not trust (status, headers, words, scripts).
const WALLS: Array<[string, string, FixtureSite["routes"]]> = [
  [
    "www.cf-wall.test",
    "Cloudflare",
    {
      "/": html(
        403,
        { "cf-mitigated": "challenge", server: "cloudflare" },
        "Just a moment...",
        "<h1>Verify you are human</h1><script src='/cdn-cgi/challenge-platform/h/b/orchestrate/chl_page/v1'></script>",
      ),
      "*": { body: "" },
    },
  ],
  [
    "www.dd-wall.test",
    "DataDome",
    {
      "/": html(
        403,
        { "x-datadome": "protected", server: "DataDome" },
        "www.dd-wall.test",
        "<iframe src='https://geo.captcha-delivery.com/captcha/?initialCid=x'></iframe>",
      ),
    },
  ],
  [
    "www.px-wall.test",
    "PerimeterX (HUMAN)",
    {
      "/": html(
        403,
        {},
        "Access to this page has been denied",
        "<p>Press &amp; Hold to confirm you are a human (and not a bot).</p><div id='px-captcha'></div>",
      ),
    },
  ],
  [
    "www.imperva-wall.test",
    "Imperva",
    {
      "/": html(
        403,
        { "x-iinfo": "9-12345-0 0NNN RT(1700000000000 0)" },
        "",
        "Request unsuccessful. Incapsula incident ID: 1234-5678",
      ),
    },
  ],
  [
    "www.akamai-wall.test",
    "Akamai",
    {
      "/": html(
        403,
        { server: "AkamaiGHost" },
        "Access Denied",
        "You don't have permission to access this server. Reference #18.abc.1700000000.1a2b3c",
      ),
    },
  ],
];

/**
 * A challenge that resolves, as Cloudflare's does for a browser it lets through: a 403 "Just a
 * moment..." with `cf-mitigated: challenge` whose script sets `cf_clearance` and reloads the page,
 * which then answers with the site (and its tracker).
 */
const RESOLVING_CHALLENGE: FixtureSite = {
  host: "www.cf-passes.test",
  routes: {
    "/": (request) =>
      /cf_clearance=/.test(request.headers.cookie ?? "")
        ? html(
            200,
            {},
            "Riverside Food Bank",
            `<h1>Riverside Food Bank</h1><p>Find a pantry near you.</p>
             <script>new Image().src = "https://analytics.tiktok.com/api/v2/pixel/track/?sdkid=CFPASS123&event=Pageview";</script>`,
          )
        : html(
            403,
            { "cf-mitigated": "challenge", server: "cloudflare" },
            "Just a moment...",
            `<h1>Verify you are human</h1>
             <script>setTimeout(function () { document.cookie = "cf_clearance=granted-1; path=/"; location.reload(); }, 1500);</script>`,
          ),
    "*": { body: "" },
  },
};

describe("bot walls are not clean sites", () => {
  let web: FixtureWeb;
  let sites: Array<Record<string, unknown>>;
  let pages: Array<Record<string, unknown>>;
  let findings: Array<Record<string, unknown>>;
  let events: Array<Record<string, unknown>>;

  beforeAll(async () => {
    web = await startWeb([
      ...WALLS.map(([host, , routes]) => ({ host, routes })),
      RESOLVING_CHALLENGE,
      { host: "geo.captcha-delivery.com", routes: { "*": { body: "captcha" } } },
      // A real page that talks about access: not a wall.
      {
        host: "www.access-clinic.test",
        routes: { "/": page("Access to care", "<h1>Access denied? Appeal an insurance decision</h1>") },
      },
    ]);
    const out = tempDir();
    const r = await runEarshot([
      "crawl",
      ...WALLS.map(([host]) => host),
      "www.access-clinic.test",
      RESOLVING_CHALLENGE.host,
      ...crawlArgs(web, out, ["--pages-per-site", "1", "--dwell", "0.5", "--concurrency", "3"]),
    ]);
    expect(r.code, r.stderr).toBe(0);
    type Row = Record<string, unknown>;
    [sites, pages, events, findings] = await Promise.all([
      exportRows<Row>(out, "sites"),
      exportRows<Row>(out, "pages"),
      exportRows<Row>(out, "events"),
      exportRows<Row>(out, "findings"),
    ]);
  }, 180_000);

  afterAll(async () => {
    await web?.stop();
  });

  for (const [host, vendor] of WALLS) {
    it(`${vendor}: recorded as failed with reason bot_wall`, () => {
      expect(sites.find((s) => s.site === host)).toMatchObject({ status: "failed", error: "bot_wall" });
    });
  }

  it("a challenge that lets the browser through is waited for: the site is crawled, and the pass recorded", () => {
    expect(sites.find((s) => s.site === RESOLVING_CHALLENGE.host)).toMatchObject({ status: "ok" });
    const home = pages.find((p) => p.site === RESOLVING_CHALLENGE.host);
    expect(home).toMatchObject({ title: "Riverside Food Bank", httpStatus: 200 });
    const passed = events.filter((e) => e.site === RESOLVING_CHALLENGE.host && e.kind === "challenge_passed");
    expect(passed).toHaveLength(1);
    expect(passed[0]?.detail).toMatch(/^Cloudflare challenge passed after \d+\.\d s$/);
    expect(findings.filter((f) => f.site === RESOLVING_CHALLENGE.host).map((f) => f.entity)).toContain(
      "ByteDance",
    );
  });

  it("a page of the site that only mentions access is ok", () => {
    expect(sites.find((s) => s.site === "www.access-clinic.test")).toMatchObject({ status: "ok" });
  });

  it("names the vendor from headers, words and scripts; a captcha on a long page is not a wall", () => {
    const base = { status: 200, headers: {}, title: null, text: "", urls: [] };
    expect(
      botWallOf({ ...base, status: 503, headers: { server: "cloudflare" }, title: "Just a moment..." }),
    ).toBe("Cloudflare");
    expect(
      botWallOf({ ...base, urls: ["https://js.hcaptcha.com/1/api.js"], text: "Please verify you are human" }),
    ).toBe("hCaptcha");
    expect(
      botWallOf({
        ...base,
        urls: ["https://www.google.com/recaptcha/api.js"],
        text: `Contact us. ${"We help families find care. ".repeat(40)}`,
      }),
    ).toBeNull();
    expect(botWallOf({ ...base, status: 403, title: "Forbidden", text: "" })).toBe("unknown");
    expect(botWallOf({ ...base, title: "Welcome", text: "Access denied to nothing here" })).toBeNull();
  });
});

import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_IDENTITY } from "../src/crawl/identity.ts";
import type { FixtureSite, FixtureWeb } from "../src/fixture-web/server.ts";
import { page, snippets, vendorSites } from "../src/fixture-web/vendors.ts";
import { crawlArgs, runEarshot, startWeb, tempDir } from "./helpers.ts";

const PIXEL = {
  headers: { "content-type": "image/gif" },
  body: Buffer.from("R0lGODlhAQABAAAAACw=", "base64"),
};

/** A site whose page sends one vendor's beacon in that vendor's wire format, as its tag would. */
function beaconSite(host: string, script: string, head = ""): FixtureSite {
  return { host, routes: { "/": page(host, `<h1>${host}</h1><script>${script}</script>`, head) } };
}

const img = (url: string) =>
  `new Image().src = ${JSON.stringify(url)} + '&dl=' + encodeURIComponent(location.href);`;

describe("findings on a fixture web with each vendor", () => {
  let web: FixtureWeb;
  let out: string;
  let findings: Array<Record<string, unknown>>;
  let requests: Array<Record<string, unknown>>;

  beforeAll(async () => {
    web = await startWeb([
      ...vendorSites(),
      { host: "px.ads.linkedin.com", routes: { "*": PIXEL } },
      { host: "tr.snapchat.com", routes: { "*": PIXEL } },
      { host: "ct.pinterest.com", routes: { "*": PIXEL } },
      { host: "analytics.twitter.com", routes: { "*": PIXEL } },
      { host: "bat.bing.com", routes: { "*": PIXEL } },
      { host: "alb.reddit.com", routes: { "*": PIXEL } },
      { host: "googleads.g.doubleclick.net", routes: { "*": PIXEL } },
      { host: "ads.tracker-network.test", routes: { "*": PIXEL } },
      { host: "sslwidget.criteo.com", routes: { "*": PIXEL } },
      { host: "api.segment.io", routes: { "*": { body: '{"success":true}' } } },
      {
        host: "static.hotjar.com",
        routes: { "*": { headers: { "content-type": "application/javascript" }, body: "window.hj=1" } },
      },
      { host: "stats.matomo-site.test", routes: { "*": PIXEL } },
      { host: "www.google-analytics.com", routes: { "*": PIXEL } },
      {
        host: "www.clarity.ms",
        routes: { "*": { headers: { "content-type": "application/javascript" }, body: "window.clarity=1" } },
      },
      { host: "metrics.sst-shop.test", routes: { "*": { status: 204 } } },
      { host: "api.plain-site.test", routes: { "*": { body: "{}" } } },
      {
        host: "www.tiktok-site.test",
        routes: {
          "/": page("TikTok site", "<h1>Domestic violence help</h1>", snippets.tiktok("C4FIXTURE000001")),
        },
      },
      {
        host: "www.meta-site.test",
        routes: { "/": page("Meta site", "<h1>Clinic</h1>", snippets.meta("1111222233334444")) },
      },
      {
        host: "www.ga4-site.test",
        routes: { "/": page("GA4 site", "<h1>News</h1>", snippets.ga4("G-FIXTURE01")) },
      },
      beaconSite(
        "www.linkedin-site.test",
        img("https://px.ads.linkedin.com/collect?v=2&fmt=js&pid=424242&time=1") +
          "document.cookie='li_fat_id=li-fat-abcdef123456;path=/';",
      ),
      beaconSite(
        "www.snap-site.test",
        img(`https://tr.snapchat.com/p?pid=snap-pixel-1&ev=PAGE_VIEW&u_hem=${"b".repeat(64)}`),
      ),
      beaconSite(
        "www.pinterest-site.test",
        "new Image().src='https://ct.pinterest.com/v3/?event=pagevisit&tid=2610000000001&ad='+encodeURIComponent(JSON.stringify({loc:location.href}))+'&cb=1';",
      ),
      beaconSite(
        "www.x-site.test",
        "new Image().src='https://analytics.twitter.com/i/adsct?txn_id=oxpixel&p_id=Twitter&events='+encodeURIComponent('[[\"pageview\",null]]')+'&tw_document_href='+encodeURIComponent(location.href);",
      ),
      beaconSite(
        "www.bing-site.test",
        "document.cookie='_uetvid=uetvid0123456789;path=/';" +
          img("https://bat.bing.com/action/0?ti=26000001&Ver=2&evt=pageLoad&vid=uetvid0123456789"),
      ),
      beaconSite(
        "www.reddit-site.test",
        img("https://alb.reddit.com/rp.gif?id=t2_fixture&event=PageVisit&ts=1"),
      ),
      beaconSite(
        "www.ads-site.test",
        img(
          "https://googleads.g.doubleclick.net/pagead/viewthroughconversion/555000111/?data=event%3Dconversion&url=x",
        ),
      ),
      beaconSite(
        "www.criteo-site.test",
        "new Image().src='https://sslwidget.criteo.com/event?a=77001&v=5&p0='+encodeURIComponent('e=vh')+'&u='+encodeURIComponent(location.href);",
      ),
      beaconSite(
        "www.segment-site.test",
        "fetch('https://api.segment.io/v1/p',{method:'POST',body:JSON.stringify({writeKey:'WKFIX',type:'page',anonymousId:'anon-fixture-1',context:{page:{url:location.href}}})});",
      ),
      beaconSite(
        "www.hotjar-site.test",
        "",
        '<script src="https://static.hotjar.com/c/hotjar-3000001.js?sv=6"></script>',
      ),
      beaconSite(
        "www.matomo-site.test",
        "new Image().src='https://stats.matomo-site.test/matomo.php?idsite=7&rec=1&action_name=Home&url='+encodeURIComponent(location.href)+'&_id=0123456789abcdef';",
      ),
      beaconSite(
        "www.ua-site.test",
        "new Image().src='https://www.google-analytics.com/collect?v=1&t=pageview&tid=UA-999-1&cid=123.456&dl='+encodeURIComponent(location.href);",
      ),
      beaconSite(
        "www.clarity-site.test",
        "",
        '<script src="https://www.clarity.ms/tag/clarityfix1"></script>',
      ),
      // Advanced matching: the synthetic visitor's email, hashed, sent to TikTok with the event.
      beaconSite(
        "www.am-site.test",
        `fetch('https://analytics.tiktok.com/api/v2/pixel',{method:'POST',body:JSON.stringify({event:'CompleteRegistration',context:{pixel:{code:'C4AM'},page:{url:location.href},user:{sha256_email:'${createHash("sha256").update(DEFAULT_IDENTITY.email).digest("hex")}'}}})});`,
      ),
      // First-party server-side tagging: GA4's wire format on the site's own subdomain.
      beaconSite(
        "www.sst-shop.test",
        "navigator.sendBeacon('https://metrics.sst-shop.test/g/collect?v=2&tid=G-SSTFIX01&cid=111.222&en=page_view&dl='+encodeURIComponent(location.href));",
      ),
      // An undecoded ad network that receives the page's own cookie ID: a finding by what it received.
      beaconSite(
        "www.leaky-site.test",
        "document.cookie='visitor_id=vis-0123456789abcdef;path=/';new Image().src='https://ads.tracker-network.test/p.gif?uid=vis-0123456789abcdef';",
      ),
      // Only a CDN script and the site's own API: nobody to report.
      {
        host: "www.plain-site.test",
        routes: {
          "/": page(
            "Plain",
            "<h1>Plain</h1><script>fetch('https://api.plain-site.test/data')</script>",
            snippets.cdn(),
          ),
        },
      },
    ]);
    out = tempDir();
    const sites = [
      "www.tiktok-site.test",
      "www.meta-site.test",
      "www.ga4-site.test",
      "www.linkedin-site.test",
      "www.snap-site.test",
      "www.pinterest-site.test",
      "www.x-site.test",
      "www.bing-site.test",
      "www.reddit-site.test",
      "www.ads-site.test",
      "www.sst-shop.test",
      "www.leaky-site.test",
      "www.plain-site.test",
      "www.criteo-site.test",
      "www.segment-site.test",
      "www.hotjar-site.test",
      "www.matomo-site.test",
      "www.ua-site.test",
      "www.clarity-site.test",
      "www.am-site.test",
    ];
    const crawl = await runEarshot([
      "crawl",
      ...sites,
      ...crawlArgs(web, out, ["--pages-per-site", "1", "--dwell", "1.5"]),
    ]);
    expect(crawl.code, crawl.stderr).toBe(0);
    const read = async (table: string) =>
      (await runEarshot(["export", out, "--table", table])).stdout
        .trim()
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>);
    findings = await read("findings");
    requests = await read("requests");
  }, 300_000);

  afterAll(async () => {
    await web?.stop();
  });

  const of = (site: string) => findings.filter((f) => f.site === site);

  it("reports each vendor with entity, product, pixel ID and event", () => {
    const summary = (site: string) => of(site).map((f) => [f.entity, f.tracker, f.pixelIds, f.events]);
    expect(summary("www.tiktok-site.test")).toEqual([
      ["ByteDance", "TikTok Pixel", ["C4FIXTURE000001"], ["Pageview"]],
    ]);
    expect(summary("www.meta-site.test")).toEqual([
      ["Meta", "Meta Pixel", ["1111222233334444"], ["PageView"]],
    ]);
    expect(summary("www.ga4-site.test")).toEqual([
      ["Google", "Google Analytics 4", ["G-FIXTURE01"], ["page_view"]],
    ]);
    expect(summary("www.linkedin-site.test")).toEqual([
      ["LinkedIn", "LinkedIn Insight Tag", ["424242"], ["pageview"]],
    ]);
    expect(summary("www.snap-site.test")).toEqual([["Snap", "Snap Pixel", ["snap-pixel-1"], ["PAGE_VIEW"]]]);
    expect(summary("www.pinterest-site.test")).toEqual([
      ["Pinterest", "Pinterest Tag", ["2610000000001"], ["pagevisit"]],
    ]);
    expect(summary("www.x-site.test")).toEqual([["X", "X Pixel", ["oxpixel"], ["pageview"]]]);
    expect(summary("www.bing-site.test")).toEqual([
      ["Microsoft", "Microsoft UET", ["26000001"], ["pageLoad"]],
    ]);
    expect(summary("www.reddit-site.test")).toEqual([
      ["Reddit", "Reddit Pixel", ["t2_fixture"], ["PageVisit"]],
    ]);
    expect(summary("www.ads-site.test")).toEqual([
      ["Google", "Google Ads", ["AW-555000111"], ["conversion"]],
    ]);
    expect(summary("www.criteo-site.test")).toEqual([["Criteo", "Criteo OneTag", ["77001"], ["vh"]]]);
    expect(summary("www.segment-site.test")).toEqual([["Segment", "Segment", ["WKFIX"], ["page"]]]);
    expect(summary("www.hotjar-site.test")).toEqual([["Hotjar", "Hotjar", ["3000001"], []]]);
    expect(summary("www.matomo-site.test")).toEqual([["Matomo", "Matomo", ["7"], ["pageview"]]]);
    expect(summary("www.ua-site.test")).toEqual([
      ["Google", "Google Analytics (Universal)", ["UA-999-1"], ["pageview"]],
    ]);
    expect(summary("www.clarity-site.test")).toEqual([
      ["Microsoft", "Microsoft Clarity", ["clarityfix1"], []],
    ]);
  });

  it("links identifiers to the cookies that hold them", () => {
    const tiktok = of("www.tiktok-site.test")[0];
    expect(tiktok?.identifiers).toEqual([{ name: "_ttp", source: "cookie" }]);
    expect(tiktok?.dataShared).toEqual(["ip_address", "user_agent", "page_url", "unique_id", "event"]);
    expect(of("www.meta-site.test")[0]?.identifiers).toEqual([{ name: "_fbp", source: "cookie" }]);
    expect(of("www.ga4-site.test")[0]?.identifiers).toEqual(
      expect.arrayContaining([{ name: "_ga", source: "cookie" }]),
    );
    expect(of("www.bing-site.test")[0]?.identifiers).toEqual([{ name: "_uetvid", source: "cookie" }]);
    expect(of("www.snap-site.test")[0]?.dataShared).toContain("hashed_email");
    expect(of("www.tiktok-site.test")[0]?.phase).toBe("no_consent_prompt");
  });

  it("finds the synthetic identity's hashed email sent as advanced matching", () => {
    const [am] = of("www.am-site.test");
    expect(am?.leaks).toEqual([
      { field: "email", encoding: "sha256", where: "body:$.context.user.sha256_email" },
    ]);
    expect(am?.dataShared).toContain("hashed_email");
    expect(findings.filter((f) => (f.leaks as unknown[]).length > 0).map((f) => f.site)).toEqual([
      "www.am-site.test",
    ]);
  });

  it("reports an undecoded ad network that received the page's cookie ID", () => {
    const [leaky] = of("www.leaky-site.test");
    expect([leaky?.entity, leaky?.tracker]).toEqual(["tracker-network.test", "tracker-network.test"]);
    expect(leaky?.identifiers).toEqual([{ name: "visitor_id", source: "cookie" }]);
    expect(leaky?.dataShared).toContain("unique_id");
  });

  it("reports server-side GA4 on a first-party host as Google, with party first", () => {
    expect(of("www.sst-shop.test").map((f) => [f.entity, f.tracker, f.pixelIds])).toEqual([
      ["Google", "Google Analytics 4", ["G-SSTFIX01"]],
    ]);
    const hit = requests.find((r) => String(r.url).startsWith("https://metrics.sst-shop.test/g/collect"));
    expect(hit).toMatchObject({ party: "first", entity: "Google", tracker: "Google Analytics 4" });
  });

  it("reports no CDN and no first-party endpoint as a tracker", () => {
    expect(of("www.plain-site.test")).toEqual([]);
    const cdn = requests.find((r) => String(r.url).startsWith("https://cdnjs.cloudflare.com/"));
    expect(cdn).toMatchObject({ party: "third", entity: "Cloudflare CDN" });
    expect(findings.some((f) => f.entity === "Cloudflare CDN")).toBe(false);
  });

  it("gets an entity for every third-party request to a known vendor host", () => {
    const third = requests.filter((r) => r.party === "third" && !String(r.url).includes(".test/"));
    expect(third.length).toBeGreaterThan(10);
    const unknown = third.filter((r) => r.entity === null).map((r) => r.url);
    expect(unknown).toEqual([]);
  });

  it("recomputes the same findings from the stored capture with `earshot analyze`", async () => {
    const before = (await runEarshot(["export", out, "--table", "findings"])).stdout;
    const analyze = await runEarshot(["analyze", out]);
    expect(analyze.code, analyze.stderr).toBe(0);
    expect(analyze.stderr).toMatch(new RegExp(`${findings.length} findings on 20 pages`));
    expect((await runEarshot(["export", out, "--table", "findings"])).stdout).toBe(before);
    const withValues = (await runEarshot(["export", out, "--table", "findings", "--keep-values"])).stdout;
    expect(withValues).toMatch(/"name":"_ttp","source":"cookie","value":"ttp\d+"/);
  });

  it("attributes by an imported tracker database, in analysis and exports", async () => {
    const file = join(tempDir(), "services.json");
    writeFileSync(
      file,
      JSON.stringify({
        categories: {
          Advertising: [{ "Tracker Network Inc.": { "https://tn.example/": ["tracker-network.test"] } }],
        },
      }),
    );
    const analyze = await runEarshot(["analyze", out, "--tracker-db", file]);
    expect(analyze.code, analyze.stderr).toBe(0);
    const leaky = JSON.parse(
      (await runEarshot(["export", out, "--table", "findings"])).stdout
        .split("\n")
        .find((l) => l.includes("www.leaky-site.test")) ?? "{}",
    );
    expect([leaky.entity, leaky.tracker]).toEqual(["Tracker Network", "Tracker Network Inc."]);
    // Later exports use the database the crawl was analysed with.
    const hit = (await runEarshot(["export", out, "--table", "requests"])).stdout
      .split("\n")
      .find((l) => l.includes("ads.tracker-network.test"));
    expect(JSON.parse(hit ?? "{}").entity).toBe("Tracker Network");
    // The recorded checksum is checked: a list changed since under the same name is refused, by name.
    writeFileSync(file, `${readFileSync(file, "utf8")}\n`);
    const changed = await runEarshot(["export", out, "--table", "requests"]);
    expect(changed.code).toBe(2);
    expect(changed.stderr).toContain(`the crawl's tracker database ${file} has changed since the crawl`);
    expect((await runEarshot(["export", out, "--table", "requests", "--tracker-db", file])).code).toBe(0);
    const bad = join(tempDir(), "bad.json");
    writeFileSync(bad, '{"nope": 1}');
    const r = await runEarshot(["analyze", out, "--tracker-db", bad]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/not a Disconnect services\.json/);
  });

  it("decodes one request from the command line", async () => {
    const r = await runEarshot([
      "decode",
      "--url",
      "https://analytics.tiktok.com/api/v2/pixel",
      "--body",
      JSON.stringify({
        event: "SubmitForm",
        context: {
          pixel: { code: "C4CLI" },
          page: { url: "https://a.example/help" },
          user: { anonymous_id: "ttp-cli-123" },
        },
      }),
    ]);
    expect(r.code).toBe(0);
    const decoded = JSON.parse(r.stdout);
    expect(decoded).toMatchObject({
      vendor: "tiktok",
      entity: "ByteDance",
      tracker: "TikTok Pixel",
      pixelIds: ["C4CLI"],
      events: ["SubmitForm"],
      identifiers: [{ name: "_ttp", source: "cookie", value: "ttp-cli-123" }],
    });
    expect(decoded.dataShared).toEqual(["ip_address", "page_url", "unique_id", "event"]);
    expect(JSON.parse((await runEarshot(["decode", "--url", "https://example.org/"])).stdout)).toEqual({
      vendor: null,
    });
    expect((await runEarshot(["decode"])).code).toBe(2);
  });
});

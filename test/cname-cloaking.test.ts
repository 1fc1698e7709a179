/**
 * Issue 22, CNAME cloaking: the shop's subdomains that are aliases of trackers are attributed to the
 * trackers (party still first) with their chains, those that are aliases of a CDN or a host are not;
 * the chains are looked up with --dns-server (a local DNS server here), stored with the page and
 * shown in exports, HAR and the report.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FixtureWeb } from "../src/fixture-web/server.ts";
import { CLOAKED_SITE, cnameWeb, startCnameServer } from "./fixtures/cname-web.ts";
import {
  crawlArgs,
  exportRows,
  launchViewer,
  openReportPage,
  runEarshot,
  startWeb,
  tableRows,
  tempDir,
} from "./helpers.ts";

interface RequestRow {
  url: string;
  party: string;
  entity: string | null;
  tracker: string | null;
  cname: string[] | null;
}
interface FindingRow {
  entity: string;
  tracker: string;
  dataShared: string[];
  identifiers: Array<{ name: string; source: string }>;
  cloaked: Array<{ host: string; chain: string[] }>;
}

describe("CNAME cloaking", () => {
  let web: FixtureWeb;
  let dns: Awaited<ReturnType<typeof startCnameServer>>;
  const out = tempDir();
  const args = (dir: string, extra: string[]) =>
    crawlArgs(web, dir, ["--pages-per-site", "1", "--dwell", "1", "--timeout", "20", ...extra]);

  beforeAll(async () => {
    web = await startWeb(cnameWeb());
    dns = await startCnameServer();
    const result = await runEarshot(["crawl", CLOAKED_SITE, ...args(out, ["--dns-server", dns.address])]);
    expect(result.code, result.stderr).toBe(0);
  }, 180_000);

  afterAll(async () => {
    await dns?.close();
    await web?.stop();
  });

  const hostOf = (url: string) => new URL(url).hostname;

  it("attributes each cloaked subdomain to its tracker, party first, with its chain; ordinary aliases stay the site's", async () => {
    const requests = await exportRows<RequestRow>(out, "requests");
    const byHost = new Map(requests.map((r) => [hostOf(r.url), r]));
    expect(byHost.get("metrics.cloaked-shop.test")).toMatchObject({
      party: "first",
      entity: "Adobe",
      cname: ["cloaked-shop.test.sc.omtrdc.net"],
    });
    expect(byHost.get("t.cloaked-shop.test")).toMatchObject({
      party: "first",
      entity: "Eulerian",
      tracker: "Eulerian Analytics",
      cname: ["cloaked-shop.eulerian.net", "et5.eulerian.net"],
    });
    for (const host of ["cdn.cloaked-shop.test", "img.cloaked-shop.test", CLOAKED_SITE])
      expect(byHost.get(host), host).toMatchObject({ party: "first", entity: null, cname: null });
    // Every first-party host was asked about, through the server given.
    for (const host of [
      "metrics.cloaked-shop.test",
      "t.cloaked-shop.test",
      "cdn.cloaked-shop.test",
      CLOAKED_SITE,
    ])
      expect(dns.questions).toContain(host);
  });

  it("says so in the findings: the tracker, what it received (the site's own cookies), the chain", async () => {
    const findings = await exportRows<FindingRow>(out, "findings");
    const eulerian = findings.find((f) => f.entity === "Eulerian");
    expect(eulerian?.cloaked).toEqual([
      { host: "t.cloaked-shop.test", chain: ["cloaked-shop.eulerian.net", "et5.eulerian.net"] },
    ]);
    expect(eulerian?.dataShared).toEqual(expect.arrayContaining(["page_url", "unique_id"]));
    expect(eulerian?.identifiers).toContainEqual({ name: "etuix", source: "cookie" });
    const adobe = findings.find((f) => f.entity === "Adobe");
    expect(adobe?.cloaked).toEqual([
      { host: "metrics.cloaked-shop.test", chain: ["cloaked-shop.test.sc.omtrdc.net"] },
    ]);
    expect(
      findings
        .filter((f) => f.cloaked.length > 0)
        .map((f) => f.entity)
        .sort(),
    ).toEqual(["Adobe", "Eulerian"]);
    const entities = findings.map((f) => f.entity);
    expect(entities).not.toContain("Akamai");
    expect(entities).not.toContain("WP Engine");
    const requests = await exportRows<RequestRow>(out, "requests");
    const ordinary = ["cdn.cloaked-shop.test", "img.cloaked-shop.test"];
    const wronglyCloaked = requests.filter((r) => ordinary.includes(hostOf(r.url)) && r.entity !== null);
    console.log(
      `CNAME cloaking: ${findings.filter((f) => f.cloaked.length > 0).length} of 2 cloaked subdomains attributed; ` +
        `${new Set(wronglyCloaked.map((r) => hostOf(r.url))).size} of ${ordinary.length} ordinary aliases taken for trackers`,
    );
  });

  it("shows the chains in the HAR and the report", async () => {
    const harDir = join(out, "har");
    const har = await runEarshot(["export", out, "--har", harDir]);
    expect(har.code, har.stderr).toBe(0);
    const file = readdirSync(harDir, { recursive: true }).find((f) => String(f).endsWith(".har"));
    const entries = (
      JSON.parse(readFileSync(join(harDir, String(file)), "utf8")) as {
        log: {
          entries: Array<{ request: { url: string }; _earshot: { entity: string | null; cname?: string[] } }>;
        };
      }
    ).log.entries;
    const eulerian = entries.find((e) => hostOf(e.request.url) === "t.cloaked-shop.test");
    expect(eulerian?._earshot).toMatchObject({
      entity: "Eulerian",
      cname: ["cloaked-shop.eulerian.net", "et5.eulerian.net"],
    });
    const report = await runEarshot(["report", out]);
    expect(report.code, report.stderr).toBe(0);
    const browser = await launchViewer();
    try {
      const page = await openReportPage(browser, out);
      const rows = await tableRows(page, "section[aria-labelledby='h-cloaking']");
      expect(rows.map((r) => `${r[1]} | ${r[2]} | ${r[3]}`).sort()).toEqual([
        "metrics.cloaked-shop.test | Adobe (Adobe Analytics) | metrics.cloaked-shop.test → cloaked-shop.test.sc.omtrdc.net",
        "t.cloaked-shop.test | Eulerian (Eulerian Analytics) | t.cloaked-shop.test → cloaked-shop.eulerian.net → et5.eulerian.net",
      ]);
      // The site's page says where the tracker answered.
      const site = await openReportPage(browser, out, `#/site/${CLOAKED_SITE}`);
      await site.waitForSelector("details.finding");
      const text = (await site.locator("main").textContent()) ?? "";
      expect(text).toContain("t.cloaked-shop.test → cloaked-shop.eulerian.net → et5.eulerian.net");
      expect(text).toContain(
        "at the site's own address t.cloaked-shop.test, an alias of its servers (CNAME cloaking)",
      );
    } finally {
      await browser.close();
    }
  });

  it("looks nothing up with --dns-server none, and says what is wrong with a bad server", async () => {
    const plain = tempDir();
    const asked = dns.questions.length;
    const result = await runEarshot(["crawl", CLOAKED_SITE, ...args(plain, ["--dns-server", "none"])]);
    expect(result.code, result.stderr).toBe(0);
    expect(dns.questions.length).toBe(asked);
    const requests = await exportRows<RequestRow>(plain, "requests");
    expect(requests.find((r) => hostOf(r.url) === "t.cloaked-shop.test")).toMatchObject({
      entity: null,
      cname: null,
    });
    const bad = await runEarshot([
      "crawl",
      CLOAKED_SITE,
      "--out",
      tempDir(),
      "--dns-server",
      "dns.example:53",
    ]);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split("\n")).toEqual([
      'earshot: --dns-server must be an IP address with an optional port (HOST:PORT), not "dns.example:53"',
    ]);
  });
});

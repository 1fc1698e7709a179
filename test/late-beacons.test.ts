/**
 * What a page sends as it is really unloaded (a goodbye beacon from a `pagehide` listener, as
 * Microsoft UET and GA4 send theirs) belongs to that page's record: the site's last page too, and
 * however late DevTools reports it (routed by the page's loader for a bounded time, not waited for).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FixtureSite, FixtureWeb } from "../src/fixture-web/server.ts";
import { page } from "../src/fixture-web/vendors.ts";
import { crawlArgs, exportRows, runEarshot, startWeb, tempDir } from "./helpers.ts";

/**
 * A UET goodbye as bat.bing.com receives it (a POST by sendBeacon on every pagehide): once as the
 * crawler leaves the page (it hides the page first, as a visitor's browser does), once more as the
 * browser really unloads it, which DevTools' Network events never report.
 */
const goodbye = (which: string) => `<script>
  window.addEventListener("pagehide", function (e) {
    navigator.sendBeacon("https://bat.bing.com/actionp/0?ti=343211&tm=al001&Ver=2&evt=pageHide&p=${which}&real=" + e.isTrusted + "&mid=6b1c2d3e");
  });
</script>`;

const SITE: FixtureSite = {
  host: "www.goodbye-clinic.test",
  routes: {
    "/": page(
      "Goodbye clinic",
      `<h1>Clinic</h1><a href="/services">Our services</a><a href="/visit">Visit us</a>${goodbye("home")}`,
    ),
    "/services": page("Services", `<h1>Services</h1>${goodbye("services")}`),
    "/visit": page("Visit", `<h1>Visit</h1>${goodbye("visit")}`),
  },
};
const BING: FixtureSite = { host: "bat.bing.com", routes: { "*": { status: 204 } } };

describe("goodbye beacons", () => {
  let web: FixtureWeb;
  let requests: Array<{ pageUrl: string; url: string; method: string }>;

  beforeAll(async () => {
    web = await startWeb([SITE, BING]);
    const out = tempDir();
    const r = await runEarshot([
      "crawl",
      SITE.host,
      ...crawlArgs(web, out, ["--pages-per-site", "3", "--dwell", "0.3"]),
    ]);
    expect(r.code, r.stderr).toBe(0);
    requests = await exportRows(out, "requests");
  }, 120_000);

  afterAll(async () => {
    await web?.stop();
  });

  it("records each page's goodbye in its own record, the site's last page's included", () => {
    const goodbyes = requests
      .filter((r) => r.url.includes("evt=pageHide"))
      .map((r) => {
        const sent = new URL(r.url).searchParams;
        return `${new URL(r.pageUrl).pathname} <- ${sent.get("p")} ${r.method} real=${sent.get("real")}`;
      })
      .sort();
    expect(goodbyes).toEqual([
      "/ <- home POST real=false",
      "/ <- home POST real=true",
      "/services <- services POST real=false",
      "/services <- services POST real=true",
      "/visit <- visit POST real=false",
      "/visit <- visit POST real=true",
    ]);
  });
});

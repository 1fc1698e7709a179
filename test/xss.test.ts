import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FixtureWeb } from "../src/fixture-web/server.ts";
import { vendorSites } from "../src/fixture-web/vendors.ts";
import { hostileSites, PAYLOAD } from "./fixtures/hostile-site.ts";
import { crawlArgs, launchViewer, openDb, runEarshot, startServe, startWeb, tempDir } from "./helpers.ts";

/** Everything that would show script ran or markup got in: dialogs, errors, handler attributes, images. */
async function watch(page: Page) {
  const dialogs: string[] = [];
  page.on("dialog", (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  return {
    dialogs,
    injected: () =>
      page.evaluate(() => {
        const all = Array.from(document.querySelectorAll("*"));
        return {
          handlers: all.filter((el) =>
            Array.from(el.attributes).some((a) => a.name.toLowerCase().startsWith("on")),
          ).length,
          images: document.querySelectorAll("img, iframe, object, embed").length,
          scripts: document.querySelectorAll("script:not([type='application/json'])").length,
          svgs: Array.from(document.querySelectorAll("svg")).filter((s) => !s.classList.contains("chart"))
            .length,
        };
      }),
  };
}

describe("hostile crawled data in the report and web UI", () => {
  let web: FixtureWeb;
  let out: string;
  let browser: Browser;

  beforeAll(async () => {
    web = await startWeb([...vendorSites(), ...hostileSites()]);
    out = tempDir();
    const crawl = await runEarshot([
      "crawl",
      "www.hostile.test",
      ...crawlArgs(web, out, ["--pages-per-site", "2", "--dwell", "1"]),
    ]);
    expect(crawl.code, crawl.stderr).toBe(0);
    browser = await launchViewer();
  });

  afterAll(async () => {
    await browser?.close();
    await web?.stop();
  });

  it("captured the payloads (the test means something only if they reach the database)", () => {
    const db = openDb(out);
    const titles = (db.prepare("SELECT title FROM pages").all() as Array<{ title: string }>).map(
      (r) => r.title,
    );
    expect(titles.some((t) => t.includes(PAYLOAD))).toBe(true);
    const cookies = db.prepare("SELECT name FROM cookies WHERE name LIKE '<script>%'").all();
    expect(cookies.length).toBeGreaterThan(0);
    const bodies = db
      .prepare("SELECT post_data FROM requests WHERE post_data LIKE '%</script><script>%'")
      .all();
    expect(bodies.length).toBeGreaterThan(0);
    const findings = db.prepare("SELECT events, identifiers FROM findings").all() as Array<{
      events: string;
      identifiers: string;
    }>;
    expect(findings.some((f) => f.events.includes(PAYLOAD))).toBe(true);
    expect(findings.some((f) => f.identifiers.includes("<script>alert(3)</script>"))).toBe(true);
    db.close();
  });

  it("the HTML report shows every payload as text and runs none", async () => {
    const file = join(out, "report.html");
    const r = await runEarshot(["report", out]);
    expect(r.code, r.stderr).toBe(0);
    const page = await browser.newPage();
    const seen = await watch(page);
    await page.goto(`file://${file}`);
    await page.waitForSelector("body[data-ready='1']");
    // The sensitive page's title, with its payload, is in the first screen's table as text.
    expect(await page.locator("main").innerText()).toContain(`Domestic violence help ${PAYLOAD}`);
    expect(await seen.injected()).toEqual({ handlers: 0, images: 0, scripts: 1, svgs: 0 });
    await page.goto(`file://${file}#/site/www.hostile.test`);
    await page.waitForSelector("main[data-view='site']");
    for (const details of await page.locator("details").all())
      await details.evaluate((d) => d.setAttribute("open", ""));
    const text = await page.locator("main").innerText();
    expect(text).toContain("<script>alert(3)</script>"); // the cookie's name, as an identifier
    expect(text).toContain("</script><script>alert(2)</script>"); // a request body, as evidence
    expect(text).toContain(`what you did: Pageview, ${PAYLOAD}`); // the TikTok event name
    expect(await seen.injected()).toEqual({ handlers: 0, images: 0, scripts: 1, svgs: 0 });
    await page.goto(`file://${file}#/sites?q=${encodeURIComponent(PAYLOAD)}`);
    await page.waitForSelector("#sites-status");
    expect(await page.inputValue("#q")).toBe(PAYLOAD);
    expect(seen.dialogs).toEqual([]);
    await page.close();
  });

  it("the web UI does too", async () => {
    const { server, base } = await startServe(out);
    try {
      const page = await browser.newPage();
      const seen = await watch(page);
      await page.goto(`${base}#/site/www.hostile.test`);
      await page.waitForSelector("main[data-view='site']");
      for (const details of await page.locator("details").all())
        await details.evaluate((d) => d.setAttribute("open", ""));
      const text = await page.locator("main").innerText();
      expect(text).toContain(`Domestic violence help ${PAYLOAD}`);
      expect(text).toContain("<script>alert(3)</script>");
      expect(await seen.injected()).toEqual({ handlers: 0, images: 0, scripts: 1, svgs: 0 });
      // The API serves JSON, never HTML, whatever the site name asked for.
      const api = await fetch(`${base}api/site?name=${encodeURIComponent(PAYLOAD)}`);
      expect(api.headers.get("content-type")).toContain("application/json");
      expect(seen.dialogs).toEqual([]);
      await page.close();
    } finally {
      server.kill("SIGKILL");
    }
  });
});

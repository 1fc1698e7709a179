import type { ChildProcess } from "node:child_process";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchViewer, runEarshot, startEarshot, startServe, tempDir } from "./helpers.ts";

describe("earshot serve", () => {
  let out: string;
  let server: ChildProcess;
  let base: string;
  let browser: Browser;
  let exited: Promise<number | null>;

  beforeAll(async () => {
    out = tempDir();
    // The demo: its own fixture web, a crawl with interaction, the report.
    const demo = await runEarshot(["demo", "--out", out, "--quiet"]);
    expect(demo.code, demo.stderr).toBe(0);
    const started = startServe(out);
    ({ server, base } = await started);
    exited = new Promise((resolve) => server.on("exit", (code) => resolve(code)));
    browser = await launchViewer();
  });

  afterAll(async () => {
    await browser?.close();
    if (server && server.exitCode === null) server.kill("SIGKILL");
  });

  it("answers its JSON API on 127.0.0.1 with a strict policy, and refuses other host names", async () => {
    const overview = await fetch(`${base}api/overview`);
    expect(overview.status).toBe(200);
    expect(overview.headers.get("content-security-policy")).toContain("default-src 'none'");
    expect(overview.headers.get("content-security-policy")).toContain("script-src 'self'");
    const o = (await overview.json()) as { companies: Array<{ entity: string; sites: number }> };
    expect(o.companies.slice(0, 3).map((c) => [c.entity, c.sites])).toEqual([
      ["ByteDance", 3],
      ["Meta", 2],
      ["Google", 3],
    ]);
    const meta = (await (await fetch(`${base}api/sites?company=Meta&sort=site`)).json()) as {
      total: number;
      rows: Array<{ site: string }>;
    };
    expect(meta.total).toBe(2);
    expect(meta.rows.map((r) => r.site)).toEqual(["www.riverside-clinic.test", "www.shop-example.test"]);
    // A company by the name readers know: TikTok is ByteDance.
    const tiktok = (await (await fetch(`${base}api/sites?company=tiktok`)).json()) as { total: number };
    expect(tiktok.total).toBe(3);
    const site = (await (await fetch(`${base}api/site?name=www.riverside-clinic.test`)).json()) as {
      pages: Array<{ url: string }>;
    };
    expect(site.pages.map((p) => new URL(p.url).pathname)).toEqual(["/", "/services/mental-health", "/book"]);
    expect((await fetch(`${base}api/site?name=nowhere.test`)).status).toBe(404);
    // DNS rebinding: a page on another name resolving to 127.0.0.1 must not read the crawl.
    const { request } = await import("node:http");
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${base}api/overview`, { headers: { host: "attacker.example" } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on("error", reject);
      req.end();
    });
    expect(status).toBe(421);
  });

  it("loads, filters, drills down and draws its charts in a real browser", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems: string[] = [];
    page.on("pageerror", (e) => problems.push(e.message));
    page.on("console", (m) => {
      if (m.type() === "error") problems.push(m.text());
    });
    await page.goto(base);
    await page.waitForSelector("body[data-ready='1']");
    expect(await page.locator(".lede").innerText()).toContain("4 (80%) sent visitor data");
    expect(await page.locator("header .generated").innerText()).toContain("live from the crawl database");

    // Screenshot sanity: the company chart is drawn (bars of real width, a picture that is not blank).
    const chart = page.locator("figure").first();
    const bar = await chart.locator("rect.bar").first().boundingBox();
    expect(bar?.width ?? 0).toBeGreaterThan(100);
    const shot = await chart.screenshot();
    expect(shot.length).toBeGreaterThan(4000);
    const full = await page.screenshot({ fullPage: true });
    expect(full.length).toBeGreaterThan(30_000);

    // Search by site, then by company and category, through the API.
    await page.click("header nav a:has-text('Sites')");
    await page.waitForSelector("#sites-table tbody tr");
    const apiCalls: string[] = [];
    page.on("request", (r) => {
      if (r.url().includes("/api/sites")) apiCalls.push(r.url());
    });
    await page.fill("#q", "church");
    await page.waitForFunction(() => document.querySelectorAll("#sites-table tbody tr").length === 1);
    expect(await page.locator("#sites-table tbody tr td").first().innerText()).toBe(
      "www.stmarks-church.test",
    );
    expect(apiCalls.some((u) => u.includes("q=church"))).toBe(true);
    await page.fill("#q", "");
    await page.selectOption("#category", "health");
    await page.waitForFunction(() => document.querySelectorAll("#sites-table tbody tr").length === 1);
    await page.selectOption("#category", "");
    await page.selectOption("#company", "Google");
    await page.waitForFunction(() => document.querySelectorAll("#sites-table tbody tr").length === 3);

    // Drill down: the agency's domestic violence page, and what TikTok learned from it.
    await page.click("#sites-table a:has-text('benefits.state-agency.test')");
    await page.waitForSelector("main[data-view='site']");
    const dv = page.locator("section.page", { hasText: "/domestic-violence" });
    expect(await dv.locator(".badge").allInnerTexts()).toEqual(["Domestic violence"]);
    const tiktok = dv.locator("article.company", { hasText: "TikTok (ByteDance) learned:" });
    const learned = await tiktok.locator("ul.learned li").allInnerTexts();
    expect(learned[0]).toBe("you visited benefits.state-agency.test/domestic-violence");
    expect(learned.some((l) => l.endsWith("(cookie _ttp)"))).toBe(true);
    await tiktok.locator("details.finding > summary").first().click();
    const raw = await tiktok.locator("pre.raw").allInnerTexts();
    expect(raw.some((r) => r.startsWith("https://analytics.tiktok.com/api/v2/pixel"))).toBe(true);
    // Back to the list with the browser's back button: the filter is still in the address.
    await page.goBack();
    await page.waitForSelector("main[data-view='sites']");
    expect(page.url()).toContain("company=Google");
    expect(problems).toEqual([]);
    await page.close();
  });

  it("serves the crawl's evidence files the site view links to, and nothing else of its directory", async () => {
    const site = (await (await fetch(`${base}api/site?name=www.riverside-clinic.test`)).json()) as {
      pages: Array<{ evidence?: { screenshot: string | null; html: string | null } | null }>;
    };
    const files = site.pages.flatMap((p) => [p.evidence?.screenshot, p.evidence?.html]).filter(Boolean);
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const res = await fetch(new URL(String(file), base));
      expect(res.status, String(file)).toBe(200);
      expect(res.headers.get("content-type")).toMatch(/^(image\/jpeg|text\/plain)/);
      // Captured HTML is never run: served as text, in a sandbox.
      expect(res.headers.get("content-security-policy")).toContain("sandbox");
    }
    for (const path of [
      "evidence/../earshot.sqlite",
      "evidence/..%2f..%2fearshot.sqlite",
      "evidence/x/earshot.sqlite",
    ])
      expect((await fetch(`${base}${path}`)).status, path).toBe(404);
    // In the browser, the site view's screenshot link opens the image.
    const page = await browser.newPage();
    await page.goto(`${base}#/site/www.riverside-clinic.test`);
    const link = page.locator(".evidence-files a", { hasText: "screenshot" }).first();
    const href = await link.evaluate((a) => (a as HTMLAnchorElement).href);
    const image = await page.request.get(href);
    expect(image.status()).toBe(200);
    expect((await image.body()).subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
    await page.close();
  });

  it("warns when it listens beyond this machine, and not when it does not", async () => {
    const wide = startEarshot(["serve", out, "--host", "0.0.0.0", "--port", "0"]);
    const said = await new Promise<string>((resolve) => {
      let text = "";
      wide.stderr?.on("data", (d) => {
        text += d;
        if (text.includes("\n")) resolve(text);
      });
      wide.on("exit", () => resolve(text));
    });
    wide.kill("SIGINT");
    expect(said).toMatch(/^earshot: warning: listening on 0\.0\.0\.0, not only on this machine/);
    expect(said.trim().split("\n")).toHaveLength(1);
  });

  it("stops cleanly on Ctrl-C", async () => {
    server.kill("SIGINT");
    expect(await exited).toBe(0);
  });
});

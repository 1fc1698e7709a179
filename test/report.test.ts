import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoSiteList, demoSites } from "../src/fixture-web/demo-web.ts";
import type { FixtureWeb } from "../src/fixture-web/server.ts";
import { crawlArgs, launchViewer, runEarshot, startWeb, tempDir } from "./helpers.ts";

/** Opens the report file and waits for the client to render; collects errors and any network use. */
async function openReport(browser: Browser, file: string, hash = "") {
  const context = await browser.newContext();
  const page = await context.newPage();
  const problems: string[] = [];
  const network: string[] = [];
  page.on("pageerror", (e) => problems.push(e.message));
  page.on("console", (m) => {
    if (m.type() === "error" || m.type() === "warning") problems.push(m.text());
  });
  page.on("request", (r) => {
    if (!r.url().startsWith("file:") && !r.url().startsWith("data:")) network.push(r.url());
  });
  await page.goto(`file://${file}${hash}`);
  await page.waitForSelector("body[data-ready='1']", { timeout: 15_000 });
  return { page, problems, network, close: () => context.close() };
}

/** The text of a PDF, page by page, as a reader's PDF viewer would find it (pdf.js, from npm). */
async function pdfText(pdf: Buffer): Promise<string> {
  const pdfjs = await import("pdfjs-dist/legacy/build/pdf.mjs");
  const doc = await pdfjs.getDocument({ data: new Uint8Array(pdf), isEvalSupported: false }).promise;
  const pages: string[] = [];
  for (let i = 1; i <= doc.numPages; i++) {
    const content = await (await doc.getPage(i)).getTextContent();
    pages.push(content.items.map((item) => ("str" in item ? item.str : "")).join(""));
  }
  return pages.join("\n");
}

async function rowsOf(page: Page, selector: string): Promise<string[][]> {
  return page.$$eval(`${selector} tbody tr`, (rows) =>
    rows.map((r) => Array.from(r.querySelectorAll("td, th")).map((c) => (c.textContent ?? "").trim())),
  );
}

describe("earshot report", () => {
  let web: FixtureWeb;
  let out: string;
  let file: string;
  let browser: Browser;

  beforeAll(async () => {
    web = await startWeb(demoSites());
    out = tempDir();
    // Two lists, as a study comparing .gov with other sites would have: a list file and the command line.
    const list = join(out, "dotgov-sample.txt");
    writeFileSync(list, "# two .gov-like sites\nbenefits.state-agency.test\nwww.riverside-clinic.test\n");
    const others = demoSiteList().filter(
      (s) => !["benefits.state-agency.test", "www.riverside-clinic.test"].includes(s),
    );
    const crawl = await runEarshot([
      "crawl",
      ...others,
      "--list",
      list,
      "--interact",
      ...crawlArgs(web, out, ["--pages-per-site", "3", "--dwell", "1"]),
    ]);
    expect(crawl.code, crawl.stderr).toBe(0);
    file = join(out, "custom-report.html");
    const report = await runEarshot(["report", out, "-o", file]);
    expect(report.code, report.stderr).toBe(0);
    browser = await launchViewer();
  });

  afterAll(async () => {
    await browser?.close();
    await web?.stop();
  });

  it("is one self-contained file with a strict CSP that needs no network", async () => {
    const html = readFileSync(file, "utf8");
    expect(html).toMatch(
      /<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'sha256-/,
    );
    expect(html).not.toMatch(/<script[^>]+src=/);
    expect(html).not.toMatch(/<link[^>]+href=/);
    const view = await openReport(browser, file);
    expect(view.network).toEqual([]);
    // Accessible markup: every form control labelled, every table captioned with column headers,
    // every chart an image with a title (and its numbers in a table).
    const a11y = await view.page.evaluate(() => ({
      unlabelled: Array.from(document.querySelectorAll("input, select")).filter(
        (el) => !(el as HTMLInputElement).labels?.length,
      ).length,
      uncaptioned: Array.from(document.querySelectorAll("table")).filter((t) => !t.caption).length,
      headerless: Array.from(document.querySelectorAll("table")).filter((t) => !t.querySelector("th[scope]"))
        .length,
      untitledCharts: Array.from(document.querySelectorAll("svg.chart")).filter(
        (s) => s.getAttribute("role") !== "img" || !s.querySelector("title")?.textContent,
      ).length,
      h1: document.querySelectorAll("h1").length,
      lang: document.documentElement.lang,
    }));
    expect(a11y).toEqual({
      unlabelled: 0,
      uncaptioned: 0,
      headerless: 0,
      untitledCharts: 0,
      h1: 1,
      lang: "en",
    });
    // The inline script and style ran under that policy (a hash mismatch would be a console error).
    expect(view.problems).toEqual([]);
    await view.close();
  });

  it("answers on its first screen who hears about visits, and to which sensitive pages", async () => {
    const view = await openReport(browser, file);
    const { page } = view;
    const lede = await page.locator(".lede").innerText();
    // 4 of the 5 demo sites carry trackers; the news site only loads a CDN library.
    expect(lede).toContain("Of 5 sites crawled, 4 (80%) sent visitor data");
    const lead = await page.locator(".lead-companies li").allInnerTexts();
    expect(lead.map((l) => l.split(":")[0])).toEqual(["TikTok (ByteDance)", "Meta", "Google"]);
    expect(lead[0]).toContain("3 sites (60%)");
    // The company chart's bars are drawn in proportion and sorted, the most sites first: TikTok and
    // Google 3 of 5 sites, Meta 2 of 5 (the chart no longer pins the lead three to the top).
    const chart = page.locator("section[aria-labelledby='h-companies'] figure").first();
    const widths = await chart
      .locator("rect.bar")
      .evaluateAll((bars) => bars.map((b) => Number(b.getAttribute("width"))));
    expect(widths[0]).toBeCloseTo((360 * 3) / 5, 0);
    expect(widths).toEqual([...widths].sort((a, b) => b - a));
    const labels = await chart.locator("text.bar-label").allTextContents();
    expect(widths[labels.indexOf("Meta")]).toBeCloseTo((360 * 2) / 5, 0);
    // The sensitive pages where trackers fired: the agency's domestic violence page and TikTok.
    const sensitive = await rowsOf(page, "section[aria-labelledby='h-sensitive'] .table-wrap:last-child");
    const dv = sensitive.find((r) => r[1]?.includes("domestic-violence"));
    expect(dv?.[2]).toBe("Domestic violence");
    expect(dv?.[3]).toContain("TikTok (ByteDance)");
    expect(sensitive.some((r) => r[1]?.includes("services/mental-health") && r[3] === "Meta")).toBe(true);
    // By list: each list's sites and the share reached by each company.
    const byList = await page.$$eval("section[aria-labelledby='h-lists'] table.chart-data tbody tr", (rows) =>
      rows.map((r) => Array.from(r.querySelectorAll("td")).map((c) => c.textContent ?? "")),
    );
    expect(byList).toEqual(
      expect.arrayContaining([
        ["command line — 3 sites: Any company", "2", "67% (2)"],
        ["dotgov-sample — 2 sites: Any company", "2", "100% (2)"],
        ["dotgov-sample — 2 sites: TikTok (ByteDance)", "1", "50% (1)"],
        ["dotgov-sample — 2 sites: Meta", "1", "50% (1)"],
      ]),
    );
    // Leaks: the clinic's booking form handed Meta the hashed email and phone.
    const leaks = await rowsOf(page, "section[aria-labelledby='h-leaks']");
    expect(leaks.map((r) => [r[0], r[2], r[3], r[4]])).toEqual(
      expect.arrayContaining([
        ["www.riverside-clinic.test", "Meta (Meta Pixel)", "email", "sha256"],
        ["www.riverside-clinic.test", "Meta (Meta Pixel)", "phone", "sha256"],
      ]),
    );
    await view.close();
  });

  it("leads with key findings, answers every kind of finding it looked for, and says how the crawl was made", async () => {
    const view = await openReport(browser, file);
    const { page } = view;
    // The first thing on the page after its title: generated sentences, the most serious first.
    const first = await page.locator("main h1 + section.key-findings").innerText();
    expect(first).toContain("Key findings");
    const findings = await page.locator(".key-findings li").allInnerTexts();
    expect(findings[0]).toBe(
      "TikTok (ByteDance) received visits to domestic violence pages on 1 site (1 page), in the list “dotgov-sample”.",
    );
    expect(findings.some((f) => f.startsWith("The visitor's personal data"))).toBe(true);
    // Each sentence links to the sites it is about.
    await page.locator(".key-findings li a").first().click();
    await page.waitForSelector("main[data-view='sites']");
    expect(await page.locator("#sites-status").innerText()).toBe("1 site match.");
    expect(await page.locator("#sites-table tbody tr").first().innerText()).toContain(
      "benefits.state-agency.test",
    );
    await page.goto(`file://${file}#/`);
    await page.waitForSelector("main[data-view='overview']");
    // Every kind looked for is answered; "none found" is an answer (the demo web disguises no tracker
    // as itself), and a kind found says where and by whom.
    const answers = await page.locator("section.looked-for dd").allInnerTexts();
    expect(answers).toHaveLength(6);
    expect(answers.every((a) => a === "none found" || /^found on \d+ sites?, by /.test(a))).toBe(true);
    expect(await page.locator("section.looked-for dd[data-kind='cloaking']").innerText()).toBe("none found");
    expect(await page.locator("section.looked-for dd[data-kind='leaks']").innerText()).toMatch(
      /^found on 1 site, by Meta/,
    );
    const how = await page.locator("section.how").innerText();
    for (const words of ["Consent banners", "Global Privacy Control", "Chromium", "Seen from", "UTC"])
      expect(how).toContain(words);
    expect(view.problems).toEqual([]);
    await view.close();
  });

  it("has a page per company, named as readers know it, and filters that accept any of its names", async () => {
    const view = await openReport(browser, file);
    const { page } = view;
    await page.locator(".lead-companies a", { hasText: "TikTok" }).click();
    await page.waitForSelector("main[data-view='company']");
    expect(await page.locator("main h1").innerText()).toBe("TikTok (ByteDance)");
    const text = await page.locator("main").innerText();
    expect(text).toContain("Legal entity: ByteDance");
    expect(text).toContain("Received visitor data on 3 of 5 sites crawled (60%)");
    // Where, under which pixel IDs and events, on which sensitive pages.
    const pixels = await page.locator("h2:has-text('pixel') + ul li").allInnerTexts();
    expect(pixels.length).toBeGreaterThan(0);
    expect(pixels[0]).toMatch(/^\S+: on \d sites?$/);
    expect(await page.locator("h2:has-text('Events') + ul li").count()).toBeGreaterThan(0);
    const sensitive = await rowsOf(page, ".company-view .table-wrap");
    expect(sensitive[0]?.[1]).toContain("domestic-violence");
    expect(sensitive.every((r) => r[3]?.includes("TikTok (ByteDance)"))).toBe(true);
    // Any of its names finds it: the page, and the sites filter (its select shows the company).
    for (const name of ["tiktok", "ByteDance", "TikTok (ByteDance)"]) {
      await page.goto(`file://${file}#/company/${encodeURIComponent(name)}`);
      await page.waitForSelector("main[data-view='company'] h1");
      expect(await page.locator("main h1").innerText()).toBe("TikTok (ByteDance)");
    }
    await page.goto(`file://${file}#/sites?company=TikTok`);
    await page.waitForSelector("main[data-view='sites'] #sites-table");
    expect(await page.locator("#sites-status").innerText()).toBe("3 sites match.");
    expect(await page.locator("select[name='company'] option:checked").innerText()).toBe(
      "TikTok (ByteDance)",
    );
    expect(view.problems).toEqual([]);
    await view.close();
  });

  it("holds its layout from a phone to a wide screen: no word broken, charts legible", async () => {
    for (const width of [390, 1280]) {
      const context = await browser.newContext({ viewport: { width, height: 900 } });
      const page = await context.newPage();
      await page.goto(`file://${file}#/`);
      await page.waitForSelector("body[data-ready='1']");
      // No header cell wraps inside a word: each word of each header sits on one line.
      const broken = await page.$$eval("th", (cells) =>
        cells.flatMap((cell) => {
          const text = cell.textContent ?? "";
          const node = [...cell.querySelectorAll("*"), cell]
            .flatMap((e) => [...e.childNodes])
            .find((n) => n.nodeType === Node.TEXT_NODE && (n.textContent ?? "").trim() === text.trim());
          if (!node) return [];
          const out: string[] = [];
          for (const m of (node.textContent ?? "").matchAll(/\S+/g)) {
            const range = document.createRange();
            range.setStart(node, m.index ?? 0);
            range.setEnd(node, (m.index ?? 0) + m[0].length);
            const lines = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
            if (lines.size > 1) out.push(m[0]);
          }
          return out;
        }),
      );
      expect(broken, `at ${width} px`).toEqual([]);
      // Chart labels are drawn at a legible size (the SVG is never squeezed below it).
      const labelHeight = await page
        .locator("section[aria-labelledby='h-companies'] text.bar-label")
        .first()
        .evaluate((t) => t.getBoundingClientRect().height);
      expect(labelHeight, `at ${width} px`).toBeGreaterThanOrEqual(11);
      if (process.env.EARSHOT_WRITE_SCREENSHOTS)
        await page.screenshot({ path: join("docs", `report-first-screen-${width}.png`) });
      await context.close();
    }
  });

  it("filters, sorts and pages the sites table", async () => {
    const view = await openReport(browser, file, "#/sites");
    const { page } = view;
    expect((await rowsOf(page, "#sites-table")).length).toBe(5);
    await page.selectOption("#company", "Meta");
    await page.waitForFunction(() => document.querySelectorAll("#sites-table tbody tr").length === 2);
    expect((await rowsOf(page, "#sites-table")).map((r) => r[0]).sort()).toEqual([
      "www.riverside-clinic.test",
      "www.shop-example.test",
    ]);
    expect(page.url()).toContain("company=Meta");
    await page.selectOption("#company", "");
    await page.selectOption("#category", "religion");
    await page.waitForFunction(() => document.querySelectorAll("#sites-table tbody tr").length === 1);
    expect((await rowsOf(page, "#sites-table"))[0]?.[0]).toBe("www.stmarks-church.test");
    await page.selectOption("#category", "");
    await page.fill("#q", "test");
    await page.waitForFunction(() => document.querySelectorAll("#sites-table tbody tr").length === 5);
    // Sort by site name, then descending: aria-sort follows.
    await page.click("#sites-table th:first-child button");
    await page.waitForSelector("#sites-table th[aria-sort='ascending']");
    expect((await rowsOf(page, "#sites-table"))[0]?.[0]).toBe("benefits.state-agency.test");
    await page.click("#sites-table th:first-child button");
    await page.waitForSelector("#sites-table th[aria-sort='descending']");
    expect((await rowsOf(page, "#sites-table"))[0]?.[0]).toBe("www.stmarks-church.test");
    // A filtered view is an address: reloading it shows the same rows.
    await page.goto(`file://${file}#/sites?company=ByteDance&perPage=2`);
    await page.waitForSelector("body[data-ready='1']");
    await page.waitForSelector("#sites-table tbody tr");
    expect(await page.locator("#sites-status").innerText()).toBe("3 sites match.");
    expect((await rowsOf(page, "#sites-table")).length).toBe(2);
    await page.click("nav.pager button:has-text('Next')");
    await page.waitForFunction(() => document.querySelectorAll("#sites-table tbody tr").length === 1);
    await view.close();
  });

  it("drills down to what each company learned on each page, with evidence", async () => {
    const view = await openReport(browser, file, "#/sites?q=clinic");
    const { page } = view;
    await page.click("#sites-table a:has-text('www.riverside-clinic.test')");
    await page.waitForSelector("main[data-view='site']");
    const book = page.locator("section.page", { hasText: "https://www.riverside-clinic.test/book" });
    const meta = book.locator("article.company", { hasText: "Meta learned:" });
    const learned = await meta.locator("ul.learned li").allInnerTexts();
    expect(learned).toEqual(
      expect.arrayContaining([
        "you visited www.riverside-clinic.test/book",
        'you clicked "Book appointment"',
        "you submitted a form",
        "your email address (SHA-256 hash)",
        "your phone number (SHA-256 hash)",
      ]),
    );
    expect(learned.some((l) => /^your browser ID fb\.1\.\d+/.test(l) && l.endsWith("(cookie _fbp)"))).toBe(
      true,
    );
    // The finding's details: the identifier's cookie and the raw request as evidence.
    await meta.locator("details.finding > summary").first().click();
    const identifiers = await meta.locator("details.finding table").first().innerText();
    expect(identifiers).toContain("_fbp");
    expect(identifiers).toContain("www.riverside-clinic.test");
    const raw = await meta.locator("pre.raw").allInnerTexts();
    expect(raw.some((r) => r.startsWith("https://www.facebook.com/tr/?id=1234567890123456"))).toBe(true);
    expect(view.problems).toEqual([]);
    await view.close();
  });

  it("prints every detail: a site page saved as PDF carries the pixel ID, the request and the cookie", async () => {
    const view = await openReport(browser, file, "#/site/www.riverside-clinic.test");
    const { page } = view;
    // On screen the findings' details are closed: the pixel's request is not shown...
    expect(await page.locator("main").innerText()).not.toContain("facebook.com/tr/?id=1234567890123456");
    const text = await pdfText(await page.pdf({ format: "A4" }));
    // ...on paper everything is open.
    expect(text).toContain("1234567890123456");
    expect(text).toContain("https://www.facebook.com/tr/?id=1234567890123456");
    expect(text).toContain("_fbp");
    // And back on screen, what printing opened is closed again.
    await page.emulateMedia({ media: "screen" });
    expect(await page.locator("details.finding[open]").count()).toBe(0);
    expect(view.problems).toEqual([]);
    await view.close();
  });

  it("links its evidence from wherever it is written, and carries the most telling screenshots inside on request", async () => {
    const elsewhere = join(tempDir(), "to-editor");
    mkdirSync(elsewhere);
    const moved = join(elsewhere, "report.html");
    const r = await runEarshot(["report", out, "-o", moved]);
    expect(r.code, r.stderr).toBe(0);
    // It says where the evidence is and how to send the report on with it.
    expect(r.stderr).toMatch(/links \d+ evidence files at \.\.\/.*evidence\//);
    expect(r.stderr).toContain("--embed-evidence-mb");
    const view = await openReport(browser, moved, "#/site/www.riverside-clinic.test");
    const links = await view.page.$$eval(".evidence-files a", (as) =>
      as.map((a) => (a as HTMLAnchorElement).href),
    );
    expect(links.length).toBeGreaterThan(0);
    // Every link reaches a file that is there, from the report's own folder.
    for (const link of links) expect(existsSync(fileURLToPath(link)), link).toBe(true);
    expect(links.every((l) => l.startsWith(pathToFileURL(dirname(out)).href))).toBe(true);
    expect(await view.page.locator(".evidence-files img").count()).toBe(0);
    await view.close();

    const carried = join(elsewhere, "carried.html");
    const e = await runEarshot(["report", out, "-o", carried, "--embed-evidence-mb", "5"]);
    expect(e.code, e.stderr).toBe(0);
    expect(e.stderr).toMatch(/\d+ screenshots? carried inside/);
    expect(statSync(carried).size).toBeGreaterThan(statSync(moved).size);
    const inside = await openReport(browser, carried, "#/site/www.riverside-clinic.test");
    const image = inside.page.locator(".evidence-files img").first();
    // The screenshot shows (decoded under the report's strict policy), with no file beside it.
    expect(await image.evaluate((img) => (img as HTMLImageElement).naturalWidth)).toBeGreaterThan(100);
    expect(inside.network).toEqual([]);
    expect(inside.problems).toEqual([]);
    await inside.close();
  });

  it("stays within its size budget: details of the most telling sites first, the rest as rows", async () => {
    const small = join(out, "small.html");
    const r = await runEarshot(["report", out, "-o", small, "--detail-budget-mb", "0.02"]);
    expect(r.code, r.stderr).toBe(0);
    expect(statSync(small).size).toBeLessThan(statSync(file).size);
    const data = JSON.parse(
      /<script type="application\/json" id="earshot-data">(.*?)<\/script>/s.exec(
        readFileSync(small, "utf8"),
      )?.[1] ?? "{}",
    ) as { details: Record<string, unknown>; sites: unknown[] };
    // Every site keeps its row; details go first to the clinic (leaks: most telling), then to sites
    // whose sensitive pages sent data, until the budget is spent.
    expect(data.sites).toHaveLength(5);
    const kept = Object.keys(data.details);
    expect(kept[0]).toBe("www.riverside-clinic.test");
    expect(kept.length).toBeLessThan(5);
    expect(kept).not.toContain("www.stmarks-church.test");
    const view = await openReport(browser, small, "#/site/www.stmarks-church.test");
    expect(await view.page.locator("main").innerText()).toContain(
      "carries page-by-page details for the most telling sites only",
    );
    await view.close();
  });
});

describe("earshot report of a site that did not load", () => {
  it("says not loaded wherever its findings would be, never that no company received data", async () => {
    const web = await startWeb(demoSites());
    const out = tempDir();
    const browser = await launchViewer();
    try {
      const crawl = await runEarshot([
        "crawl",
        "www.stmarks-church.test",
        "www.nowhere-at-all.test",
        ...crawlArgs(web, out, ["--pages-per-site", "1", "--dwell", "1", "--timeout", "5"]),
      ]);
      expect([0, 1], crawl.stderr).toContain(crawl.code);
      const file = join(out, "report.html");
      expect((await runEarshot(["report", out, "-o", file])).code).toBe(0);
      const view = await openReport(browser, file, "#/site/www.nowhere-at-all.test");
      const text = await view.page.locator("main").innerText();
      expect(text).toMatch(/Not loaded \(/);
      expect(text).not.toContain("No company received data");
      expect(text).not.toContain("No consent banner seen");
      expect(text).not.toMatch(/Companies that received data\s+none/);
      await view.page.goto(`file://${file}#/sites`);
      await view.page.waitForSelector("main[data-view='sites'] #sites-table");
      const row = await view.page.locator("#sites-table tbody tr", { hasText: "nowhere-at-all" }).innerText();
      expect(row).toContain("not loaded");
      expect(view.problems).toEqual([]);
      await view.close();
    } finally {
      await browser.close();
      await web.stop();
    }
  });
});

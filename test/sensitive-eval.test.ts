import { beforeAll, describe, expect, it } from "vitest";
import { classifyPage, classifySite, SENSITIVE_CATEGORIES } from "../src/classify/sensitive.ts";
import { evaluateSensitiveCrawl, formatTable } from "./fixtures/sensitive-eval.ts";
import { sensitiveSites } from "./fixtures/sensitive-web.ts";
import { exportRows } from "./helpers.ts";

// The labelled evaluation web (348 pages on 36 sites, 22 positives per category, 106 hard negatives,
// pages in Spanish, French, German and Portuguese) crawled as a user would: menus that name
// sensitive subjects, footers that disclaim medical advice, titles that carry the site's name.
describe("sensitive pages and sites, as a reader would judge them", () => {
  let result: Awaited<ReturnType<typeof evaluateSensitiveCrawl>>;

  beforeAll(async () => {
    result = await evaluateSensitiveCrawl();
    console.log(formatTable("pages", result.pages));
    console.log(formatTable("sites", result.sites));
    console.log(`language: ${result.language.right}/${result.language.total}`);
  }, 600_000);

  it("has at least 300 labelled pages, 20 positives per category and many hard negatives", () => {
    const pages = sensitiveSites().flatMap((s) => s.pages);
    expect(pages.length).toBeGreaterThanOrEqual(300);
    for (const c of SENSITIVE_CATEGORIES)
      expect(pages.filter((p) => p.labels.includes(c)).length, c).toBeGreaterThanOrEqual(20);
    expect(pages.filter((p) => p.labels.length === 0).length).toBeGreaterThanOrEqual(80);
  });

  it("reaches precision and recall of 0.95 overall and 0.9 in every category, for pages and sites", () => {
    for (const table of [result.pages, result.sites]) {
      for (const row of table.rows) {
        const floor = row.category === "overall" ? 0.95 : 0.9;
        expect(row.precision, `${row.category} precision`).toBeGreaterThanOrEqual(floor);
        expect(row.recall, `${row.category} recall`).toBeGreaterThanOrEqual(floor);
      }
    }
  });

  it("detects and records each page's language", () => {
    expect(result.language.right / result.language.total).toBeGreaterThanOrEqual(0.95);
  });

  it("exports what the site is with every page, and with the site", async () => {
    const pages = await exportRows<{
      site: string;
      url: string;
      sensitive: string[];
      siteSensitive: string[];
      siteSensitiveEvidence: string;
      lang: string;
    }>(result.dir, "pages");
    const carPark = pages.find((p) => p.url === "https://www.st-marks-parish.test/car-park-notice");
    // The car park notice is not about religion; the parish it belongs to is.
    expect(carPark).toMatchObject({ sensitive: [], siteSensitive: ["religion"] });
    expect(carPark?.siteSensitiveEvidence).toMatch(/^site religion: /);
    const shelter = pages.filter((p) => p.site === "www.frauenhaus-nord.test");
    expect(shelter.every((p) => p.siteSensitive.includes("domestic_violence"))).toBe(true);
    expect(shelter.find((p) => p.url.endsWith("/"))?.lang).toBe("de");
    const sites = await exportRows<{ site: string; sensitive: string[]; sensitiveEvidence: string }>(
      result.dir,
      "sites",
    );
    expect(sites.find((s) => s.site === "www.quickcash-loans.test")?.sensitive).toEqual([
      "financial_hardship",
    ]);
    expect(sites.find((s) => s.site === "www.state-portal.test")?.sensitive).toEqual([]);
    // Meta's pixel on the shelter's volunteer page learned of a domestic-violence shelter.
    const findings = await exportRows<{
      pageUrl: string;
      tracker: string;
      sensitive: string[];
      siteSensitive: string[];
    }>(result.dir, "findings");
    const volunteer = findings.find((f) => f.pageUrl === "https://www.safe-harbor-shelter.test/volunteer");
    expect(volunteer).toMatchObject({
      tracker: "Meta Pixel",
      sensitive: [],
      siteSensitive: ["domestic_violence"],
    });
  });

  it("weighs phrases: health insurance is not health, a disclaimer is not advice, a passing mention is not a subject", () => {
    const page = (text: string, title = "Our plans") => ({
      url: "https://x.test/p",
      title,
      headings: [],
      description: null,
      text,
    });
    // One telling phrase in passing is not a subject; a page that keeps to it is, whatever its title.
    expect(
      classifyPage(page("Opening hours, parking and fees. Ask at the desk about a protective order."))
        .categories,
    ).toEqual([]);
    expect(
      classifyPage(page("Compare health insurance plans and health savings accounts.")).categories,
    ).toEqual([]);
    expect(
      classifyPage(page("This website does not provide medical advice. Shop shoes.")).categories,
    ).toEqual([]);
    expect(classifyPage(page("Fees apply. Children under 16 ride free.")).categories).toEqual([]);
    expect(
      classifyPage(
        page(
          "Our advocates can go with you to court to ask for a protective order, and help you make a safety plan.",
          "Get help",
        ),
      ).categories,
    ).toEqual(["domestic_violence"]);
    const result = classifyPage(
      page(
        "Si sufres violencia doméstica, llama a nuestra línea. Te ayudamos con una orden de protección.",
        "Pide ayuda",
      ),
    );
    expect(result.categories).toEqual(["domestic_violence"]);
    expect(result.lang).toBe("es");
    expect(result.evidence).toContain('text "violencia domestica"');
    expect(
      classifySite({
        name: "Safe Harbor",
        title: "Safe Harbor",
        description: null,
        headings: ["h1:Shelter for survivors of domestic violence"],
        text: "",
      }),
    ).toMatchObject({
      categories: ["domestic_violence"],
      evidence: expect.stringMatching(/^site domestic_violence: heading "[^"]*domestic violence"/),
    });
  });
});

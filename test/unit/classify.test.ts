import { describe, expect, it } from "vitest";
import { classifyPage, SENSITIVE_CATEGORIES } from "../../src/classify/sensitive.ts";
import { LABELLED, page, scoreTable } from "../fixtures/labelled-pages.ts";

describe("sensitive-page classifier", () => {
  it("gets every labelled fixture page right, with precision and recall per category", () => {
    const got = new Map(LABELLED.map(([content]) => [content.url, classifyPage(content).categories]));
    const { lines, perfect } = scoreTable(
      LABELLED.map(([content, expected]) => [content.url, expected]),
      got,
      SENSITIVE_CATEGORIES,
    );
    console.log(lines.join("\n"));
    for (const [content, expected] of LABELLED) {
      expect(classifyPage(content).categories, content.url).toEqual(expected);
    }
    expect(perfect).toBe(true);
  });

  it("explains its decision", () => {
    const result = classifyPage(
      page("https://gov.example/domestic-violence", "Domestic violence resources", "Get help"),
    );
    // The decisive phrases, heaviest first (a title counts twice a URL).
    expect(result.evidence).toBe('domestic_violence: title "domestic violence", url "domestic violence"');
  });

  it("reads only the main text: a menu saying Mental health does not make a home page about it", () => {
    // The crawler strips nav, header and footer before this; the running text mentions it once.
    const home = page(
      "https://hospital.example/",
      "Riverside Hospital",
      "Welcome",
      "Find a doctor. Mental health services are available.",
    );
    expect(classifyPage(home).categories).toEqual(["health"]);
    const mentions = "Depression is common. Treatment for depression works. Call us about depression today.";
    expect(
      classifyPage(page("https://hospital.example/blog/1", "Blog", "Post", mentions)).categories,
    ).toEqual(["mental_health"]);
  });

  it("reads a programme named as a page's subject as what it is for; in running text it is a mention", () => {
    // CHIP is the Children's Health Insurance Program: children's coverage, and public assistance.
    const chip = page(
      "https://coverage.example/chip",
      "What if my children are eligible for CHIP, but I would rather buy them a plan?",
      "What if my children are eligible for CHIP, but I would rather buy them a plan?",
      "Plans might be too expensive and they won't offer any additional coverage.",
    );
    expect(classifyPage(chip).categories).toEqual(["public_assistance", "children"]);
    const dates = page(
      "https://coverage.example/key-dates",
      "What key dates do I need to know?",
      "Open enrollment",
      "Open enrollment starts in October and ends in March. You can apply for CHIP any time of year.",
    );
    expect(classifyPage(dates).categories).toEqual([]);
  });

  it("drops a subject the running text gives under half the weight of what the page is about", () => {
    const charity = page(
      "https://youth.example/giving",
      "Giving",
      "Support our work",
      `${"Queer and trans youth lead our programmes. LGBTQ students organise and queer youth speak. ".repeat(3)}
      Queer youth report anxiety and depression more often.`,
    );
    expect(classifyPage(charity).categories).toEqual(["lgbtq"]);
  });

  it("takes one sentence of a long page for a mention in passing, and a page that keeps coming back to it for its subject", () => {
    const filler =
      "The council will review the proposed sites this winter. Cameras reduce crashes near parks. ";
    const once = page(
      "https://city.example/speed-cameras",
      "City identifies locations for speed cameras",
      "Speed cameras",
      `${filler.repeat(3)}Fines are halved for people on public assistance such as WIC. ${filler}`,
    );
    expect(classifyPage(once).categories).toEqual([]);
    const often = page(
      "https://pantry.example/news/1",
      "A letter to our clients",
      "Service area change",
      `${filler}Public assistance such as WIC helps. Apply for SNAP benefits at the benefits office. ${filler}`,
    );
    expect(classifyPage(often).categories).toEqual(["public_assistance"]);
  });

  it("reads the names of faith-based charities and words used in cooking as what they are", () => {
    const statement = page(
      "https://charity.example/news/cuts",
      "Statement on federal budget cuts",
      "Statement",
      "Catholic Community Services urges Congress to protect Medicaid. Catholic Charities will keep food banks open. Cuts to SNAP benefits threaten families.",
    );
    expect(classifyPage(statement).categories).toEqual(["public_assistance"]);
    const recipe = page(
      "https://pantry.example/recipes/pho",
      "Pho Ga",
      "Ingredients",
      "Serve with garnishes. Add the garnish of herbs. Slice limes for the garnishes.",
    );
    expect(classifyPage(recipe).categories).toEqual([]);
  });

  it("survives hostile input", () => {
    const huge = "x".repeat(100_000);
    expect(() =>
      classifyPage({ url: "not a url", title: null, headings: [huge], description: huge, text: huge }),
    ).not.toThrow();
  });
});

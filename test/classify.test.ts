import { describe, expect, it } from "vitest";
import {
  classifyPage,
  type PageContent,
  SENSITIVE_CATEGORIES,
  type SensitiveCategory,
} from "../src/classify/sensitive.ts";

const page = (
  url: string,
  title: string,
  h1: string,
  text = "",
  extra: Partial<PageContent> = {},
): PageContent => ({
  url,
  title,
  headings: [`h1:${h1}`],
  description: null,
  text,
  ...extra,
});

/** Fixture pages with the categories a careful reader would give them. */
const LABELLED: Array<[PageContent, SensitiveCategory[]]> = [
  [page("https://clinic.example/conditions/diabetes", "Living with diabetes", "Diabetes care"), ["health"]],
  [
    page("https://hospital.example/", "Mercy Hospital", "Welcome to Mercy", "Visiting hours and parking."),
    ["health"],
  ],
  [
    page("https://pp.example/abortion-services", "Abortion services", "Abortion care"),
    ["reproductive_health"],
  ],
  [
    page("https://a.example/birth-control", "Birth control options", "Contraception"),
    ["reproductive_health"],
  ],
  [
    page("https://a.example/get-help", "Talk to someone", "Depression and anxiety support"),
    ["mental_health"],
  ],
  [page("https://a.example/988", "Suicide prevention lifeline", "You are not alone"), ["mental_health"]],
  [
    page("https://a.example/treatment", "Opioid addiction treatment", "Recovery starts here"),
    ["substance_use"],
  ],
  [page("https://church.example/sermons", "Sunday sermons", "Sermons"), ["religion"]],
  [page("https://a.example/mosque/prayer-times", "Prayer times", "Daily prayers"), ["religion"]],
  [
    page("https://gov.example/domestic-violence", "Domestic violence resources", "If you are being abused"),
    ["domestic_violence"],
  ],
  [page("https://a.example/help", "Get a protective order", "Protective orders"), ["domestic_violence"]],
  [
    page("https://gov.example/food-assistance", "SNAP food assistance", "Apply for food stamps"),
    ["public_assistance"],
  ],
  [page("https://gov.example/programs/medicaid", "Medicaid", "Apply for Medicaid"), ["public_assistance"]],
  [
    page("https://a.example/foreclosure-help", "Facing foreclosure?", "Foreclosure prevention"),
    ["financial_hardship"],
  ],
  [page("https://a.example/payday-loans", "Payday loans", "Fast cash"), ["financial_hardship"]],
  [
    page("https://a.example/lgbtq-youth", "LGBTQ youth center", "Support for LGBTQ youth"),
    ["lgbtq", "children"],
  ],
  [
    page("https://a.example/transgender-care", "Transgender care", "Gender-affirming care"),
    ["health", "lgbtq"],
  ],
  [page("https://a.example/asylum", "Applying for asylum", "Asylum"), ["immigration"]],
  [page("https://uscis.example/green-card", "Green card", "Green card eligibility"), ["immigration"]],
  [page("https://a.example/foster-care", "Foster care", "Become a foster parent"), ["children"]],
  // Negatives: a passing mention, an ambiguous word.
  [
    page(
      "https://hospitalgroup.example/",
      "Northside Group",
      "Welcome",
      "Our group runs clinics across the state.",
      {
        headings: ["h1:Welcome", "h2:Latest news"],
      },
    ),
    [],
  ],
  [
    page(
      "https://shop.example/",
      "Example Shop",
      "New arrivals",
      "Shoes for the whole family, including kids.",
    ),
    [],
  ],
  [
    page(
      "https://news.example/",
      "Daily News",
      "Top stories",
      "The city marked its annual pride in its football team.",
    ),
    [],
  ],
  [page("https://a.example/snap-fasteners", "Snap fasteners", "Hardware", "Snap buttons in brass."), []],
  [page("https://a.example/about", "About us", "Our team", "We build websites."), []],
  [page("https://a.example/careers", "Careers", "Work with us", "Benefits include dental."), []],
];

describe("sensitive-page classifier", () => {
  it("gets every labelled fixture page right, with precision and recall per category", () => {
    const rows: string[] = [];
    for (const category of SENSITIVE_CATEGORIES) {
      let tp = 0;
      let fp = 0;
      let fn = 0;
      for (const [content, expected] of LABELLED) {
        const got = classifyPage(content).categories.includes(category);
        const want = expected.includes(category);
        if (got && want) tp++;
        else if (got) fp++;
        else if (want) fn++;
      }
      const precision = tp + fp ? tp / (tp + fp) : 1;
      const recall = tp + fn ? tp / (tp + fn) : 1;
      rows.push(
        `${category}: precision ${precision.toFixed(2)} recall ${recall.toFixed(2)} (${tp + fn} pages)`,
      );
    }
    console.log(rows.join("\n"));
    for (const [content, expected] of LABELLED) {
      expect(classifyPage(content).categories, content.url).toEqual(expected);
    }
  });

  it("explains its decision", () => {
    const result = classifyPage(
      page("https://gov.example/domestic-violence", "Domestic violence resources", "Get help"),
    );
    expect(result.evidence).toBe('domestic_violence: url "domestic violence", title "domestic violence"');
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

  it("survives hostile input", () => {
    const huge = "x".repeat(100_000);
    expect(() =>
      classifyPage({ url: "not a url", title: null, headings: [huge], description: huge, text: huge }),
    ).not.toThrow();
  });
});

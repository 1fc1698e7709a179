/**
 * What a banner control means, read from its words (`consentAnswer`), on 7,005 real button texts of
 * real banners labelled by DuckDuckGo (`../shared/data/consent-buttons/`, weighted by how many sites
 * showed each). The costly errors are held at none: a text that is not a refusal read as one (the
 * crawler would click it when asked to refuse), and a refusal read as consent.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type ConsentAnswer, consentAnswer } from "../../src/crawl/consent-words.ts";
import { SHARED_DATA } from "../helpers.ts";

const CSV = join(SHARED_DATA, "consent-buttons", "labelled-button-texts.csv");
type Label = "accept" | "reject" | "settings" | "acknowledge" | "other";

/** Texts whose label in the file says the opposite of its words; each read as its words say. */
const LABEL_DISAGREES: Record<string, string> = {
  avvisa: "Swedish for 'reject', labelled other",
  "accept non-essential": "grants the non-essential cookies, labelled reject",
  "accept all cookies continue": "grants all, labelled reject",
};

function rows(): Array<{ text: string; sites: number; label: Label }> {
  return readFileSync(CSV, "utf8")
    .trim()
    .split("\n")
    .slice(1)
    .flatMap((line) => {
      const m = line.match(/^(?:"((?:[^"]|"")*)"|([^,]*)),(\d+),(\w+)\s*$/);
      return m
        ? [{ text: (m[1] ?? m[2] ?? "").replace(/""/g, '"'), sites: Number(m[3]), label: m[4] as Label }]
        : [];
    });
}

/** The answer each label should get. */
const EXPECTED: Partial<Record<Label, ConsentAnswer>> = {
  accept: "grant",
  reject: "refuse",
  settings: "settings",
};

describe.runIf(existsSync(CSV))("consent-banner words on real button texts", () => {
  // Read only where the file is: a skipped suite is still collected.
  const all = existsSync(CSV) ? rows().map((r) => ({ ...r, answer: consentAnswer(r.text) })) : [];

  it("prints precision and recall per label, by texts and by sites", () => {
    const lines = [
      "label        texts  recall (texts)  recall (sites)  precision (texts)  precision (sites)",
    ];
    for (const [label, answer] of Object.entries(EXPECTED)) {
      const labelled = all.filter((r) => r.label === label);
      const read = all.filter((r) => r.answer === answer);
      const right = labelled.filter((r) => r.answer === answer);
      const sites = (xs: typeof all) => xs.reduce((n, r) => n + r.sites, 0);
      const ratio = (a: number, b: number) => (b === 0 ? "-" : (a / b).toFixed(3));
      lines.push(
        `${label.padEnd(12)} ${String(labelled.length).padStart(5)}  ${ratio(right.length, labelled.length).padStart(14)}  ${ratio(sites(right), sites(labelled)).padStart(14)}  ${ratio(right.length, read.length).padStart(17)}  ${ratio(sites(right), sites(read)).padStart(17)}`,
      );
    }
    console.log(lines.join("\n"));
    expect(all.length).toBeGreaterThan(7000);
  });

  it("never reads an accept, acknowledge, settings or other text as a refusal", () => {
    const wrong = all.filter(
      (r) => r.label !== "reject" && r.answer === "refuse" && !LABEL_DISAGREES[r.text],
    );
    expect(wrong.map((r) => `${r.text} (${r.label})`)).toEqual([]);
  });

  it("never reads a refusal as consent", () => {
    const wrong = all.filter((r) => r.label === "reject" && r.answer === "grant" && !LABEL_DISAGREES[r.text]);
    expect(wrong.map((r) => r.text)).toEqual([]);
  });

  it("recognises accepting and refusing on at least 95% of the sites that show them", () => {
    for (const [label, answer] of [
      ["accept", "grant"],
      ["reject", "refuse"],
    ] as const) {
      const labelled = all.filter((r) => r.label === label);
      const sites = labelled.reduce((n, r) => n + r.sites, 0);
      const right = labelled.filter((r) => r.answer === answer).reduce((n, r) => n + r.sites, 0);
      expect(right / sites, label).toBeGreaterThanOrEqual(0.95);
    }
    // The Polish banner the issue names.
    expect(consentAnswer("Akceptuję wszystkie")).toBe("grant");
    expect(consentAnswer("Odrzuć wszystkie")).toBe("refuse");
  });
});

import { beforeAll, describe, expect, it } from "vitest";
import type { ConsentRecord } from "../src/capture/types.ts";
import { BANNER_CASES } from "./fixtures/banner-corpus.ts";
import { evaluateConsent, formatScores, type RunScore } from "./fixtures/consent-eval.ts";
import { exportRows, runEarshot } from "./helpers.ts";

// The banner corpus crawled in every mode, scored against each site's own record of the visitor's
// choice. BannerClick published 99% detection, 97% accept, 87% reject on the real web.
describe("consent banners: the corpus in every mode", () => {
  let scores: RunScore[] = [];

  beforeAll(async () => {
    scores = await evaluateConsent();
    console.log(formatScores(scores));
  }, 900_000);

  const score = (mode: string, interact = false) => {
    const s = scores.find((x) => x.run.mode === mode && x.run.interact === interact);
    if (!s) throw new Error(`no ${mode} run`);
    return s;
  };

  it("has at least 30 banners of every kind", () => {
    const banners = BANNER_CASES.filter((c) => !c.negative);
    expect(banners.length).toBeGreaterThanOrEqual(30);
    expect(new Set(banners.map((c) => c.lang))).toEqual(
      new Set(["en", "es", "fr", "de", "it", "pt", "nl", "pl", "sv", "da"]),
    );
  });

  it("detects at least 97% of banners in every mode, and nothing that is not one", () => {
    for (const s of scores) {
      expect(s.detected / s.banners, `${s.run.mode} ${s.run.interact}`).toBeGreaterThanOrEqual(0.97);
      expect(s.falseDetections).toBe(0);
    }
    // Most banners are the sites' own: the heuristic, not autoconsent's rules, found them.
    expect(score("reject").byHeuristic).toBeGreaterThan(score("reject").byAutoconsent);
  });

  it("accepts at least 97% and rejects at least 95% as the site itself records it", () => {
    expect(score("accept").correct / score("accept").banners).toBeGreaterThanOrEqual(0.97);
    expect(score("reject").correct / score("reject").banners).toBeGreaterThanOrEqual(0.95);
    expect(score("reject", true).correct / score("reject", true).banners).toBeGreaterThanOrEqual(0.95);
  });

  it("never grants consent in reject or ignore mode, with or without --interact", () => {
    for (const s of scores.filter((x) => x.run.mode !== "accept"))
      expect(
        s.outcomes.filter((o) => o.granted).map((o) => o.host),
        `${s.run.mode} ${s.run.interact}`,
      ).toEqual([]);
    // ignore touches nothing: no site recorded any choice.
    expect(score("ignore", true).outcomes.flatMap((o) => o.choices)).toEqual([]);
  });

  it("records the control clicked and whether the banner went away, page by page", async () => {
    const pages = await exportRows<{ site: string; depth: number; consent: ConsentRecord | null }>(
      score("reject").dir,
      "pages",
    );
    const twoStep = pages.find((p) => p.site === "www.two-step.test" && p.depth === 0)?.consent;
    expect(twoStep?.page).toMatchObject({
      shown: true,
      detectedBy: "heuristic",
      control: "Reject all",
      bannerGone: true,
    });
    // The banner that comes back is answered again on the next page.
    const back = pages.filter((p) => p.site === "www.comes-back.test");
    expect(back.map((p) => p.consent?.page?.control)).toEqual(["Decline", "Decline"]);
    // A platform autoconsent knows is its rule's to find (the heuristic only when the rule is late).
    expect(["autoconsent", "heuristic"]).toContain(
      pages.find((p) => p.site === "www.onetrust-shop.test")?.consent?.page?.detectedBy,
    );
  });

  it("reads the site's consent APIs before and after the choice, and exports what they say", async () => {
    const pages = await exportRows<{
      site: string;
      consent: ConsentRecord | null;
      consentState: { verdict: string; records: Array<{ framework: string; source: string }> } | null;
    }>(score("reject").dir, "pages");
    const tcf = pages.find((p) => p.site === "www.tcf-publisher.test");
    const apis = tcf?.consent?.apis ?? [];
    expect(apis.length).toBe(2);
    expect(apis[0]?.tcf?.eventStatus).toBe("cmpuishown");
    expect(apis[1]?.tcf).toMatchObject({ eventStatus: "useractioncomplete", purposes: [], vendorCount: 0 });
    expect(apis[1]?.usp?.uspString).toBe("1YYN");
    expect(apis[1]?.gpp?.saleOptOut).toBe(1);
    expect(tcf?.consentState?.verdict).toBe("refused");
    expect(tcf?.consentState?.records.map((r) => r.source)).toEqual([
      "api:__tcfapi",
      "api:__uspapi",
      "api:__gpp",
    ]);
    const accepted = (
      await exportRows<{ site: string; consentState: { verdict: string } | null }>(
        score("accept").dir,
        "pages",
      )
    ).find((p) => p.site === "www.tcf-publisher.test");
    expect(accepted?.consentState?.verdict).toBe("granted");
  });

  it("earshot diff names the site whose own record says refused while a tracker still received data", async () => {
    const r = await runEarshot(["diff", score("accept").dir, score("reject").dir]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(
      "Sites whose own consent record says the visitor refused, yet trackers received data:",
    );
    expect(r.stdout).toMatch(/www\.tcf-publisher\.test \(1 page\): .*\[tcf: purposes none consented/);
    const json = JSON.parse(
      (await runEarshot(["diff", score("accept").dir, score("reject").dir, "--json"])).stdout,
    );
    expect(json.refusedYetTracked.after.map((s: { site: string }) => s.site)).toContain(
      "www.tcf-publisher.test",
    );
    expect(json.refusedYetTracked.before).toEqual([]);
  });
});

import { describe, expect, it } from "vitest";
import type { CapturedCookie } from "../../src/capture/types.ts";
import { consentStateOf, tcfPurposes } from "../../src/classify/consent-state.ts";

/** A TCF v2 core string with these purposes consented (version 2, the rest zero). */
function tcString(purposes: number[]): string {
  const bits = new Array<number>(30 * 8).fill(0);
  bits[4] = 1; // version 2 in the first six bits: 000010
  for (const p of purposes) bits[152 + p - 1] = 1;
  const bytes = Buffer.alloc(30);
  bits.forEach((b, i) => {
    if (b) bytes[i >> 3] = (bytes[i >> 3] ?? 0) | (1 << (7 - (i & 7)));
  });
  return bytes.toString("base64url");
}

const cookie = (name: string, value: string): CapturedCookie => ({
  name,
  value,
  domain: ".site.example",
  path: "/",
  valueLength: value.length,
  valueSha256: null,
  expires: null,
  httpOnly: false,
  secure: true,
  sameSite: null,
  setBy: null,
});

describe("what the site's own consent records say", () => {
  it("reads the TCF string's purposes", () => {
    expect(tcfPurposes(tcString([1, 2, 7]))).toEqual([1, 2, 7]);
    expect(tcfPurposes("not a tc string")).toBeNull();
    const refused = consentStateOf([cookie("euconsent-v2", tcString([1]))], []);
    expect(refused.verdict).toBe("refused");
    expect(refused.records[0]).toMatchObject({
      framework: "tcf",
      advertising: false,
      detail: "purposes 1 consented",
    });
    expect(
      consentStateOf([cookie("euconsent-v2", `${tcString([1, 2, 3, 4, 7])}.YAAAAAAAAAAA`)], []).verdict,
    ).toBe("granted");
  });

  it("reads US Privacy, OneTrust, Cookiebot, Didomi and Usercentrics records", () => {
    expect(consentStateOf([cookie("usprivacy", "1YYN")], []).verdict).toBe("refused");
    expect(consentStateOf([cookie("usprivacy", "1YNN")], []).verdict).toBe("granted");
    const onetrust = consentStateOf(
      [
        cookie(
          "OptanonConsent",
          "isGpcEnabled=0&datestamp=Tue+Dec+01+2026&version=202409.1.0&groups=C0001%3A1%2CC0002%3A0%2CC0003%3A0%2CC0004%3A0",
        ),
      ],
      [],
    );
    expect(onetrust.records[0]).toMatchObject({ framework: "onetrust", advertising: false });
    expect(onetrust.verdict).toBe("refused");
    const cookiebot = consentStateOf(
      [
        cookie(
          "CookieConsent",
          "{stamp:%27abc%27%2Cnecessary:true%2Cpreferences:true%2Cstatistics:true%2Cmarketing:true%2Cmethod:%27explicit%27}",
        ),
      ],
      [],
    );
    expect(cookiebot.verdict).toBe("granted");
    const didomi = Buffer.from(
      JSON.stringify({ purposes: { enabled: [], disabled: ["cookies", "advertising_personalization"] } }),
    ).toString("base64");
    expect(consentStateOf([cookie("didomi_token", didomi)], []).verdict).toBe("refused");
    const uc = consentStateOf(
      [],
      [
        {
          origin: "https://site.example",
          kind: "local",
          key: "uc_settings",
          value:
            '{"services":[{"id":"a","status":true},{"id":"b","status":false},{"id":"c","status":false}]}',
          valueLength: 90,
        },
      ],
    );
    expect(uc.records[0]).toMatchObject({
      framework: "usercentrics",
      source: "storage:uc_settings",
      advertising: false,
    });
  });

  it("says nothing for a site that keeps no record, and 'unanswered' for a record without an answer", () => {
    expect(consentStateOf([cookie("_ga", "GA1.1.1.1")], [])).toEqual({ records: [], verdict: null });
    expect(consentStateOf([cookie("usprivacy", "1---")], []).verdict).toBe("unanswered");
  });
});

import { describe, expect, it } from "vitest";
import { carrierOf, profilesOf } from "../../src/analyze/profiles.ts";
import type { ProfileSighting } from "../../src/derived/types.ts";
import { profileFindings } from "../../src/report/key-findings.ts";
import { profilesSummary } from "../../src/report/profiles-summary.ts";

/** One identifier one company received from one page. */
function seen(site: string, order: number, name: string, value: string, more: Partial<ProfileSighting> = {}) {
  const sighting: ProfileSighting = {
    site,
    siteOrder: order,
    pageUrl: `https://${site}/`,
    control: false,
    sensitive: [],
    at: 1000 * order,
    entity: "ByteDance",
    tracker: "TikTok Pixel",
    identifier: { name, source: "cookie", value },
    pixelIds: ["C4PIXEL123456"],
    cookieDomain: ".tiktok.com",
    synced: false,
    requestId: order,
    ...more,
  };
  return sighting;
}

describe("profiles: what a company could link across sites", () => {
  it("links an identifier sent from several sites, with its sites in visit order and its sensitive pages", () => {
    const profiles = profilesOf([
      seen("church.test", 2, "ttwid", "visitor-1-abcdef"),
      seen("clinic.test", 1, "ttwid", "visitor-1-abcdef", {
        pageUrl: "https://clinic.test/abortion",
        sensitive: ["reproductive_health"],
      }),
      seen("shop.test", 3, "ttwid", "visitor-1-abcdef"),
      // A first-party cookie differs from site to site: it links nothing.
      seen("church.test", 2, "_ttp", "ttp-church-123", { cookieDomain: "church.test" }),
      seen("clinic.test", 1, "_ttp", "ttp-clinic-456", { cookieDomain: "clinic.test" }),
    ]);
    expect(profiles).toHaveLength(1);
    const [p] = profiles;
    expect(p).toMatchObject({
      entity: "ByteDance",
      name: "ttwid",
      carrier: "third_party_cookie",
      sites: ["clinic.test", "church.test", "shop.test"],
      pages: 3,
      sensitive: ["reproductive_health"],
      control: "unchecked",
    });
    expect(p?.sensitivePages).toEqual([
      { site: "clinic.test", url: "https://clinic.test/abortion", categories: ["reproductive_health"] },
    ]);
  });

  it("a value the second, fresh visitor was sent too is a constant; one it was sent another of is checked", () => {
    const profiles = profilesOf([
      seen("a.test", 1, "v", "2.9.156-build", {
        identifier: { name: "v", source: "generated", value: "2.9.156-build" },
      }),
      seen("b.test", 2, "v", "2.9.156-build", {
        identifier: { name: "v", source: "generated", value: "2.9.156-build" },
      }),
      seen("a.test", 1, "v", "2.9.156-build", {
        control: true,
        identifier: { name: "v", source: "generated", value: "2.9.156-build" },
      }),
      seen("a.test", 1, "fr", "fr-visitor-one-111"),
      seen("b.test", 2, "fr", "fr-visitor-one-111"),
      seen("a.test", 1, "fr", "fr-visitor-two-222", { control: true }),
      // The pixel's own ID, and a short flag, are never identifiers.
      seen("a.test", 1, "pid", "C4PIXEL123456"),
      seen("b.test", 2, "pid", "C4PIXEL123456"),
      seen("a.test", 1, "ok", "1"),
      seen("b.test", 2, "ok", "1"),
    ]);
    expect(profiles.map((p) => [p.name, p.control])).toEqual([["fr", "differs"]]);
  });

  it("names how each identifier travelled", () => {
    expect(carrierOf(seen("a.test", 1, "_ga", "GA1.1.123", { cookieDomain: ".a.test" }))).toBe(
      "first_party_cookie",
    );
    expect(carrierOf(seen("a.test", 1, "fr", "x", { cookieDomain: ".facebook.com" }))).toBe(
      "third_party_cookie",
    );
    expect(carrierOf(seen("a.test", 1, "uid", "x", { synced: true }))).toBe("synced");
    // A cookie the browser did not hold travelled as a value in the request.
    expect(carrierOf(seen("a.test", 1, "_ga", "x", { cookieDomain: null }))).toBe("parameter");
    expect(
      carrierOf(
        seen("a.test", 1, "cid", "x", { identifier: { name: "cid", source: "generated", value: "x" } }),
      ),
    ).toBe("parameter");
    expect(
      carrierOf(seen("a.test", 1, "k", "x", { identifier: { name: "k", source: "storage", value: "x" } })),
    ).toBe("storage");
  });
});

describe("profiles in the report", () => {
  it("a row per company over its identifiers, and a first line for the widest", () => {
    const profiles = profilesOf([
      seen("church.test", 1, "ttwid", "visitor-1-abcdef"),
      seen("clinic.test", 2, "ttwid", "visitor-1-abcdef", {
        pageUrl: "https://clinic.test/abortion",
        sensitive: ["reproductive_health"],
      }),
      seen("church.test", 1, "ttp", "visitor-ttp-98765", { cookieDomain: ".tiktok.com" }),
      seen("shop.test", 3, "ttp", "visitor-ttp-98765", { cookieDomain: ".tiktok.com" }),
    ]);
    const summary = profilesSummary(profiles, { thirdPartyCookies: "allow", controlSites: 2 }, 5);
    expect(summary.companies).toHaveLength(1);
    expect(summary.companies[0]).toMatchObject({
      entity: "ByteDance",
      sites: ["church.test", "clinic.test", "shop.test"],
      evidence: [
        { site: "church.test", pageUrl: "https://church.test/" },
        { site: "clinic.test", pageUrl: "https://clinic.test/abortion" },
        { site: "shop.test", pageUrl: "https://shop.test/" },
      ],
    });
    expect(profileFindings(summary).map((f) => f.text)).toEqual([
      "TikTok (ByteDance) could recognise the same visitor on 3 of the 5 sites (identifiers ttwid, ttp); " +
        "that one profile holds visits to reproductive health pages.",
    ]);
  });
});

import { describe, expect, it } from "vitest";
import { attributeRequest } from "../../src/attribute/attribute-request.ts";
import { normaliseCompany } from "../../src/attribute/entities.ts";
import { parseTrackerDb } from "../../src/attribute/tracker-db.ts";

describe("user-supplied tracker databases", () => {
  it("reads Disconnect services.json", () => {
    const db = parseTrackerDb({
      license: "CC BY-NC-SA 4.0",
      categories: {
        Advertising: [
          { "Acme Ads, Inc.": { "https://acme.example/": ["acme-ads.example", "acmecdn.example"] } },
        ],
        Analytics: [{ Google: { "http://www.google.com/": ["google-analytics.com"] } }],
      },
    });
    expect(db?.format).toBe("disconnect");
    expect(db?.lookup("https://pixel.acme-ads.example/p.gif")).toEqual({
      entity: "Acme Ads",
      tracker: "Acme Ads, Inc.",
      category: "advertising",
    });
    expect(db?.lookup("https://www.google-analytics.com/g/collect")?.entity).toBe("Google");
    expect(db?.lookup("https://other.example/")).toBeNull();
  });

  it("reads Tracker Radar tds.json and entity_map.json", () => {
    const tds = parseTrackerDb({
      trackers: {
        "tracker.example": {
          owner: { name: "Tracker Co LLC", displayName: "Tracker Co" },
          categories: ["Ad Motivated Tracking"],
        },
      },
      entities: {
        "Tracker Co LLC": {
          domains: ["tracker.example", "trackerco-cdn.example"],
          displayName: "Tracker Co",
        },
      },
      domains: { "tracker.example": "Tracker Co LLC" },
    });
    expect(tds?.format).toBe("tracker-radar");
    expect(tds?.lookup("https://a.tracker.example/x")).toMatchObject({
      entity: "Tracker Co",
      category: "ad motivated tracking",
    });
    expect(tds?.lookup("https://trackerco-cdn.example/x")?.entity).toBe("Tracker Co");
    const map = parseTrackerDb({
      "Facebook, Inc.": { properties: ["facebook.net", "fbcdn.net"], displayName: "Facebook" },
    });
    expect(map?.lookup("https://connect.facebook.net/en_US/fbevents.js")?.entity).toBe("Meta");
  });

  it("reads a Ghostery TrackerDB export", () => {
    const db = parseTrackerDb({
      organizations: { bytedance: { name: "ByteDance Ltd." } },
      patterns: {
        tiktok_analytics: {
          name: "TikTok Analytics",
          category: "advertising",
          organization: "bytedance",
          domains: ["analytics.tiktok.com"],
        },
      },
    });
    expect(db?.format).toBe("ghostery");
    expect(db?.lookup("https://analytics.tiktok.com/api/v2/pixel")).toEqual({
      entity: "ByteDance",
      tracker: "TikTok Analytics",
      category: "advertising",
    });
  });

  it("rejects other JSON", () => {
    expect(parseTrackerDb({ hello: "world" })).toBeNull();
    expect(parseTrackerDb([1, 2])).toBeNull();
  });

  it("takes precedence over the built-in data, but not over a decoder", () => {
    const db = parseTrackerDb({
      categories: { Content: [{ "Renamed CDN": { "https://x/": ["cloudflare.com"] } }] },
    });
    expect(
      attributeRequest("https://cdnjs.cloudflare.com/x.js", "https://site.example/", null, db).entity,
    ).toBe("Renamed CDN");
    expect(
      attributeRequest("https://cdnjs.cloudflare.com/x.js", "https://site.example/", null, null).entity,
    ).toBe("Cloudflare CDN");
  });

  it("normalises company names to the contract's short names", () => {
    expect(
      [
        "Google LLC",
        "Facebook, Inc.",
        "ByteDance Ltd",
        "Twitter, Inc.",
        "Microsoft Corporation",
        "LinkedIn Corporation",
        "Acme GmbH",
      ].map(normaliseCompany),
    ).toEqual(["Google", "Meta", "ByteDance", "X", "Microsoft", "LinkedIn", "Acme"]);
  });
});

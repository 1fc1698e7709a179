import { describe, expect, it } from "vitest";
import { findingsForPage } from "../../src/analyze/findings.ts";
import { newCapturedRequest } from "../../src/capture/request.ts";
import type { CapturedRequest, PageForAnalysis } from "../../src/capture/types.ts";

const PAGE_URL = "https://www.clinic.example/";

function request(url: string, resourceType: string, over: Partial<CapturedRequest> = {}): CapturedRequest {
  return newCapturedRequest({
    requestId: String(Math.random()),
    targetKind: "page",
    url,
    method: "GET",
    resourceType,
    requestHeaders: { "user-agent": "Mozilla/5.0", referer: PAGE_URL },
    ...over,
  });
}

function page(requests: CapturedRequest[]): PageForAnalysis {
  return {
    pageUrl: PAGE_URL,
    title: "Clinic",
    content: { headings: [], description: null, text: "" },
    requests,
    cookies: [],
    storage: [],
  };
}

describe("a tracker whose script was only downloaded", () => {
  it("is recorded as script_loaded, not as having received data", () => {
    const findings = findingsForPage(
      page([
        request("https://connect.facebook.net/en_US/fbevents.js", "script"),
        request("https://connect.facebook.net/signals/config/123456789?v=2.9.170&r=stable", "script"),
        request("https://static.hotjar.com/c/hotjar-3456789.js?sv=6", "script"),
      ]),
    );
    const meta = findings.find((f) => f.entity === "Meta");
    expect(meta).toMatchObject({ kind: "script_loaded", pixelIds: ["123456789"], events: [] });
    expect(findings.find((f) => f.entity === "Hotjar")?.kind).toBe("script_loaded");
  });

  it("becomes data as soon as one beacon follows the script", () => {
    const findings = findingsForPage(
      page([
        request("https://connect.facebook.net/signals/config/123456789?v=2.9.170&r=stable", "script"),
        request(
          `https://www.facebook.com/tr/?id=123456789&ev=PageView&dl=${encodeURIComponent(PAGE_URL)}&fbp=fb.1.1733000000000.1234567890`,
          "image",
        ),
      ]),
    );
    const meta = findings.find((f) => f.entity === "Meta");
    expect(meta).toMatchObject({ kind: "data", events: ["PageView"], requests: 2 });
    expect(meta?.dataShared).toContain("unique_id");
  });

  it("an undecoded script from a tracker host is a download; an undecoded pixel with the page is data", () => {
    const scriptOnly = findingsForPage(
      page([request("https://analytics.tiktok.com/i18n/pixel/static/identify_abc.js", "script")]),
    );
    expect(scriptOnly.length).toBeGreaterThan(0);
    for (const f of scriptOnly) expect(f.kind).toBe("script_loaded");
    const pixel = findingsForPage(
      page([request(`https://analytics.tiktok.com/unknown?u=${encodeURIComponent(PAGE_URL)}`, "image")]),
    );
    expect(pixel.find((f) => f.entity === "ByteDance")?.kind).toBe("data");
  });
});

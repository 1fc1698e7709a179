import { describe, expect, it } from "vitest";
import { analysePage, pageForAnalysis } from "../../src/analyze/analyze-page.ts";
import { boundCollected } from "../../src/capture/capture-hub.ts";
import type { PageCapture, SiteResult } from "../../src/capture/types.ts";
import { CrawlStore } from "../../src/store/crawl-store.ts";
import { exportRecords } from "../../src/store/reads/export.ts";
import { LIMITS } from "../../src/util/limits.ts";
import { tempDir } from "../helpers.ts";

function page(collected: Record<string, unknown>): PageCapture {
  return {
    depth: 0,
    requestedUrl: "https://www.example.org/",
    finalUrl: "https://www.example.org/",
    title: "Example",
    content: { headings: [], description: null, text: "" },
    consent: null,
    status: "ok",
    httpStatus: 200,
    error: null,
    startedAt: 1,
    endedAt: 2,
    requests: [],
    cookies: [],
    storage: [],
    webSockets: [],
    events: [],
    collected,
  };
}

describe("a collector without a table of its own", () => {
  it("has its output stored under its name, read back for analysis and exported", async () => {
    const store = await CrawlStore.open(tempDir());
    try {
      await store.addSites([{ site: "www.example.org", inputUrl: "https://www.example.org/", rank: null }]);
      const [row] = await store.sitesToCrawl();
      const output = { beacons: [{ url: "https://t.example/x", sent: 3 }], note: "ünïcode" };
      const result: SiteResult = {
        site: "www.example.org",
        inputUrl: "https://www.example.org/",
        finalUrl: "https://www.example.org/",
        status: "ok",
        error: null,
        errorDetail: null,
        pages: [page({ "service-workers": output })],
        startedAt: 1,
        endedAt: 2,
      };
      await store.writeSite(row?.id ?? 0, result, [
        analysePage(pageForAnalysis(result.pages[0] as PageCapture)),
      ]);
      const records = [];
      for await (const r of exportRecords(store, "collected")) records.push(r);
      expect(records).toEqual([
        {
          site: "www.example.org",
          pageUrl: "https://www.example.org/",
          collector: "service-workers",
          data: output,
        },
      ]);
      const pageId = (await store.sql.get<{ id: number }>("SELECT id FROM pages"))?.id ?? 0;
      expect((await store.loadPage(pageId, "https://www.example.org/")).collected).toEqual({
        "service-workers": output,
      });
      // Crawling the site again replaces what the first attempt stored.
      await store.writeSite(row?.id ?? 0, { ...result, pages: [page({ other: 1 })] });
      const again = [];
      for await (const r of exportRecords(store, "collected")) again.push(r.collector);
      expect(again).toEqual(["other"]);
    } finally {
      await store.close();
    }
  });

  it("is bounded: output over the limit is replaced by a note of its size, and the page says so", () => {
    const big = page({ small: { ok: true }, huge: "x".repeat(LIMITS.collectedBytes + 10) });
    boundCollected(big);
    expect(big.collected?.small).toEqual({ ok: true });
    expect(big.collected?.huge).toEqual({ truncated: true, length: LIMITS.collectedBytes + 12 });
    expect(big.events.map((e) => e.kind)).toEqual(["limit_reached"]);
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeSyntheticCrawl } from "../../bench/synthetic-crawl.ts";
import { CrawlStore } from "../../src/store/crawl-store.ts";
import { exportRecords, writeExport } from "../../src/store/reads/export.ts";
import { tempDir } from "../helpers.ts";

describe("the site × company matrix", () => {
  let store: CrawlStore;

  beforeAll(async () => {
    const dir = tempDir();
    await writeSyntheticCrawl(dir, 60, 11);
    store = await CrawlStore.open(dir);
  });

  afterAll(() => store.close());

  it("has one row per site and company that received data, with what it received, as the findings say", async () => {
    const rows: Array<Record<string, unknown>> = [];
    for await (const r of exportRecords(store, "matrix")) rows.push(r);
    const pairs = await store.sql.all<{ site: string; entity: string; pages: number; sensitive: number }>(
      `SELECT s.site, f.entity, COUNT(DISTINCT f.page_id) AS pages,
         COUNT(DISTINCT CASE WHEN p.sensitive != '[]' THEN f.page_id END) AS sensitive
       FROM findings f JOIN sites s ON s.id = f.site_id JOIN pages p ON p.id = f.page_id
       WHERE f.kind = 'data' GROUP BY s.site, f.entity`,
    );
    expect(rows.length).toBe(pairs.length);
    expect(rows.length).toBeGreaterThan(60);
    const byKey = new Map(rows.map((r) => [`${r.site} ${r.entity}`, r]));
    for (const p of pairs) {
      const row = byKey.get(`${p.site} ${p.entity}`);
      expect(row?.pages, `${p.site} ${p.entity}`).toBe(Number(p.pages));
      expect(row?.sensitivePages, `${p.site} ${p.entity}`).toBe(Number(p.sensitive));
    }
    // Data types are the union over the company's findings on the site.
    const meta = rows.find((r) => r.entity === "Meta");
    const shared = await store.sql.all<{ data_shared: string }>(
      "SELECT f.data_shared FROM findings f JOIN sites s ON s.id = f.site_id WHERE s.site = ? AND f.entity = 'Meta' AND f.kind = 'data'",
      [String(meta?.site)],
    );
    const union = [...new Set(shared.flatMap((r) => JSON.parse(r.data_shared) as string[]))].sort();
    expect(meta?.dataShared).toEqual(union);
    expect(((meta?.pixelIds as string[] | undefined) ?? []).length).toBeGreaterThan(0);
    // A script merely downloaded (Hotjar's, in this crawl) is not data received.
    expect(rows.some((r) => r.entity === "Hotjar")).toBe(false);
  });

  it("writes as CSV with one header line and a line per row", async () => {
    const chunks: string[] = [];
    const out = {
      write: (t: string) => {
        chunks.push(t);
        return true;
      },
      once: () => {},
    } as unknown as NodeJS.WritableStream;
    const count = await writeExport(store, "matrix", "csv", out);
    const lines = chunks.join("").trim().split("\r\n");
    expect(lines[0]?.startsWith("site,entity,trackers,dataShared,pages,sensitivePages")).toBe(true);
    expect(lines.length).toBe(count + 1);
  });
});

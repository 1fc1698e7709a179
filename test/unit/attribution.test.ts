import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeSyntheticCrawl } from "../../bench/synthetic-crawl.ts";
import { parseTrackerDb, type TrackerDb } from "../../src/attribute/tracker-db.ts";
import { CrawlStore } from "../../src/store/crawl-store.ts";
import { exportRecords } from "../../src/store/reads/export.ts";
import { pageHar } from "../../src/store/reads/har-export.ts";
import { tempDir } from "../helpers.ts";

/** A user's tracker database that names the synthetic crawl's CDN host as a company the built-in one does not know. */
const USER_DB = parseTrackerDb({
  categories: {
    Advertising: [{ "Acme Audience": { "https://acme.example/": ["cdnjs.cloudflare.com"] } }],
  },
}) as TrackerDb;

describe("one attribution of a stored request, everywhere", () => {
  let store: CrawlStore;

  beforeAll(async () => {
    const dir = tempDir();
    await writeSyntheticCrawl(dir, 12, 3);
    store = await CrawlStore.open(dir);
  });

  afterAll(() => store.close());

  /** url → entity, as the requests export says, and as the HAR export says. */
  async function bothAnswers(trackerDb: TrackerDb | null) {
    const fromExport = new Map<string, unknown>();
    for await (const r of exportRecords(store, "requests", { trackerDb }))
      fromExport.set(`${r.pageUrl} ${r.url}`, r.entity);
    const fromHar = new Map<string, unknown>();
    const pages = await store.sql.all<{ id: number; url: string }>("SELECT id, url FROM pages ORDER BY id");
    for (const p of pages) {
      const har = await pageHar(store, p.id, "test", trackerDb);
      for (const e of har?.log.entries ?? []) fromHar.set(`${p.url} ${e.request.url}`, e._earshot.entity);
    }
    return { fromExport, fromHar };
  }

  it("the requests export and the HAR export agree on every request, with or without --tracker-db", async () => {
    for (const db of [null, USER_DB]) {
      const { fromExport, fromHar } = await bothAnswers(db);
      expect(fromExport.size).toBeGreaterThan(50);
      expect(fromHar.size).toBe(fromExport.size);
      for (const [key, entity] of fromExport) expect(fromHar.get(key), key).toBe(entity);
    }
  });

  it("a user's tracker database changes the answer in both exports alike", async () => {
    const { fromExport, fromHar } = await bothAnswers(USER_DB);
    const cdn = [...fromExport].filter(([key]) => key.includes("cdnjs.cloudflare.com"));
    expect(cdn.length).toBeGreaterThan(0);
    for (const [key, entity] of cdn) {
      expect(entity, key).toBe("Acme Audience");
      expect(fromHar.get(key), key).toBe("Acme Audience");
    }
    const builtIn = await bothAnswers(null);
    for (const [key] of cdn) expect(builtIn.fromExport.get(key)).not.toBe("Acme Audience");
  });
});

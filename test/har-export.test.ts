import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { har as validateHar } from "har-validator";
import { beforeAll, describe, expect, it } from "vitest";
import { openDb, runEarshot, tempDir } from "./helpers.ts";

interface HarFile {
  log: {
    pages: Array<{ id: string; title: string }>;
    entries: Array<{
      pageref: string;
      request: { method: string; url: string; postData?: { text: string }; cookies: Array<{ name: string }> };
      response: { status: number };
      _earshot: { party: string; entity: string | null; tracker: string | null };
    }>;
  };
}

describe("exports: HAR per page, every table", () => {
  let out: string;

  beforeAll(async () => {
    out = tempDir();
    const demo = await runEarshot(["demo", "--out", out, "--quiet"]);
    expect(demo.code, demo.stderr).toBe(0);
  });

  it("writes one valid HAR 1.2 file per page, holding every request of that page", async () => {
    const harDir = join(out, "har");
    const r = await runEarshot(["export", out, "--har", harDir]);
    expect(r.code, r.stderr).toBe(0);
    const db = openDb(out);
    const pages = db
      .prepare(
        "SELECT s.site, p.url, (SELECT COUNT(*) FROM requests r WHERE r.page_id = p.id) AS n FROM pages p JOIN sites s ON s.id = p.site_id",
      )
      .all() as Array<{ site: string; url: string; n: number }>;
    db.close();
    const files = readdirSync(harDir, { recursive: true }).filter((f) => String(f).endsWith(".har"));
    expect(files.length).toBe(pages.length);
    for (const file of files) {
      const har = JSON.parse(readFileSync(join(harDir, String(file)), "utf8")) as HarFile;
      await expect(validateHar(har), String(file)).resolves.toBeTruthy();
      const site = String(file).split("/")[0];
      const page = pages.find((p) => p.site === site && har.log.entries.length === p.n);
      expect(page, `${file}: request count matches a page of ${site}`).toBeDefined();
      for (const e of har.log.entries) expect(e.pageref).toBe(har.log.pages[0]?.id);
    }
    // The clinic's booking page: the Meta Lead beacon with the hashed email, attributed, as evidence.
    const book = JSON.parse(
      readFileSync(join(harDir, "www.riverside-clinic.test", "03-book.har"), "utf8"),
    ) as HarFile;
    const lead = book.log.entries.find((e) => e.request.url.includes("ev=Lead"));
    expect(lead?._earshot).toMatchObject({ party: "third", entity: "Meta", tracker: "Meta Pixel" });
    expect(lead?.request.url).toContain("ud%5Bem%5D=");
    // The cookie the browser sent with it: Meta's own `fr` on facebook.com, set by the site's first
    // beacon (third-party cookies allowed, as Chrome ships to most people).
    expect(lead?.request.cookies.map((c) => c.name)).toEqual(["fr"]);
    // TikTok's pixel posts JSON: the body is in postData.
    const agency = JSON.parse(
      readFileSync(join(harDir, "benefits.state-agency.test", "01-home.har"), "utf8"),
    ) as HarFile;
    const pixel = agency.log.entries.find((e) =>
      e.request.url.startsWith("https://analytics.tiktok.com/api/v2/pixel"),
    );
    expect(pixel?.request.method).toBe("POST");
    expect(JSON.parse(pixel?.request.postData?.text ?? "{}")).toMatchObject({ event: "Pageview" });
  });

  it("exports every table as JSONL and CSV", async () => {
    for (const table of [
      "sites",
      "pages",
      "requests",
      "cookies",
      "findings",
      "storage",
      "events",
      "websockets",
    ]) {
      const jsonl = await runEarshot(["export", out, "--table", table]);
      expect(jsonl.code, `${table}: ${jsonl.stderr}`).toBe(0);
      const csv = await runEarshot(["export", out, "--table", table, "--format", "csv"]);
      expect(csv.code, `${table}: ${csv.stderr}`).toBe(0);
      const records = jsonl.stdout.split("\n").filter(Boolean);
      // The demo web uses neither WebSockets nor web storage; the capture tests cover those tables' content.
      if (table !== "websockets" && table !== "storage") expect(records.length, table).toBeGreaterThan(0);
      // One CSV line per record plus the header (no field of the demo holds a newline).
      expect(csv.stdout.split("\r\n").filter(Boolean).length, table).toBe(records.length + 1);
    }
    const events = (await runEarshot(["export", out, "--table", "events"])).stdout
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { pageUrl: string; kind: string; detail: string });
    expect(events).toContainEqual(
      expect.objectContaining({
        pageUrl: "https://www.riverside-clinic.test/book",
        kind: "interaction",
        detail: expect.stringMatching(/^clicked "Book appointment" \(.+\)$/),
      }),
    );
    const pages = (await runEarshot(["export", out, "--table", "pages"])).stdout
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(pages.every((p) => "consent" in p)).toBe(true);
  });

  it("refuses --har together with --table", async () => {
    const r = await runEarshot(["export", out, "--har", join(out, "x"), "--table", "sites"]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
  });
});

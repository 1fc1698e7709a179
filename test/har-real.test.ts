/**
 * Importing real captures written by another tool (The Markup's Blacklight scans, chrome-har HARs:
 * `../shared/data/real-hars/`), judged against that tool's own report of the same visit: its pages,
 * its Meta pixel events and the tracker requests it flagged.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { attributeRequest } from "../src/attribute/attribute-request.ts";
import { decodeRequest, decoderInput } from "../src/decode/index.ts";
import { exportRows, openDb, runEarshot, tempDir } from "./helpers.ts";

const ROOT = join(import.meta.dirname, "..", "..", "shared", "data", "real-hars", "markup-nonprofit-2021");
const captures = existsSync(ROOT)
  ? readdirSync(ROOT).filter((d) => existsSync(join(ROOT, d, "requests.har")))
  : [];

interface Inspection {
  uri_ins: string;
  browsing_history: string[];
  reports: {
    fb_pixel_events: Array<{ raw: string; eventName: string; pageUrl: string }>;
    third_party_trackers: Array<{ url: string }>;
  };
}

type RequestRow = { site: string; pageUrl: string; url: string; entity: string | null };
type FindingRow = { site: string; pageUrl: string; entity: string; pixelIds: string[]; events: string[] };

const read = <T>(path: string): T => JSON.parse(readFileSync(path, "utf8")) as T;

describe.skipIf(captures.length === 0)("importing real Blacklight captures (chrome-har)", () => {
  let out: string;
  let stderr: string;
  let requests: RequestRow[];
  let findings: FindingRow[];

  beforeAll(async () => {
    out = tempDir();
    // All together, as an investigation imports them: no capture may displace another.
    const run = await runEarshot([
      "import",
      ...captures.map((d) => join(ROOT, d, "requests.har")),
      "--out",
      out,
    ]);
    expect(run.code, run.stderr).toBe(0);
    stderr = run.stderr;
    requests = await exportRows<RequestRow>(out, "requests");
    findings = await exportRows<FindingRow>(out, "findings");
  }, 120_000);

  it.each(captures)(
    "%s: Blacklight's pages are the pages of one site, and every entry is a request",
    (name) => {
      const inspection = read<Inspection>(join(ROOT, name, "inspection.json"));
      const entries = read<{ log: { entries: unknown[] } }>(join(ROOT, name, "requests.har")).log.entries
        .length;
      const site = new URL(inspection.uri_ins).hostname;
      const pages = pagesOf(out, site);
      expect(
        pages.map((p, i) => (p.requested === inspection.browsing_history[i] ? p.requested : p.url)),
      ).toEqual(inspection.browsing_history);
      expect(requests.filter((r) => r.site === site)).toHaveLength(entries);
      console.log(`${name}: ${pages.length} pages of ${site}, ${entries} of ${entries} entries imported`);
    },
  );

  it("files nothing under a frame's host: one site per capture", async () => {
    const sites = await exportRows<{ site: string }>(out, "sites");
    expect(sites.map((s) => s.site).sort()).toEqual(
      captures
        .map((d) => new URL(read<Inspection>(join(ROOT, d, "inspection.json")).uri_ins).hostname)
        .sort(),
    );
    expect(stderr).toMatch(/frame documents kept as frames/);
  });

  it.each(captures)(
    "%s: every Meta event Blacklight decoded is a Meta finding on the page that sent it",
    (name) => {
      const inspection = read<Inspection>(join(ROOT, name, "inspection.json"));
      const site = new URL(inspection.uri_ins).hostname;
      let found = 0;
      for (const event of inspection.reports.fb_pixel_events) {
        const id = new URL(event.raw).searchParams.get("id");
        const sent = requests.find((r) => r.site === site && r.url === event.raw);
        expect(sent, event.raw).toBeDefined();
        // Blacklight's pageUrl is the beacon's `dl`: the page itself, or a frame inside it.
        const page = pagesOf(out, site).find((p) => p.requested === event.pageUrl || p.url === event.pageUrl);
        if (page) expect(sent?.pageUrl).toBe(page.url);
        const meta = findings.filter(
          (f) => f.site === site && f.pageUrl === sent?.pageUrl && f.entity === "Meta",
        );
        expect(
          meta.some((f) => f.pixelIds.includes(id ?? "") && f.events.includes(event.eventName)),
          `${id} ${event.eventName} on ${sent?.pageUrl}`,
        ).toBe(true);
        found++;
      }
      console.log(
        `${name}: ${found} of ${inspection.reports.fb_pixel_events.length} Meta events found on their page`,
      );
    },
  );

  it.each(captures)(
    "%s: every tracker request Blacklight flagged, to a host Earshot knows, is attributed",
    (name) => {
      const inspection = read<Inspection>(join(ROOT, name, "inspection.json"));
      const site = new URL(inspection.uri_ins).hostname;
      let known = 0;
      let attributed = 0;
      for (const { url } of inspection.reports.third_party_trackers) {
        const stored = requests.filter((r) => r.site === site && r.url === url);
        if (stored.length === 0) continue;
        const input = decoderInput(url, "GET", null);
        const standalone = attributeRequest(url, inspection.uri_ins, input ? decodeRequest(input) : null);
        if (!standalone.entity) continue;
        known++;
        if (stored.every((r) => r.entity !== null)) attributed++;
      }
      expect(attributed).toBe(known);
      console.log(
        `${name}: ${attributed} of ${known} flagged requests to known hosts attributed (${inspection.reports.third_party_trackers.length} flagged)`,
      );
    },
  );
});

/** A site's imported pages: the address asked for (as Blacklight records it) and where it ended. */
function pagesOf(dir: string, site: string): Array<{ requested: string; url: string }> {
  const db = openDb(dir);
  const pages = db
    .prepare(
      "SELECT p.requested_url AS requested, p.url FROM pages p JOIN sites s ON s.id = p.site_id WHERE s.site = ? ORDER BY p.id",
    )
    .all(site) as Array<{ requested: string; url: string }>;
  db.close();
  return pages;
}

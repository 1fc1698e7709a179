/**
 * Issue 9, beyond cookies: fingerprinting scripts found by the published heuristics (in the page, a
 * cross-site frame and a worker, each with its company; a chart is not fingerprinting; the page
 * cannot tell it is watched), benign uses of the same APIs not accused (issue 22), session
 * recorders, and evidence screenshots.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FixtureWeb } from "../src/fixture-web/server.ts";
import {
  BENIGN_SCRIPTS,
  FINGERPRINTING_SITES,
  fingerprintingWeb,
  RECORDED_SITE,
} from "./fixtures/fingerprinting-web.ts";
import { crawlArgs, openDb, runEarshot, startWeb, tempDir } from "./helpers.ts";

describe("fingerprinting", () => {
  let web: FixtureWeb;
  let db: Database.Database;
  const out = tempDir();

  beforeAll(async () => {
    web = await startWeb(fingerprintingWeb());
    const result = await runEarshot([
      "crawl",
      ...FINGERPRINTING_SITES,
      ...crawlArgs(web, out, ["--pages-per-site", "1", "--dwell", "2", "--timeout", "20"]),
    ]);
    expect(result.code, result.stderr).toBe(0);
    db = openDb(out);
  }, 180_000);

  afterAll(async () => {
    db?.close();
    await web?.stop();
  });

  /** Fingerprints found on a site's pages: company, technique and the script that made it. */
  const fingerprints = (site: string) =>
    (
      db
        .prepare(
          "SELECT f.entity, f.identifiers, f.data_shared FROM findings f JOIN sites s ON s.id = f.site_id WHERE s.site = ?",
        )
        .all(site) as Array<{ entity: string; identifiers: string; data_shared: string }>
    ).flatMap((f) =>
      (JSON.parse(f.identifiers) as Array<{ name: string; source: string; value: string }>)
        .filter((i) => i.source === "generated")
        .map((i) => ({
          entity: f.entity,
          technique: i.name,
          script: i.value,
          shared: JSON.parse(f.data_shared),
        })),
    );

  it("names each fingerprinting script, its technique and its company", () => {
    const found = fingerprints("www.fp-shop.test")
      .map((f) => `${f.entity} | ${f.technique} | ${f.script}`)
      .sort();
    expect(found).toEqual(
      [
        "ThreatMetrix | canvas fingerprint | https://h.online-metrix.net/fp/tags.js",
        // In a cross-site frame, a renderer of its own.
        "ThreatMetrix | canvas fingerprint | https://h.online-metrix.net/fp/frame.js",
        "iovation | font fingerprint (canvas) | https://mpsnare.iesnare.com/snare.js",
        "Sift Science | audio fingerprint | https://cdn.siftscience.com/s.js",
        "PerimeterX | local IP address (WebRTC) | https://collector-px.pxi.pub/main.js",
        // The site's own worker, on an OffscreenCanvas.
        "fp-shop.test | canvas fingerprint | https://www.fp-shop.test/fp-worker.js",
      ].sort(),
    );
    for (const f of fingerprints("www.fp-shop.test")) expect(f.shared).toContain("unique_id");
  });

  it("does not take a chart for a fingerprint, though it records what the chart did", () => {
    expect(fingerprints("www.plain-chart.test")).toEqual([]);
    const facts = db
      .prepare(
        "SELECT sf.script_url, sf.facts FROM script_facts sf JOIN sites s ON s.id = sf.site_id WHERE s.site = 'www.plain-chart.test'",
      )
      .all() as Array<{ script_url: string; facts: string }>;
    const chart = facts.find((f) => f.script_url === "https://www.plain-chart.test/");
    expect(chart).toBeDefined();
    const reads = (
      JSON.parse(String(chart?.facts)) as { canvasReads: Array<{ width: number; interactive: boolean }> }
    ).canvasReads;
    expect(reads).toEqual([expect.objectContaining({ width: 400, interactive: true })]);
  });

  /** The facts recorded for one script on a site's pages. */
  const factsOf = (site: string, script: string) =>
    (
      db
        .prepare(
          "SELECT sf.facts FROM script_facts sf JOIN sites s ON s.id = sf.site_id WHERE s.site = ? AND sf.script_url = ?",
        )
        .all(site, script) as Array<{ facts: string }>
    ).map((r) => JSON.parse(r.facts) as Record<string, unknown>);

  it("accuses no benign use of canvas, audio or WebRTC, and still finds the fingerprinter beside each", () => {
    const found = ["www.letter-avatars.test", "www.music-player.test", "www.video-chat.test"].flatMap(
      (site) => fingerprints(site).map((f) => `${f.entity} | ${f.technique} | ${f.script}`),
    );
    expect(found.sort()).toEqual(
      [
        "ThreatMetrix | canvas fingerprint | https://h.online-metrix.net/fp/tags.js",
        "Sift Science | audio fingerprint | https://cdn.siftscience.com/s.js",
        "PerimeterX | local IP address (WebRTC) | https://collector-px.pxi.pub/main.js",
      ].sort(),
    );
    const falseFindings = found.filter((f) => BENIGN_SCRIPTS.some((script) => f.endsWith(` | ${script}`)));
    console.log(
      `fingerprinting: ${falseFindings.length} false findings from ${BENIGN_SCRIPTS.length} benign scripts; ${found.length - falseFindings.length} of 3 fingerprinters found beside them`,
    );
    expect(falseFindings).toEqual([]);

    // Each benign use was seen, and is told apart by what it did, not missed.
    const site = "www.letter-avatars.test";
    const reads = (script: string) =>
      factsOf(site, `https://${site}/${script}`).flatMap(
        (f) => f.canvasReads as Array<Record<string, unknown>>,
      );
    expect(reads("avatar.js")).toContainEqual(
      expect.objectContaining({ width: 64, chars: 2, textColors: 1 }),
    );
    expect(reads("badge.js")).toContainEqual(expect.objectContaining({ width: 32, derived: true }));
    expect(reads("identicon.js")).toContainEqual(
      expect.objectContaining({ width: 80, chars: 0, textColors: 0 }),
    );
    expect(reads("wp-emoji.js")).toContainEqual(expect.objectContaining({ width: 300, chars: 0 }));
    const [visualiser] = factsOf("www.music-player.test", "https://www.music-player.test/visualiser.js");
    expect(visualiser?.audio).toMatchObject({ oscillator: true, analyser: true, read: true, offline: false });
    // Tone.js rendered a note offline (an oscillator, rendered, read back) and then played it aloud.
    const tone = factsOf("www.music-player.test", "https://www.music-player.test/tone.js");
    expect(tone.map((f) => f.audio)).toContainEqual(
      expect.objectContaining({ offline: true, oscillator: true, rendered: true, played: true }),
    );
    // So did standardized-audio-context, bundled as a site bundles it: rendered, read back, played.
    const chime = factsOf("www.music-player.test", "https://www.music-player.test/chime.js");
    expect(chime.map((f) => f.audio)).toContainEqual(
      expect.objectContaining({ offline: true, oscillator: true, rendered: true, read: true, played: true }),
    );
    const [call] = factsOf("www.video-chat.test", "https://www.video-chat.test/call.js");
    expect((call?.webrtc as { connections?: unknown[] } | undefined)?.connections).toEqual([
      { dataChannel: true, offer: true, iceHandler: true, answered: true },
      { dataChannel: false, offer: false, iceHandler: true, answered: true },
    ]);
  });

  it("is invisible to the page: native-looking functions, no new globals", () => {
    const beacon = db
      .prepare("SELECT url FROM requests WHERE url LIKE 'https://www.fp-shop.test/detect%'")
      .get() as {
      url: string;
    };
    expect(new URL(beacon.url).searchParams.get("signs")).toBe("none");
  });

  it("re-analyses the stored facts to the same findings", async () => {
    const before = fingerprints("www.fp-shop.test").length;
    const result = await runEarshot(["analyze", out]);
    expect(result.code, result.stderr).toBe(0);
    const again = openDb(out);
    const n = (
      again
        .prepare(
          "SELECT COUNT(*) AS n FROM findings f JOIN sites s ON s.id = f.site_id, json_each(f.identifiers) j WHERE s.site = 'www.fp-shop.test' AND json_extract(j.value, '$.source') = 'generated'",
        )
        .get() as { n: number }
    ).n;
    again.close();
    expect(n).toBe(before);
  });

  it("names a session recorder and flags what it recorded as it was typed", async () => {
    const recorded = tempDir();
    const result = await runEarshot([
      "crawl",
      RECORDED_SITE,
      ...crawlArgs(web, recorded, ["--pages-per-site", "1", "--dwell", "1", "--interact"]),
    ]);
    expect(result.code, result.stderr).toBe(0);
    const findings = (await runEarshot(["export", recorded, "--table", "findings"])).stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const fullstory = findings.find((f) => f.entity === "FullStory");
    expect(fullstory?.pixelIds).toEqual(["o-1ABC"]);
    expect(fullstory?.events).toEqual(["session_recording"]);
    expect(fullstory?.leaks).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ field: "email", encoding: "plain", keylogged: true }),
        expect.objectContaining({ field: "phone", keylogged: true }),
      ]),
    );
    expect(fullstory?.dataShared).toEqual(expect.arrayContaining(["unique_id", "email", "phone"]));

    // The page leaked personal data: its screenshot and HTML were kept, and the report links them.
    const evidenceDb = openDb(recorded);
    const pages = evidenceDb.prepare("SELECT url, evidence FROM pages").all() as Array<{
      url: string;
      evidence: string;
    }>;
    evidenceDb.close();
    const files = JSON.parse(String(pages[0]?.evidence)) as { screenshot: string; html: string };
    expect(files.screenshot).toMatch(/^evidence\/www\.recorded-clinic\.test\/01-home\.jpg$/);
    const jpeg = readFileSync(join(recorded, files.screenshot));
    expect([jpeg[0], jpeg[1]]).toEqual([0xff, 0xd8]);
    expect(jpeg.length).toBeGreaterThan(2000);
    expect(jpeg.length).toBeLessThan(1024 * 1024);
    expect(readFileSync(join(recorded, files.html), "utf8")).toContain("Ask a nurse");
    const report = await runEarshot(["report", recorded]);
    expect(report.code, report.stderr).toBe(0);
    expect(readFileSync(join(recorded, "report.html"), "utf8")).toContain(files.screenshot);
  });

  it("keeps the evidence of pages that fingerprinted, none where no finding needs it, every page's with --screenshots all", async () => {
    // No page is sensitive or asked for consent, and nothing was typed: a fingerprint is the reason.
    const kept = db
      .prepare(
        "SELECT s.site, p.evidence FROM pages p JOIN sites s ON s.id = p.site_id WHERE p.evidence IS NOT NULL",
      )
      .all() as Array<{ site: string; evidence: string }>;
    expect(kept.map((p) => p.site).sort()).toEqual(
      ["www.fp-shop.test", "www.letter-avatars.test", "www.music-player.test", "www.video-chat.test"].sort(),
    );
    for (const p of kept) {
      const files = JSON.parse(p.evidence) as { screenshot: string; html: string };
      expect(existsSync(join(out, files.screenshot)), files.screenshot).toBe(true);
      expect(existsSync(join(out, files.html)), files.html).toBe(true);
    }
    expect(existsSync(join(out, "evidence", "www.plain-chart.test"))).toBe(false);
    const all = tempDir();
    const result = await runEarshot([
      "crawl",
      "www.plain-chart.test",
      ...crawlArgs(web, all, ["--pages-per-site", "1", "--dwell", "0", "--screenshots", "all"]),
    ]);
    expect(result.code, result.stderr).toBe(0);
    expect(existsSync(join(all, "evidence", "www.plain-chart.test", "01-home.jpg"))).toBe(true);
    const bad = await runEarshot(["crawl", "www.plain-chart.test", "--screenshots", "some", "--out", all]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--screenshots must be all, evidence or none/);
  });
});

/**
 * Which scripts fingerprinted the browser, by the published heuristics applied to the facts the
 * capture recorded (`src/capture/fingerprint-script.ts`). Pure: re-run on a stored crawl.
 *
 * Canvas and canvas-font fingerprinting follow Englehardt & Narayanan, "Online Tracking: A
 * 1-million-site Measurement and Analysis" (CCS 2016), section 6.1; audio and WebRTC follow the same
 * paper's sections 6.3 and 6.4.
 */
import { attributeRequest } from "../attribute/attribute-request.ts";
import { registrableDomain } from "../attribute/party.ts";
import type { TrackerDb } from "../attribute/tracker-db.ts";
import type { ConsentRecord, PageScriptFacts } from "../capture/types.ts";
import { emptyFinding, type Finding, inVocabularyOrder, phaseOf } from "../decode/findings.ts";

export type Technique = "canvas" | "canvas_font" | "audio" | "webrtc";

/** The identifier a technique makes, as findings name it (source `generated`). */
export const TECHNIQUE_NAMES: Record<Technique, string> = {
  canvas: "canvas fingerprint",
  canvas_font: "font fingerprint (canvas)",
  audio: "audio fingerprint",
  webrtc: "local IP address (WebRTC)",
};

export interface FingerprintingScript {
  script: string;
  techniques: Technique[];
  /** Why, in a line per technique (sizes, counts), for the report. */
  evidence: string[];
  firstAt: number;
}

const MIN_CANVAS_SIDE = 16;
const MIN_CANVAS_CHARS = 10;
const MIN_CANVAS_COLORS = 2;
const MIN_FONTS = 50;

function callsTo(facts: PageScriptFacts, suffix: string): number {
  let n = 0;
  for (const [api, count] of Object.entries(facts.calls)) if (api.endsWith(suffix)) n += count;
  return n;
}

/** The techniques one script's facts show, with the evidence for each. */
export function techniquesOf(facts: PageScriptFacts): Array<{ technique: Technique; evidence: string }> {
  const found: Array<{ technique: Technique; evidence: string }> = [];
  // Canvas: an image of at least 16x16 read out of a canvas with 10+ distinct characters or 2+
  // colours drawn on it, by a script that never saved, restored or listened to that canvas.
  const read = facts.canvasReads.find(
    (r) =>
      r.width >= MIN_CANVAS_SIDE &&
      r.height >= MIN_CANVAS_SIDE &&
      (r.chars >= MIN_CANVAS_CHARS || r.colors >= MIN_CANVAS_COLORS) &&
      !r.interactive,
  );
  if (read) {
    found.push({
      technique: "canvas",
      evidence: `${read.api} of a ${read.width}x${read.height} canvas with ${read.chars} distinct characters and ${read.colors} colours drawn`,
    });
  }
  // Canvas fonts: text measured in 50 or more fonts.
  const measured = callsTo(facts, ".measureText");
  if (facts.fonts >= MIN_FONTS && measured >= MIN_FONTS) {
    found.push({
      technique: "canvas_font",
      evidence: `${facts.fonts} fonts set, text measured ${measured} times`,
    });
  }
  // Audio: an oscillator through a compressor or analyser, rendered and read back.
  const a = facts.audio;
  if (a.context && a.oscillator && (a.compressor || a.analyser) && a.read) {
    found.push({
      technique: "audio",
      evidence: `an oscillator through ${a.compressor ? "a compressor" : "an analyser"}, its output read back`,
    });
  }
  // WebRTC: a data channel and an offer on a connection whose ICE candidates are listened to.
  const w = facts.webrtc;
  if (w.connection && w.dataChannel && w.offer && w.iceHandler) {
    found.push({
      technique: "webrtc",
      evidence: "a peer connection with a data channel and an offer, its ICE candidates read",
    });
  }
  return found;
}

/** Scripts that fingerprinted, each once however many documents it ran in. */
export function fingerprintingScripts(facts: PageScriptFacts[]): FingerprintingScript[] {
  const byScript = new Map<string, FingerprintingScript>();
  for (const f of facts) {
    for (const { technique, evidence } of techniquesOf(f)) {
      let entry = byScript.get(f.script);
      if (!entry) {
        entry = { script: f.script, techniques: [], evidence: [], firstAt: f.firstAt };
        byScript.set(f.script, entry);
      }
      entry.firstAt = Math.min(entry.firstAt, f.firstAt);
      if (!entry.techniques.includes(technique)) {
        entry.techniques.push(technique);
        entry.evidence.push(evidence);
      }
    }
  }
  return [...byScript.values()];
}

/**
 * Adds each fingerprinting script to the page's findings: to its company's finding when the company
 * already has one for the same consent phase, else as a finding of its own. A fingerprint is a
 * persistent identifier the browser itself yields: `unique_id`, source `generated`, named by the
 * technique, with the script's address as its value.
 */
export function addFingerprintingFindings(
  findings: Finding[],
  page: { pageUrl: string; consent?: ConsentRecord | null; scripts?: PageScriptFacts[] },
  trackerDb: TrackerDb | null,
): Finding[] {
  for (const fp of fingerprintingScripts(page.scripts ?? [])) {
    const who = attributeRequest(fp.script, page.pageUrl, null, trackerDb);
    // The site's own script, or one no database knows: named by its domain.
    const entity = who.entity ?? registrableDomain(fp.script) ?? "unknown";
    const tracker = who.tracker ?? entity;
    const phase = phaseOf(page.consent ?? null, fp.firstAt);
    let finding = findings.find((f) => f.entity === entity && f.tracker === tracker && f.phase === phase);
    if (!finding) {
      finding = emptyFinding(entity, tracker, phase);
      findings.push(finding);
    }
    finding.dataShared = inVocabularyOrder([...finding.dataShared, "unique_id"]);
    for (const technique of fp.techniques) {
      const name = TECHNIQUE_NAMES[technique];
      if (!finding.identifiers.some((i) => i.name === name && i.value === fp.script))
        finding.identifiers.push({ name, source: "generated", value: fp.script });
    }
  }
  return findings;
}

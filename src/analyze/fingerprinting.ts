/**
 * Which scripts fingerprinted the browser, by the published heuristics applied to the facts the
 * capture recorded (`src/capture/fingerprint-script.ts`). Pure: re-run on a stored crawl.
 *
 * Canvas and canvas-font fingerprinting follow Englehardt & Narayanan, "Online Tracking: A
 * 1-million-site Measurement and Analysis" (CCS 2016), section 6.1; audio and WebRTC follow the same
 * paper's sections 6.3 and 6.4, narrowed as later work (Iqbal et al., FP-Inspector, S&P 2021) found
 * benign uses: images made from images, live audible audio, connections that reach a peer.
 */
import { attributeRequest } from "../attribute/attribute-request.ts";
import { registrableDomain } from "../attribute/party.ts";
import type { TrackerDb } from "../attribute/tracker-db.ts";
import type { CnameChains, ConsentRecord, PageScriptFacts } from "../capture/types.ts";
import { phaseOf } from "../classify/consent-state.ts";
import type { Finding } from "../derived/types.ts";
import { emptyFinding, inVocabularyOrder } from "./findings.ts";

export type Technique = "canvas" | "canvas_font" | "audio" | "webrtc";

/** The identifier a technique makes, as findings name it (source `generated`). */
export const TECHNIQUE_NAMES: Record<Technique, string> = {
  canvas: "canvas fingerprint",
  canvas_font: "font fingerprint (canvas)",
  audio: "audio fingerprint",
  webrtc: "local IP address (WebRTC)",
};

const FINGERPRINT_NAMES = new Set(Object.values(TECHNIQUE_NAMES));

/** Whether a finding's identifier is a fingerprint this analysis added. */
export function isFingerprint(identifier: { name: string; source: string }): boolean {
  return identifier.source === "generated" && FINGERPRINT_NAMES.has(identifier.name);
}

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

type CanvasRead = PageScriptFacts["canvasReads"][number];

/**
 * Canvas: an image of at least 16x16 read out of a canvas with text in 2+ colours or 10+ distinct
 * letters, digits and punctuation drawn on it, never saved, restored or listened to (a drawing
 * app), and not made from another image (a badge on a favicon, a resized photo). Avatars with two
 * initials, identicons without text and emoji-support probes do not qualify.
 */
function isCanvasProbe(r: CanvasRead): boolean {
  const textColors = r.textColors ?? r.colors;
  return (
    r.width >= MIN_CANVAS_SIDE &&
    r.height >= MIN_CANVAS_SIDE &&
    (r.chars >= MIN_CANVAS_CHARS || textColors >= MIN_CANVAS_COLORS) &&
    !r.interactive &&
    r.derived !== true
  );
}

/**
 * Audio: an oscillator rendered where nobody hears it (an OfflineAudioContext, or a live graph with
 * its gain at zero) and its output read back. A visualiser reading an analyser on a live, audible
 * context is not a probe. Captures made before the offline and muted facts were recorded keep the
 * earlier rule (an oscillator through a compressor or analyser, read back). A script that sends sound
 * to a live context's speakers (starts a buffer there, or connects to its destination) makes music.
 */
function isAudioProbe(a: PageScriptFacts["audio"]): boolean {
  if (!a.context || !a.oscillator || !a.read) return false;
  if (a.offline === undefined) return a.compressor || a.analyser;
  // Rendered offline and then played aloud (Tone.js's Offline, then a Player): music, not a probe.
  const offlineProbe = a.offline && a.rendered === true && a.played !== true;
  // A live graph muted at its gain, with what probes use: it reaches its destination, and is not heard.
  const mutedProbe = a.silenced === true && (a.compressor || a.analyser);
  return offlineProbe || mutedProbe;
}

/**
 * WebRTC: an offer made on a connection whose ICE candidates are listened to, and which never gets
 * a remote description: the candidates (local addresses) were the point, not a call.
 */
function isWebrtcProbe(w: PageScriptFacts["webrtc"]): boolean {
  if (!w.connection) return false;
  if (w.connections === undefined) return w.dataChannel && w.offer && w.iceHandler;
  return w.connections.some((c) => c.offer && c.iceHandler && !c.answered);
}

/** The techniques one script's facts show, with the evidence for each. */
export function techniquesOf(facts: PageScriptFacts): Array<{ technique: Technique; evidence: string }> {
  const found: Array<{ technique: Technique; evidence: string }> = [];
  const read = facts.canvasReads.find(isCanvasProbe);
  if (read) {
    found.push({
      technique: "canvas",
      evidence: `${read.api} of a ${read.width}x${read.height} canvas with ${read.chars} distinct characters in ${read.textColors ?? read.colors} colours`,
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
  const a = facts.audio;
  if (isAudioProbe(a)) {
    found.push({
      technique: "audio",
      evidence: `an oscillator ${a.offline ? "rendered offline" : "in a muted graph"}, its output read back`,
    });
  }
  if (isWebrtcProbe(facts.webrtc)) {
    found.push({
      technique: "webrtc",
      evidence: "a peer connection's ICE candidates read after an offer, with no remote peer ever set",
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
  page: {
    pageUrl: string;
    consent?: ConsentRecord | null;
    scripts?: PageScriptFacts[];
    cnames?: CnameChains;
  },
  trackerDb: TrackerDb | null,
): Finding[] {
  for (const fp of fingerprintingScripts(page.scripts ?? [])) {
    const who = attributeRequest(fp.script, page.pageUrl, null, trackerDb, page.cnames ?? null);
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

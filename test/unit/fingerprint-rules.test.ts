/**
 * Issue 22: the fingerprinting heuristics on stored facts, without a browser: what makes a canvas,
 * audio or WebRTC use a fingerprint, and what keeps a benign one from being accused.
 */
import { describe, expect, it } from "vitest";
import { techniquesOf } from "../../src/analyze/fingerprinting.ts";
import type { PageScriptFacts } from "../../src/capture/types.ts";

const facts = (over: Partial<PageScriptFacts> = {}): PageScriptFacts => ({
  documentUrl: "https://www.example.test/",
  script: "https://cdn.example.test/a.js",
  calls: {},
  canvasReads: [],
  fonts: 0,
  audio: { context: false, oscillator: false, compressor: false, analyser: false, read: false },
  webrtc: { connection: false, dataChannel: false, offer: false, iceHandler: false },
  webglDebugInfo: false,
  firstAt: 0,
  ...over,
});
const techniques = (f: PageScriptFacts) => techniquesOf(f).map((t) => t.technique);

const read = { api: "HTMLCanvasElement.toDataURL", width: 240, height: 60, interactive: false };

describe("canvas", () => {
  it("takes text in two colours, or ten distinct characters, read out of a 16x16 canvas, for a fingerprint", () => {
    expect(techniques(facts({ canvasReads: [{ ...read, chars: 3, colors: 3, textColors: 2 }] }))).toEqual([
      "canvas",
    ]);
    expect(techniques(facts({ canvasReads: [{ ...read, chars: 24, colors: 1, textColors: 1 }] }))).toEqual([
      "canvas",
    ]);
  });

  it("does not count colours that only filled shapes: two initials on a coloured disc are an avatar", () => {
    expect(techniques(facts({ canvasReads: [{ ...read, chars: 2, colors: 2, textColors: 1 }] }))).toEqual([]);
  });

  it("ignores small canvases, images made from other images and drawing apps", () => {
    const probe = { ...read, chars: 24, colors: 2, textColors: 2 };
    expect(techniques(facts({ canvasReads: [{ ...probe, width: 15 }] }))).toEqual([]);
    expect(techniques(facts({ canvasReads: [{ ...probe, derived: true }] }))).toEqual([]);
    expect(techniques(facts({ canvasReads: [{ ...probe, interactive: true }] }))).toEqual([]);
  });

  it("reads captures made before text colours were recorded by the colours set", () => {
    expect(techniques(facts({ canvasReads: [{ ...read, chars: 2, colors: 2 }] }))).toEqual(["canvas"]);
  });
});

describe("audio", () => {
  const base = { context: true, oscillator: true, compressor: true, analyser: false, read: true };

  it("takes an oscillator rendered offline and read back for a fingerprint", () => {
    expect(techniques(facts({ audio: { ...base, offline: true, rendered: true, silenced: false } }))).toEqual(
      ["audio"],
    );
  });

  const live = { ...base, compressor: false, analyser: true, offline: false, rendered: false };

  it("takes one through an analyser in a muted live graph for a fingerprint", () => {
    expect(techniques(facts({ audio: { ...live, silenced: true } }))).toEqual(["audio"]);
  });

  it("does not accuse a visualiser: an analyser read on a live context that is heard", () => {
    expect(techniques(facts({ audio: { ...live, silenced: false } }))).toEqual([]);
  });

  it("does not accuse a music library that renders offline and then plays the result (Tone.js)", () => {
    // Tone's envelopes set gains to zero as they go: muted for a moment, and heard.
    const tone = { ...base, compressor: false, offline: true, rendered: true, silenced: true, played: true };
    expect(techniques(facts({ audio: tone }))).toEqual([]);
    // A muted live graph through a compressor reaches the speakers too, and is still a probe.
    expect(techniques(facts({ audio: { ...live, silenced: true, played: true } }))).toEqual(["audio"]);
  });

  it("needs the rendered output read back", () => {
    const audio = { ...base, read: false, offline: true, rendered: true, silenced: false };
    expect(techniques(facts({ audio }))).toEqual([]);
  });
});

describe("WebRTC", () => {
  const flags = { connection: true, dataChannel: true, offer: true, iceHandler: true };
  const peer = { dataChannel: true, offer: true, iceHandler: true, answered: false };

  it("takes ICE candidates read from a connection that never reaches a peer for a fingerprint", () => {
    expect(techniques(facts({ webrtc: { ...flags, connections: [peer] } }))).toEqual(["webrtc"]);
  });

  it("does not accuse a call: a connection given a remote description", () => {
    const connections = [
      { ...peer, answered: true },
      { dataChannel: false, offer: false, iceHandler: true, answered: true },
    ];
    expect(techniques(facts({ webrtc: { ...flags, connections } }))).toEqual([]);
  });

  it("finds the probe among a script's real calls, connection by connection", () => {
    expect(
      techniques(facts({ webrtc: { ...flags, connections: [{ ...peer, answered: true }, peer] } })),
    ).toEqual(["webrtc"]);
  });
});

/**
 * Fingerprinting capture: puts `fingerprint-script.ts` into every document and worker before it
 * runs, and gathers what each script did with the fingerprintable APIs, page by page.
 */
import { randomBytes } from "node:crypto";
import { clip } from "../util/bound.ts";
import { LIMITS } from "../util/limits.ts";
import type { CdpEvent } from "./cdp.ts";
import type { Collector, TargetSetup } from "./collector.ts";
import { type FactsMessage, fingerprintScript, type ScriptFacts } from "./fingerprint-script.ts";
import type { PageCapture, PageScriptFacts } from "./types.ts";

/** A fresh name per crawl process: a page cannot look for it, and it is gone before page scripts run. */
const BINDING = `__cdp_${randomBytes(6).toString("hex")}`;
const SCRIPT = fingerprintScript(BINDING);
const MAX_MESSAGE = 512 * 1024;

/** `EARSHOT_FINGERPRINTING=off` leaves the instrumentation out, to measure what it costs (`npm run bench`). */
const ENABLED = process.env.EARSHOT_FINGERPRINTING !== "off";

export const fingerprintSetup: TargetSetup = async (target, send) => {
  if (target.kind === "other" || !ENABLED) return;
  // Sent at once, not one reply after another: the target waits, paused, for the last, and
  // Chromium runs a session's commands in order. Bindings need the Runtime domain enabled on the
  // session that adds them; new-document scripts run only while its Page domain is enabled.
  const document = target.kind === "page" || target.kind === "iframe";
  await Promise.all([
    send("Runtime.enable"),
    send("Runtime.addBinding", { name: BINDING }),
    ...(document
      ? [send("Page.enable"), send("Page.addScriptToEvaluateOnNewDocument", { source: SCRIPT })]
      : // A worker is paused before its first line: the wrappers go in first.
        [send("Runtime.evaluate", { expression: SCRIPT })]),
  ]);
};

const bool = (v: unknown) => v === true;
const count = (v: unknown) => (typeof v === "number" && Number.isFinite(v) && v >= 0 ? Math.floor(v) : 0);

/** The page's message is as hostile as the page: keep well-formed, bounded facts only. */
function sanitise(raw: unknown): ScriptFacts | null {
  const f = (raw ?? {}) as Record<string, unknown>;
  if (typeof f.script !== "string") return null;
  const calls: Record<string, number> = {};
  for (const [api, n] of Object.entries((f.calls ?? {}) as Record<string, unknown>).slice(0, 60)) {
    if (/^[A-Za-z0-9.]{1,80}$/.test(api)) calls[api] = count(n);
  }
  const reads = Array.isArray(f.canvasReads) ? f.canvasReads.slice(0, 20) : [];
  const audio = (f.audio ?? {}) as Record<string, unknown>;
  const webrtc = (f.webrtc ?? {}) as Record<string, unknown>;
  return {
    script: clip(f.script, LIMITS.url) ?? "",
    calls,
    canvasReads: reads.map((r: Record<string, unknown>) => ({
      api: clip(String(r.api ?? ""), 80) ?? "",
      width: count(r.width),
      height: count(r.height),
      chars: count(r.chars),
      colors: count(r.colors),
      textColors: count(r.textColors),
      interactive: bool(r.interactive),
      derived: bool(r.derived),
    })),
    fonts: count(f.fonts),
    audio: {
      context: bool(audio.context),
      oscillator: bool(audio.oscillator),
      compressor: bool(audio.compressor),
      analyser: bool(audio.analyser),
      read: bool(audio.read),
      offline: bool(audio.offline),
      rendered: bool(audio.rendered),
      silenced: bool(audio.silenced),
      played: bool(audio.played),
    },
    webrtc: {
      connection: bool(webrtc.connection),
      dataChannel: bool(webrtc.dataChannel),
      offer: bool(webrtc.offer),
      iceHandler: bool(webrtc.iceHandler),
      connections: (Array.isArray(webrtc.connections) ? webrtc.connections.slice(0, 10) : []).map(
        (c: Record<string, unknown>) => ({
          dataChannel: bool(c?.dataChannel),
          offer: bool(c?.offer),
          iceHandler: bool(c?.iceHandler),
          answered: bool(c?.answered),
        }),
      ),
    },
    webglDebugInfo: bool(f.webglDebugInfo),
    firstAt: count(f.firstAt),
  };
}

/** Each document sends its scripts' facts as they grow; the latest message of a document wins. */
export class FingerprintCollector implements Collector {
  readonly name = "fingerprinting";
  private documents = new Map<string, FactsMessage>();

  onEvent(event: CdpEvent): void {
    if (event.method !== "Runtime.bindingCalled" || event.params.name !== BINDING) return;
    const payload = event.params.payload;
    if (typeof payload !== "string" || payload.length > MAX_MESSAGE) return;
    let message: Partial<FactsMessage>;
    try {
      message = JSON.parse(payload) as Partial<FactsMessage>;
    } catch {
      return;
    }
    if (typeof message.doc !== "string" || !Array.isArray(message.scripts)) return;
    if (!this.documents.has(message.doc) && this.documents.size >= 200) return;
    this.documents.set(message.doc, {
      doc: message.doc.slice(0, 40),
      url: clip(String(message.url ?? ""), LIMITS.url) ?? "",
      scripts: message.scripts
        .slice(0, LIMITS.fingerprintScripts)
        .map(sanitise)
        .filter((f): f is ScriptFacts => f !== null),
    });
  }

  preview(into: Partial<PageCapture>): void {
    const facts: PageScriptFacts[] = [];
    for (const document of this.documents.values()) {
      for (const script of document.scripts) facts.push({ documentUrl: document.url, ...script });
    }
    into.scripts = facts.slice(0, LIMITS.fingerprintScripts * 4);
  }

  async finishPage(page: PageCapture): Promise<void> {
    this.preview(page);
    this.documents = new Map();
  }
}

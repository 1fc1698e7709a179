/**
 * The in-page half of fingerprinting capture: JavaScript that runs first in every document and
 * worker, wraps the APIs fingerprinting scripts read (canvas, fonts, WebGL, audio, WebRTC, navigator,
 * screen) and reports, per calling script, the facts the published heuristics need. The decision
 * ("this script fingerprints") is made later, from the stored facts (`src/analyze/fingerprinting.ts`).
 *
 * Unseen by the page: the wrappers are Proxies of the originals, `Function.prototype.toString` says
 * `[native code]` for them, nothing is added to the page's globals (the CDP binding the facts travel
 * through is taken and deleted before any page script runs), and every wrapper returns exactly what
 * the original returns. Bounded: a few thousand recorded calls per API per document, then pass-through.
 */
import { LIMITS } from "../util/limits.ts";

/** What one script did with the fingerprintable APIs in one document, as the page reports it. */
export interface ScriptFacts {
  /** The calling script's URL (the document's own URL for inline scripts). */
  script: string;
  /** Calls per API (`CanvasRenderingContext2D.measureText`, `Navigator.userAgent`, ...). */
  calls: Record<string, number>;
  /** Each image read out of a canvas: its size and what had been drawn on it. */
  canvasReads: Array<{
    api: string;
    width: number;
    height: number;
    /** Distinct letters, digits and punctuation written with fillText/strokeText (emoji not counted). */
    chars: number;
    /** Distinct fill and stroke styles set. */
    colors: number;
    /** Distinct styles text was written in (absent in captures before it was recorded). */
    textColors?: number;
    /** save/restore or addEventListener were called on that canvas (a drawing app, not a probe). */
    interactive: boolean;
    /** Another image was drawn or put into the canvas (a badge on a favicon, a resized photo). */
    derived?: boolean;
  }>;
  /** Distinct fonts set on 2D contexts before measuring text. */
  fonts: number;
  audio: {
    context: boolean;
    oscillator: boolean;
    compressor: boolean;
    analyser: boolean;
    read: boolean;
    /** An OfflineAudioContext was made and rendered (`startRendering`). */
    offline?: boolean;
    rendered?: boolean;
    /** A gain was set to zero: a graph nobody hears. */
    silenced?: boolean;
    /**
     * Sound was sent to a live context's speakers (a buffer source started there, or a node connected
     * to its destination): a music library that renders offline and plays the result, not a probe.
     */
    played?: boolean;
  };
  webrtc: {
    connection: boolean;
    dataChannel: boolean;
    offer: boolean;
    iceHandler: boolean;
    /** Each connection the script made (the first few): a real one gets a remote description. */
    connections?: PeerConnectionFacts[];
  };
  /** Read the real GPU vendor or renderer through WEBGL_debug_renderer_info. */
  webglDebugInfo: boolean;
  /** When the script first touched one of these APIs (ms), for the consent phase. */
  firstAt: number;
}

/** What one script did with one peer connection. */
export interface PeerConnectionFacts {
  dataChannel: boolean;
  offer: boolean;
  iceHandler: boolean;
  /** setRemoteDescription was called: the connection was used to talk to a peer. */
  answered: boolean;
}

/** A batch as the page sends it: the document (or worker), its address, and its scripts' facts. */
export interface FactsMessage {
  doc: string;
  url: string;
  scripts: ScriptFacts[];
}

/** The script for a document or worker; `binding` is the CDP binding it reports through. */
export function fingerprintScript(binding: string): string {
  return `(() => {
  const G = globalThis;
  const send = G[${JSON.stringify(binding)}];
  if (typeof send !== "function") return;
  try { delete G[${JSON.stringify(binding)}]; } catch (e) {}
  const MAX_CALLS = 3000, MAX_SCRIPTS = ${LIMITS.fingerprintScripts}, MAX_READS = 20, MAX_FONTS = 1000, MAX_PEERS = 10;
  const doc = Math.random().toString(36).slice(2);
  const stringify = JSON.stringify, apply = Reflect.apply, construct = Reflect.construct, now = Date.now;
  const setTimeoutOriginal = G.setTimeout;
  const facts = new Map();
  const callsPerApi = new Map();
  const fontsByScript = new Map();
  const canvasState = new WeakMap();
  const peerState = new WeakMap();
  const gainParams = new WeakSet();
  // Emoji and invisible joiners are what emoji-support probes (WordPress's) draw: not counted.
  const COUNTED_CHAR = /[\\p{L}\\p{N}\\p{P}]/u;
  let dirty = false, scheduled = false;

  const flush = () => {
    scheduled = false;
    if (!dirty) return;
    dirty = false;
    const scripts = [];
    for (const f of facts.values()) {
      const fonts = fontsByScript.get(f.script);
      scripts.push({ ...f, fonts: fonts ? fonts.size : 0 });
    }
    try { send(stringify({ doc, url: String(G.location && G.location.href).slice(0, 2048), scripts })); } catch (e) {}
  };
  const changed = () => {
    dirty = true;
    if (!scheduled) {
      scheduled = true;
      // A worker paused at its start has no timers yet: take the page's when they exist.
      try { (setTimeoutOriginal || G.setTimeout)(flush, 1000); } catch (e) { scheduled = false; }
    }
  };
  try { G.addEventListener("pagehide", flush, true); G.addEventListener("visibilitychange", flush, true); } catch (e) {}

  const scriptUrl = () => {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 8;
    let stack = "";
    try { stack = String(new Error().stack || ""); } catch (e) {}
    Error.stackTraceLimit = limit;
    const lines = stack.split("\\n");
    for (let i = 1; i < lines.length; i++) {
      const m = /((?:https?|blob|chrome-extension):[^\\s()]+?)(?::\\d+){1,2}\\)?\\s*$/.exec(lines[i]);
      if (m) return m[1].slice(0, 2048);
    }
    return String(G.location && G.location.href).slice(0, 2048);
  };
  const factsOf = (script) => {
    let f = facts.get(script);
    if (!f) {
      if (facts.size >= MAX_SCRIPTS) return null;
      f = { script, calls: {}, canvasReads: [], fonts: 0,
        audio: { context: false, oscillator: false, compressor: false, analyser: false, read: false, offline: false, rendered: false, silenced: false, played: false },
        webrtc: { connection: false, dataChannel: false, offer: false, iceHandler: false, connections: [] },
        webglDebugInfo: false, firstAt: now() };
      facts.set(script, f);
    }
    return f;
  };
  // Counts the call against the calling script and hands back its facts (null past the bounds).
  const record = (api) => {
    const n = (callsPerApi.get(api) || 0) + 1;
    callsPerApi.set(api, n);
    if (n > MAX_CALLS) return null;
    const f = factsOf(scriptUrl());
    if (!f) return null;
    f.calls[api] = (f.calls[api] || 0) + 1;
    changed();
    return f;
  };

  // Wrappers look native: toString of a wrapper answers as the original would.
  const originals = new WeakMap();
  const fnToString = Function.prototype.toString;
  const toStringProxy = new Proxy(fnToString, {
    apply(target, self, args) { return apply(target, originals.get(self) || self, args); },
  });
  originals.set(toStringProxy, fnToString);
  try { Object.defineProperty(Function.prototype, "toString", { value: toStringProxy }); } catch (e) {}

  const wrap = (owner, name, before) => {
    if (!owner) return;
    const d = Object.getOwnPropertyDescriptor(owner, name);
    if (!d || typeof d.value !== "function") return;
    const original = d.value;
    const proxy = new Proxy(original, {
      apply(target, self, args) {
        try { before(self, args); } catch (e) {}
        return apply(target, self, args);
      },
    });
    originals.set(proxy, original);
    try { Object.defineProperty(owner, name, { ...d, value: proxy }); } catch (e) {}
  };
  const wrapAccessor = (owner, name, onGet, onSet) => {
    if (!owner) return;
    const d = Object.getOwnPropertyDescriptor(owner, name);
    if (!d || (!d.get && !d.set)) return;
    const next = { ...d };
    if (d.get && onGet) {
      const get = new Proxy(d.get, { apply(target, self, args) { try { onGet(self); } catch (e) {} return apply(target, self, args); } });
      originals.set(get, d.get);
      next.get = get;
    }
    if (d.set && onSet) {
      const set = new Proxy(d.set, { apply(target, self, args) { try { onSet(self, args[0]); } catch (e) {} return apply(target, self, args); } });
      originals.set(set, d.set);
      next.set = set;
    }
    try { Object.defineProperty(owner, name, next); } catch (e) {}
  };
  const wrapConstructor = (name, onConstruct) => {
    const original = G[name];
    if (typeof original !== "function") return;
    const proxy = new Proxy(original, {
      construct(target, args, newTarget) {
        try { onConstruct(args); } catch (e) {}
        return construct(target, args, newTarget === proxy ? target : newTarget);
      },
      apply(target, self, args) { return apply(target, self, args); },
    });
    originals.set(proxy, original);
    try { Object.defineProperty(G, name, { value: proxy, writable: true, configurable: true, enumerable: false }); } catch (e) {}
  };

  // Canvas: what is drawn (text, colours), whether it is an interactive canvas, and each read-out.
  const stateOf = (canvas) => {
    let s = canvasState.get(canvas);
    if (!s) { s = { chars: new Set(), colors: new Set(), textColors: new Set(), interactive: false, derived: false }; canvasState.set(canvas, s); }
    return s;
  };
  const canvasRead = (api, canvas, width, height) => {
    const f = record(api);
    if (!f || f.canvasReads.length >= MAX_READS || !canvas) return;
    const s = stateOf(canvas);
    f.canvasReads.push({ api, width, height, chars: s.chars.size, colors: s.colors.size, textColors: s.textColors.size, interactive: s.interactive, derived: s.derived });
  };
  for (const [Ctx, CanvasClass] of [
    [G.CanvasRenderingContext2D, G.HTMLCanvasElement],
    [G.OffscreenCanvasRenderingContext2D, G.OffscreenCanvas],
  ]) {
    if (!Ctx) continue;
    const P = Ctx.prototype;
    for (const name of ["fillText", "strokeText"]) {
      wrap(P, name, (ctx, args) => {
        const s = stateOf(ctx.canvas);
        for (const ch of String(args[0]).slice(0, 200)) if (COUNTED_CHAR.test(ch)) s.chars.add(ch);
        if (s.textColors.size < 100) s.textColors.add(String(name === "fillText" ? ctx.fillStyle : ctx.strokeStyle));
      });
    }
    for (const name of ["drawImage", "putImageData"]) wrap(P, name, (ctx) => { stateOf(ctx.canvas).derived = true; });
    for (const name of ["fillStyle", "strokeStyle"]) {
      wrapAccessor(P, name, null, (ctx, value) => { const s = stateOf(ctx.canvas); if (s.colors.size < 100) s.colors.add(String(value)); });
    }
    for (const name of ["save", "restore"]) wrap(P, name, (ctx) => { stateOf(ctx.canvas).interactive = true; });
    wrap(P, "getImageData", (ctx, args) => canvasRead(Ctx.name + ".getImageData", ctx.canvas, Math.abs(args[2] | 0), Math.abs(args[3] | 0)));
    wrap(P, "measureText", () => { record(Ctx.name + ".measureText"); });
    wrapAccessor(P, "font", null, (ctx, value) => {
      const f = record(Ctx.name + ".font");
      if (!f) return;
      let fonts = fontsByScript.get(f.script);
      if (!fonts) { fonts = new Set(); fontsByScript.set(f.script, fonts); }
      if (fonts.size < MAX_FONTS) fonts.add(String(value));
    });
    if (CanvasClass) {
      const C = CanvasClass.prototype;
      for (const name of ["toDataURL", "toBlob", "convertToBlob"]) {
        wrap(C, name, (canvas) => canvasRead(CanvasClass.name + "." + name, canvas, canvas.width, canvas.height));
      }
    }
  }
  // addEventListener on a canvas marks it interactive; on a peer connection, an ICE candidate handler.
  if (G.EventTarget) {
    wrap(G.EventTarget.prototype, "addEventListener", (target, args) => {
      if ((G.HTMLCanvasElement && target instanceof G.HTMLCanvasElement) || (G.OffscreenCanvas && target instanceof G.OffscreenCanvas)) stateOf(target).interactive = true;
      else if (G.RTCPeerConnection && target instanceof G.RTCPeerConnection && args[0] === "icecandidate") {
        rtcFlag("RTCPeerConnection.onicecandidate", "iceHandler", target);
      }
    });
  }

  // WebGL: parameters read, above all the real GPU behind WEBGL_debug_renderer_info.
  for (const GL of [G.WebGLRenderingContext, G.WebGL2RenderingContext]) {
    if (!GL) continue;
    wrap(GL.prototype, "getParameter", (gl, args) => {
      const f = record(GL.name + ".getParameter");
      if (f && (args[0] === 0x9245 || args[0] === 0x9246)) f.webglDebugInfo = true;
    });
    wrap(GL.prototype, "getExtension", () => { record(GL.name + ".getExtension"); });
  }

  // Audio: an oscillator through a compressor or analyser, rendered offline or muted, and read back.
  const audioFlag = (api, key) => { const f = record(api); if (f) f.audio[key] = true; };
  wrapConstructor("OfflineAudioContext", () => { const f = record("OfflineAudioContext"); if (f) f.audio.context = f.audio.offline = true; });
  wrapConstructor("AudioContext", () => audioFlag("AudioContext", "context"));
  if (G.BaseAudioContext) {
    const B = G.BaseAudioContext.prototype;
    wrap(B, "createOscillator", () => audioFlag("BaseAudioContext.createOscillator", "oscillator"));
    wrap(B, "createDynamicsCompressor", () => audioFlag("BaseAudioContext.createDynamicsCompressor", "compressor"));
    wrap(B, "createAnalyser", () => audioFlag("BaseAudioContext.createAnalyser", "analyser"));
  }
  // A gain's AudioParam is known when the script reads it, to tell when it mutes the graph.
  const gainDescriptor = G.GainNode && Object.getOwnPropertyDescriptor(G.GainNode.prototype, "gain");
  if (gainDescriptor && gainDescriptor.get) {
    const gainOf = gainDescriptor.get;
    wrapAccessor(G.GainNode.prototype, "gain", (node) => { gainParams.add(apply(gainOf, node, [])); }, null);
  }
  if (G.AudioParam) {
    const muted = (param, value) => { if (gainParams.has(param) && Number(value) === 0) audioFlag("GainNode.gain", "silenced"); };
    wrapAccessor(G.AudioParam.prototype, "value", null, (param, value) => muted(param, value));
    wrap(G.AudioParam.prototype, "setValueAtTime", (param, args) => muted(param, args[0]));
  }
  if (G.OfflineAudioContext) wrap(G.OfflineAudioContext.prototype, "startRendering", () => audioFlag("OfflineAudioContext.startRendering", "rendered"));
  if (G.AudioBuffer) wrap(G.AudioBuffer.prototype, "getChannelData", () => audioFlag("AudioBuffer.getChannelData", "read"));
  if (G.AnalyserNode) wrap(G.AnalyserNode.prototype, "getFloatFrequencyData", () => audioFlag("AnalyserNode.getFloatFrequencyData", "read"));
  const live = (node) => !!node && !!node.context && !(G.OfflineAudioContext && node.context instanceof G.OfflineAudioContext);
  if (G.AudioBufferSourceNode) wrap(G.AudioBufferSourceNode.prototype, "start", (node) => { if (live(node)) audioFlag("AudioBufferSourceNode.start", "played"); });
  if (G.AudioNode && G.AudioDestinationNode) wrap(G.AudioNode.prototype, "connect", (node, args) => { if (args[0] instanceof G.AudioDestinationNode && live(args[0])) audioFlag("AudioNode.connect", "played"); });

  // WebRTC: a connection, a data channel and an offer whose ICE candidates reveal local addresses,
  // recorded per connection too, since a connection that gets a remote description is a real call.
  const rtcFlag = (api, key, pc) => {
    const f = record(api);
    if (!f) return;
    if (key) f.webrtc[key] = true;
    if (!pc || typeof pc !== "object") return;
    let p = peerState.get(pc);
    if (!p) {
      p = { dataChannel: false, offer: false, iceHandler: false, answered: false };
      peerState.set(pc, p);
      if (f.webrtc.connections.length < MAX_PEERS) f.webrtc.connections.push(p);
    }
    if (key === "iceHandler" || key === "dataChannel" || key === "offer") p[key] = true;
    if (key === null) p.answered = true;
  };
  wrapConstructor("RTCPeerConnection", () => rtcFlag("RTCPeerConnection", "connection", null));
  if (G.RTCPeerConnection) {
    const R = G.RTCPeerConnection.prototype;
    wrap(R, "createDataChannel", (pc) => rtcFlag("RTCPeerConnection.createDataChannel", "dataChannel", pc));
    wrap(R, "createOffer", (pc) => rtcFlag("RTCPeerConnection.createOffer", "offer", pc));
    wrap(R, "setRemoteDescription", (pc) => rtcFlag("RTCPeerConnection.setRemoteDescription", null, pc));
    wrapAccessor(R, "onicecandidate", null, (pc) => rtcFlag("RTCPeerConnection.onicecandidate", "iceHandler", pc));
  }

  // Browser and screen properties, and font probing through the FontFaceSet.
  for (const [Owner, names] of [
    [G.Navigator, ["userAgent", "platform", "language", "languages", "hardwareConcurrency", "deviceMemory", "plugins", "mimeTypes", "webdriver", "maxTouchPoints", "vendor", "doNotTrack", "cookieEnabled", "userAgentData", "connection"]],
    [G.WorkerNavigator, ["userAgent", "platform", "language", "languages", "hardwareConcurrency", "deviceMemory", "userAgentData"]],
    [G.Screen, ["width", "height", "availWidth", "availHeight", "colorDepth", "pixelDepth"]],
  ]) {
    if (!Owner) continue;
    for (const name of names) wrapAccessor(Owner.prototype, name, () => { record(Owner.name + "." + name); }, null);
  }
  if (G.FontFaceSet) wrap(G.FontFaceSet.prototype, "check", () => { record("FontFaceSet.check"); });
})();`;
}

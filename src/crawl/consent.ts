import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { BrowserContext, Frame } from "playwright-core";
import type { ConsentRecord, PageConsent, PageEvent } from "../capture/types.ts";
import { withTimeout } from "../util/time.ts";
import type { CrawlSettings } from "./settings.ts";

/** What to do with banners: the `--consent` setting's choices, declared in `settings.ts`. */
export type ConsentMode = CrawlSettings["consent"];

// DuckDuckGo's autoconsent (MPL-2.0): its Playwright content script and rules for hundreds of
// consent platforms. The content script talks to us through a binding (see `prelude`).
const require = createRequire(import.meta.url);
const COMPACT_RULES = require.resolve("@duckduckgo/autoconsent/rules/compact-rules.json");
const FULL_RULES = require.resolve("@duckduckgo/autoconsent/rules/rules.json");
const loaded = new Map<string, string>();
function file(path: string): string {
  let text = loaded.get(path);
  if (text === undefined) {
    text = readFileSync(path, "utf8");
    loaded.set(path, text);
  }
  return text;
}
/** The messages the crawler needs; autoconsent's frequent state reports stay in the page. */
const FORWARDED = ["eval", "cmpDetected", "popupFound", "optInResult", "optOutResult", "autoconsentError"];
const BINDING = "__earshotConsent";

function configFor(mode: ConsentMode) {
  return {
    enabled: true,
    autoAction: mode === "accept" ? "optIn" : mode === "reject" ? "optOut" : null,
    disabledCmps: [],
    enablePrehide: false,
    detectRetries: 20,
    // The script runs in the page's main world: rule snippets run there at once, instead of a
    // round trip to the crawler for each (a binding call, an evaluation, a reply: several a page).
    isMainWorld: true,
    // Hiding a banner is not answering it: banners without a clicking rule go to the heuristic.
    enableCosmeticRules: false,
  };
}

const initScripts = new Map<ConsentMode, string>();
/** A frame smaller than this (CSS pixels², about 200 × 150) holds no consent banner. */
const MIN_FRAME_AREA = 30_000;
/**
 * autoconsent's content script for every frame, preceded by a prelude that answers its `init` in
 * the page itself, with the configuration and rules built in: sending ~250 KB of rules to every
 * frame over CDP, and every state report back, cost about a fifth of the crawl's throughput.
 * Compact rules are a third of the size but leave out opt-in steps, so accepting uses the full rules.
 */
function initScript(mode: ConsentMode): string {
  const known = initScripts.get(mode);
  if (known) return known;
  const rulesJson =
    mode === "accept"
      ? `{"autoconsent":${JSON.stringify(JSON.parse(file(FULL_RULES)).autoconsent)}}`
      : `{"compact":${file(COMPACT_RULES)}}`;
  const prelude = `(() => {
  const forwarded = new Set(${JSON.stringify(FORWARDED)});
  window.autoconsentSendMessage = (message) => {
    const type = message && message.type;
    if (type === "init") {
      setTimeout(() => window.autoconsentReceiveMessage && window.autoconsentReceiveMessage({
        type: "initResp", config: ${JSON.stringify(configFor(mode))}, rules: JSON.parse(${JSON.stringify(rulesJson)}),
      }), 0);
      return Promise.resolve();
    }
    if (forwarded.has(type) && typeof window.${BINDING} === "function") return window.${BINDING}(message);
    return Promise.resolve();
  };
})();
`;
  // Not in a top-level about:blank: that is the crawler's own page between two pages of a site.
  // Not in a frame too small to show a banner (ad slots, pixels, hidden frames): the rules are parsed
  // and run in every frame they are given, and most frames of a page are those.
  const script = `if (!(window === window.top && location.href === "about:blank") &&
    (window === window.top || window.innerWidth * window.innerHeight >= ${MIN_FRAME_AREA})) {
${prelude}(() => {
${file(join(dirname(COMPACT_RULES), "..", "dist", "autoconsent.playwright.js"))}
})(); }`;
  initScripts.set(mode, script);
  return script;
}

interface AutoconsentMessage {
  type: string;
  id?: string;
  code?: string;
  cmp?: string;
  result?: boolean;
  isCosmetic?: boolean;
  details?: unknown;
}

const STEP_MS = 5000;

// autoconsent clicks with element.click(), which makes untrusted events; the crawler's own clicks
// (--interact) are trusted. Recording the time of the last untrusted click dates the choice.
const CLICK_CLOCK = `addEventListener("click", (e) => { if (!e.isTrusted) window.__earshotConsentClick = Date.now(); }, true);`;

/**
 * What autoconsent did on the current page: a rule recognised the platform, found its banner, then
 * answered it (or failed).
 */
export type AutoconsentOnPage = "none" | "detected" | "found" | "answered" | "failed";

/**
 * The site's consent record, shared by its pages (a choice persists), and what happened on the page
 * being visited. `newPage` starts a page's own part of the record.
 */
export class ConsentWatch {
  autoconsent: AutoconsentOnPage = "none";
  /** When the crawler's choice on this page was clicked, by autoconsent or the heuristic. */
  choiceOnPage: number | null = null;
  constructor(
    readonly mode: ConsentMode,
    readonly record: ConsentRecord,
  ) {}

  newPage(): void {
    this.autoconsent = "none";
    this.choiceOnPage = null;
    this.record.page = { shown: false, detectedBy: null, where: null, control: null, bannerGone: null };
    this.record.apis = [];
  }

  /** This page's part of the record (always set once `newPage` ran). */
  get page(): PageConsent {
    if (!this.record.page) this.newPage();
    return this.record.page as PageConsent;
  }
}

/**
 * Detects consent banners in every frame of a site's context with autoconsent's rules and accepts,
 * rejects or leaves them (`--consent`). What happened goes into the watch's record and into page
 * events. Banners its rules do not know are left to `answerUnknownBanner`.
 */
export async function installConsent(
  context: BrowserContext,
  mode: ConsentMode,
  record: ConsentRecord,
  events: PageEvent[],
): Promise<ConsentWatch> {
  const watch = new ConsentWatch(mode, record);
  const note = (detail: string) =>
    events.push({ kind: "consent", detail: detail.slice(0, 500), at: Date.now() });
  const reply = (frame: Frame, message: string) =>
    withTimeout(
      frame.evaluate(`window.autoconsentReceiveMessage && autoconsentReceiveMessage(${message})`),
      STEP_MS,
      null,
    );
  await context.exposeBinding(BINDING, async (source, raw: unknown) => {
    const message = (raw ?? {}) as AutoconsentMessage;
    const frame = source.frame;
    switch (message.type) {
      case "eval": {
        const result = await withTimeout(frame.evaluate(String(message.code ?? "")), STEP_MS, false);
        await reply(
          frame,
          `{ id: ${JSON.stringify(String(message.id))}, type: "evalResp", result: ${JSON.stringify(result ?? false)} }`,
        );
        break;
      }
      case "cmpDetected":
        record.cmp ??= String(message.cmp ?? "unknown").slice(0, 100);
        if (watch.autoconsent === "none") watch.autoconsent = "detected";
        note(`detected ${record.cmp}`);
        break;
      case "popupFound": {
        record.promptAt ??= Date.now();
        const page = watch.page;
        // The heuristic may have found the same banner first: it keeps the page's record.
        if (page.detectedBy === null) {
          page.shown = true;
          page.detectedBy = "autoconsent";
          page.where = String(message.cmp ?? record.cmp ?? "unknown").slice(0, 100);
        }
        if (watch.autoconsent === "none") watch.autoconsent = "found";
        note(`banner shown by ${String(message.cmp ?? record.cmp ?? "unknown").slice(0, 100)}`);
        break;
      }
      case "optInResult":
      case "optOutResult": {
        // Date the choice by autoconsent's last click in the page, not by this message: the
        // trackers an "accept" releases start before the message reaches us.
        const clicked = await withTimeout(
          frame.evaluate("window.__earshotConsentClick || null"),
          STEP_MS,
          null,
        );
        const succeeded = message.result === true;
        watch.autoconsent = succeeded ? "answered" : "failed";
        if (succeeded) watch.choiceOnPage ??= typeof clicked === "number" ? clicked : Date.now();
        note(`${message.type === "optInResult" ? "accept" : "reject"} ${succeeded ? "succeeded" : "failed"}`);
        // A choice the heuristic made on this page stands; autoconsent's own failure does not undo it.
        if (watch.page.detectedBy === "heuristic" && watch.page.control !== null) break;
        record.choiceAt ??= typeof clicked === "number" ? clicked : Date.now();
        record.action = message.type === "optInResult" ? "accept" : "reject";
        record.succeeded = succeeded;
        break;
      }
      case "autoconsentError":
        note(`error: ${JSON.stringify(message.details ?? null).slice(0, 300)}`);
        break;
    }
  });
  await context.addInitScript(CLICK_CLOCK);
  await context.addInitScript(initScript(mode));
  return watch;
}

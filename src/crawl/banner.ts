import type { Frame, Page } from "playwright-core";
import { withTimeout } from "../util/time.ts";
import { type ConsentAnswer, consentAnswer } from "./consent-words.ts";

/**
 * A consent banner found without a rule for its platform, the way the research crawlers find them
 * (BannerClick, Priv-Accept): a visible fixed, sticky or dialog element (or a container named for
 * consent) in any frame or open shadow root, whose text speaks of cookies, consent, partners or
 * personal data, with controls that answer it.
 */
export interface Banner {
  frame: Frame;
  /** The `data-earshot-banner` mark the finder put on it. */
  ref: string;
  /** Where it is, for the record: `div#cookie-notice in https://…/` */
  where: string;
  /** The start of its text, for the record. */
  text: string;
  controls: BannerControl[];
  /** Ticked toggles (checkboxes, switches) inside it: what "save" would grant. */
  ticked: number;
}

export interface BannerControl {
  /** The `data-earshot-control` mark the finder put on it. */
  ref: string;
  label: string;
  /** Where it is, for the record: its tag, id or class, and two ancestors'. */
  where: string;
  answer: ConsentAnswer | null;
}

interface FoundInFrame {
  ref: string;
  where: string;
  text: string;
  ticked: number;
  controls: Array<{ ref: string; label: string; where: string }>;
}

const FIND_TIMEOUT_MS = 2000;
const MAX_FRAMES = 12;
const UNANSWERED = Symbol("unanswered");

/**
 * Finds banner candidates in one frame and marks them and their controls. A string, not a function:
 * the TypeScript loader wraps named functions in a helper the page lacks. Bounded: 20,000 elements
 * looked at, 4 candidates, 40 controls each.
 */
const FIND_IN_FRAME = `(() => {
  const STRONG = /cookie|consent|gdpr|rgpd|dsgvo|tracking|partner|personal data|personalised ads|personalized ads|einwillig|consentement|consentimiento|consenso|consentimento|toestemming|zgod|samtycke|samtykke|ciasteczk|kakor|données personnelles|datos personales|dati personali|dados pessoais|personenbezogen|persoonsgegevens|dane osobowe|personuppgifter|personoplysninger|rastreo|traceurs/i;
  const NAMED = /cookie|consent|gdpr|cmp|privacy-?banner|cc-banner|cc-window|tracking-?notice/i;
  const seq = (window.__earshotBannerSeq = (window.__earshotBannerSeq || 0) + 1);
  const roots = [document];
  const elements = [];
  for (let i = 0; i < roots.length && elements.length < 20000; i++) {
    const walker = document.createTreeWalker(roots[i], NodeFilter.SHOW_ELEMENT);
    for (let n = walker.nextNode(); n && elements.length < 20000; n = walker.nextNode()) {
      elements.push(n);
      if (n.shadowRoot) roots.push(n.shadowRoot);
    }
  }
  const shown = (el) => {
    const r = el.getBoundingClientRect();
    if (r.width < 8 || r.height < 8 || r.bottom < 0 || r.right < 0 || r.top > innerHeight || r.left > innerWidth) return false;
    return el.checkVisibility ? el.checkVisibility({ opacityProperty: true, visibilityProperty: true }) : true;
  };
  const describe = (el) => {
    const parts = [];
    for (let e = el; e && parts.length < 3; e = e.parentElement || (e.parentNode && e.parentNode.host) || null) {
      const cls = typeof e.className === "string" ? e.className.trim().split(/\\s+/)[0] : "";
      parts.unshift(e.tagName.toLowerCase() + (e.id ? "#" + e.id : cls ? "." + cls : ""));
    }
    return parts.join(" > ").slice(0, 200);
  };
  const deepText = (el) => {
    let text = el.innerText || el.textContent || "";
    const inner = el.querySelectorAll("*");
    for (let i = 0; i < inner.length && i < 3000 && text.length < 6000; i++)
      if (inner[i].shadowRoot) text += " " + (inner[i].shadowRoot.textContent || "");
    return text.replace(/\\s+/g, " ").trim();
  };
  const within = (el) => {
    const out = [];
    const stack = [el];
    while (stack.length && out.length < 4000) {
      const node = stack.pop();
      for (const child of node.children || []) { out.push(child); stack.push(child); }
      if (node.shadowRoot) for (const child of node.shadowRoot.children) { out.push(child); stack.push(child); }
    }
    return out;
  };
  const inFrame = window !== window.top;
  const candidates = [];
  for (const el of elements) {
    if (candidates.length >= 16) break;
    const tag = el.tagName;
    if (tag === "HTML" || tag === "HEAD" || tag === "SCRIPT" || tag === "STYLE" || tag === "BODY") continue;
    const role = el.getAttribute("role");
    const style = getComputedStyle(el);
    const overlay = style.position === "fixed" || style.position === "sticky" || role === "dialog" || role === "alertdialog" || tag === "DIALOG" || el.getAttribute("aria-modal") === "true";
    const named = NAMED.test(el.id + " " + (typeof el.className === "string" ? el.className : ""));
    if (!overlay && !named) continue;
    if (candidates.some((c) => c.contains(el))) continue;
    if (!shown(el)) continue;
    candidates.push(el);
  }
  // A banner served in its own frame is the frame's whole document.
  if (inFrame && candidates.length === 0 && document.body && shown(document.body)) candidates.push(document.body);
  const found = [];
  for (const el of candidates) {
    const text = deepText(el);
    if (text.length > 6000 || !STRONG.test(text)) continue;
    const b = seq + "-" + found.length;
    const controls = [];
    let ticked = 0;
    for (const c of within(el)) {
      if (c.matches('input[type=checkbox]:checked:not(:disabled), [role=switch][aria-checked=true], [role=checkbox][aria-checked=true]')) ticked++;
      if (controls.length >= 40) continue;
      if (!c.matches('button, a, [role=button], [role=link], input[type=button], input[type=submit], [onclick]')) continue;
      if (!shown(c)) continue;
      // An icon ("✓", "×") says less than the control's accessible name.
      const shownText = String(c.innerText || c.value || "").replace(/\\s+/g, " ").trim();
      const named = String(c.getAttribute("aria-label") || c.getAttribute("title") || "").replace(/\\s+/g, " ").trim();
      const label = (/\\p{L}{2}/u.test(shownText) || !named ? shownText : named).slice(0, 100);
      if (!label) continue;
      const ref = b + "-" + controls.length;
      c.setAttribute("data-earshot-control", ref);
      controls.push({ ref, label, where: describe(c) });
    }
    if (controls.length === 0) continue;
    el.setAttribute("data-earshot-banner", b);
    found.push({ ref: b, where: describe(el), text: text.slice(0, 300), ticked, controls });
    if (found.length >= 4) break;
  }
  return found;
})()`;

/** Every banner candidate in the page's frames, main frame first. */
export async function findBanners(page: Page): Promise<Banner[]> {
  if (page.isClosed()) return [];
  const frames = page.frames().slice(0, MAX_FRAMES);
  const found: Banner[] = [];
  for (const frame of frames) {
    const main = frame === page.mainFrame();
    if (!main && !(await frameShown(frame))) continue;
    const raw = (await withTimeout(frame.evaluate(FIND_IN_FRAME), FIND_TIMEOUT_MS, UNANSWERED)) as
      | FoundInFrame[]
      | typeof UNANSWERED;
    // A page that does not answer (a busy loop) would not answer in its other frames either.
    if (raw === UNANSWERED) {
      if (main) return [];
      continue;
    }
    for (const b of Array.isArray(raw) ? raw.slice(0, 4) : []) {
      found.push({
        frame,
        ref: String(b.ref),
        where: `${String(b.where).slice(0, 200)}${frame === page.mainFrame() ? "" : ` in frame ${frame.url().slice(0, 200)}`}`,
        text: String(b.text).slice(0, 300),
        ticked: Number(b.ticked) || 0,
        controls: (Array.isArray(b.controls) ? b.controls : []).slice(0, 40).map((c) => ({
          ref: String(c.ref),
          label: String(c.label).slice(0, 100),
          where: String(c.where).slice(0, 200),
          answer: consentAnswer(String(c.label)),
        })),
      });
    }
  }
  return found.filter((b) => b.controls.some((c) => c.answer !== null && c.answer !== "close"));
}

/**
 * Whether a candidate asks the consent question: something in it accepts or refuses. A lone "Cookie
 * settings" button left on screen after the choice does not; a settings panel need not (it may only save).
 */
export function asksConsent(banner: Banner): boolean {
  return banner.controls.some((c) => c.answer === "grant" || c.answer === "refuse");
}

/** Whether a child frame's element is on screen (a banner frame is; hidden ad frames are not). */
async function frameShown(frame: Frame): Promise<boolean> {
  if (frame.isDetached()) return false;
  const element = await withTimeout(frame.frameElement(), FIND_TIMEOUT_MS, null);
  if (!element) return false;
  const box = await withTimeout(element.boundingBox(), FIND_TIMEOUT_MS, null);
  await element.dispose().catch(() => {});
  return box !== null && box.width >= 50 && box.height >= 20;
}

/** The control to click for `want`: for an accept, "Accept all" before a plain "Accept". */
export function controlFor(banner: Banner, want: ConsentAnswer): BannerControl | null {
  const matching = banner.controls.filter((c) => c.answer === want);
  const all =
    /(?<!\p{L})(all|alle|alles|tout|tous|toutes|todo|todas|todos|tutto|tutti|tudo|wszystk\p{L}*|alla)(?!\p{L})/iu;
  return matching.find((c) => all.test(c.label)) ?? matching[0] ?? null;
}

/** Clicks a marked control as a visitor would (a trusted click), or in script when something covers it. */
export async function clickControl(banner: Banner, control: BannerControl): Promise<boolean> {
  const target = banner.frame.locator(`[data-earshot-control="${control.ref}"]`).first();
  const clicked = await withTimeout(
    target.click({ timeout: FIND_TIMEOUT_MS }).then(() => true),
    FIND_TIMEOUT_MS + 500,
    false,
  );
  if (clicked) return true;
  return withTimeout(
    target.evaluate((el) => (el as HTMLElement).click()).then(() => true),
    FIND_TIMEOUT_MS,
    false,
  );
}

/**
 * Sets every toggle in a banner's settings: off before saving a refusal, on before saving an accept.
 * Toggles that cannot change (strictly necessary) are disabled and left as they are.
 */
export async function setToggles(banner: Banner, on: boolean): Promise<number> {
  const changed = await withTimeout(
    banner.frame
      .locator(`[data-earshot-banner="${banner.ref}"]`)
      .first()
      .evaluate((root, wanted) => {
        let n = 0;
        const boxes = root.querySelectorAll(
          "input[type=checkbox]:not(:disabled), [role=switch]:not([aria-disabled=true]), [role=checkbox]:not([aria-disabled=true])",
        );
        for (const box of Array.from(boxes).slice(0, 200)) {
          const checked =
            box instanceof HTMLInputElement ? box.checked : box.getAttribute("aria-checked") === "true";
          if (checked === wanted) continue;
          (box as HTMLElement).click();
          n++;
        }
        return n;
      }, on),
    FIND_TIMEOUT_MS,
    0,
  );
  return typeof changed === "number" ? changed : 0;
}

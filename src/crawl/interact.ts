import type { Locator, Page } from "playwright-core";
import { getDomain } from "tldts";
import type { PageEvent } from "../capture/types.ts";
import { sleep, withTimeout } from "../util/time.ts";
import type { ConsentMode } from "./consent.ts";
import { consentAnswer } from "./consent-words.ts";
import type { Identity } from "./identity.ts";

const MAX_SCROLL_STEPS = 12;
const MAX_FORMS = 3;
const MAX_FIELDS = 20;
const MAX_CLICKS = 5;
const ACTION_TIMEOUT_MS = 2000;
/** After a scroll step or a click: on once no request has started for the first, at most the second. */
const SCROLL_QUIET_MS = 100;
const SCROLL_MAX_MS = 250;
const CLICK_QUIET_MS = 100;
const CLICK_MAX_MS = 300;
/** Whether the page may have a button (those in open shadow roots are only found by a locator). */
const ANY_BUTTON = `document.querySelector("button, [role=button]") !== null ||
  Array.prototype.some.call(document.querySelectorAll("*"), (el) => el.shadowRoot !== null)`;

/** Whether the page has a form field interaction may type into (hidden ones aside). */
const ANY_FIELD = `document.querySelector("form input:not([type=hidden]), form textarea") !== null`;

/** Resolves once no request has started for `quietMs`, or after `maxMs` (`SiteCapture.settle`). */
export type Settle = (quietMs: number, maxMs: number) => Promise<void>;

/** Which identity value a form field asks for, from its type, autocomplete, name, id, label and placeholder. */
export function valueForField(
  field: { type: string; autocomplete: string; hints: string },
  identity: Identity,
): string | null {
  const type = field.type.toLowerCase();
  const ac = field.autocomplete.toLowerCase();
  const hints = `${ac} ${field.hints}`.toLowerCase();
  if (
    [
      "hidden",
      "submit",
      "button",
      "image",
      "reset",
      "file",
      "checkbox",
      "radio",
      "password",
      "range",
      "color",
      "date",
    ].includes(type)
  ) {
    return null;
  }
  const zip = identity.address.match(/\b\d{5}(?:-\d{4})?\b/)?.[0] ?? "";
  if (type === "email" || /e-?mail/.test(hints)) return identity.email;
  if (type === "tel" || /phone|mobile|\btel\b|telephone/.test(hints)) return identity.phone;
  if (/given-name|first.?name|fname|forename/.test(hints)) return identity.firstName;
  if (/family-name|last.?name|lname|surname/.test(hints)) return identity.lastName;
  if (/postal|zip/.test(hints)) return zip;
  if (/street|address|addr/.test(hints)) return identity.address.split(",")[0] ?? identity.address;
  if (/\bname\b|full.?name|your-name/.test(hints)) return `${identity.firstName} ${identity.lastName}`;
  if (/search|query|\bq\b/.test(hints)) return null;
  if (type === "textarea") return `Hello, this is ${identity.firstName}.`;
  return null;
}

// Reads each fillable field's attributes and label text; returns them with an index for the locator.
const DESCRIBE_FIELDS = `(() => {
  const visible = (e) => { const r = e.getBoundingClientRect(); const s = getComputedStyle(e); return r.width > 0 && r.height > 0 && s.visibility !== "hidden" && s.display !== "none"; };
  const forms = Array.from(document.forms).filter(visible).slice(0, ${MAX_FORMS});
  return forms.map((form, f) => Array.from(form.querySelectorAll("input, textarea")).slice(0, ${MAX_FIELDS}).map((el, i) => {
    const label = el.labels && el.labels[0] ? el.labels[0].textContent : "";
    return { form: f, index: i, visible: visible(el) && !el.disabled && !el.readOnly,
      type: el.tagName === "TEXTAREA" ? "textarea" : (el.getAttribute("type") || "text"),
      autocomplete: el.getAttribute("autocomplete") || "",
      hints: [el.name, el.id, label, el.getAttribute("placeholder"), el.getAttribute("aria-label")].filter(Boolean).join(" ").slice(0, 300) };
  }));
})()`;

// Functions run in the page are written inline, without inner named functions: the TypeScript
// loader names those with a helper the page does not have.

/** Where a control is, for the record: its tag, id or first class, and those of two ancestors. */
function whereIs(control: Locator): Promise<string> {
  return control
    .evaluate((el) => {
      const parts: string[] = [];
      for (let e: Element | null = el; e && parts.length < 3; e = e.parentElement) {
        const cls = typeof e.className === "string" ? e.className.trim().split(/\s+/)[0] : "";
        parts.unshift(e.tagName.toLowerCase() + (e.id ? `#${e.id}` : cls ? `.${cls}` : ""));
      }
      return parts.join(" > ").slice(0, 200);
    })
    .catch(() => "");
}

/**
 * Whether an element sits in what looks like a consent dialog: a fixed, sticky or dialog ancestor,
 * or a consent platform's container, whose text speaks of cookies, consent or privacy (open shadow
 * roots are crossed to their host).
 */
function inConsentDialog(control: Locator): Promise<boolean> {
  return control
    .evaluate((el) => {
      const words =
        /cookie|consent|privacy|gdpr|rgpd|dsgvo|partners|datenschutz|confidentialit|privacidad|tracking|personal data|données|dati personali|dados pessoais|gegevens|prywatno|integritet|privatliv|samtykke|zgod|zustimm/i;
      const known =
        /onetrust|cookiebot|didomi|usercentrics|quantcast|trustarc|cookieyes|consent|cookie|cmp|gdpr|osano|iubenda|klaro|sp_message/i;
      let node: Node | null = el;
      for (let depth = 0; node && depth < 30; depth++) {
        if (node instanceof Element) {
          // Marked by the banner finder (src/crawl/banner.ts).
          if (node.hasAttribute("data-earshot-banner")) return true;
          const style = getComputedStyle(node);
          const role = node.getAttribute("role");
          const overlay =
            style.position === "fixed" ||
            style.position === "sticky" ||
            role === "dialog" ||
            role === "alertdialog" ||
            node.tagName === "DIALOG" ||
            node.getAttribute("aria-modal") === "true";
          const named = known.test(`${node.id} ${typeof node.className === "string" ? node.className : ""}`);
          if ((overlay || named) && words.test((node.textContent ?? "").slice(0, 5000))) return true;
        }
        node = node.parentNode ?? (node instanceof ShadowRoot ? node.host : null);
      }
      return false;
    })
    .catch(() => true);
}

/**
 * Why the crawler must not click a control when the visitor has not accepted (`reject`, `ignore`):
 * its label answers a consent question, or it sits in a consent dialog. Null when it may be clicked.
 */
async function consentGuard(control: Locator, label: string, consent: ConsentMode): Promise<string | null> {
  if (consent === "accept") return null;
  // "Save" and "Close" answer a consent question only inside its dialog (checked below).
  const answer = consentAnswer(label);
  if (answer === "grant" || answer === "refuse" || answer === "settings")
    return `its label ${answer === "grant" ? "grants" : answer === "refuse" ? "refuses" : "opens the settings of"} consent`;
  const inDialog = await withTimeout(inConsentDialog(control), ACTION_TIMEOUT_MS, true);
  return inDialog ? "it is in a consent dialog" : null;
}

/** What every step of an interaction needs: the page, the visitor, and where to note what it did. */
interface Visit {
  page: Page;
  identity: Identity;
  timeoutMs: number;
  events: PageEvent[];
  consent: ConsentMode;
  note: (detail: string, at?: number) => void;
  /** Undoes a navigation away from the site. */
  stayOnSite: () => Promise<void>;
  settle: Settle;
}

type FieldDescription = {
  form: number;
  index: number;
  visible: boolean;
  type: string;
  autocomplete: string;
  hints: string;
};

/**
 * Whether interaction may type into the page, so that its look before is worth keeping as evidence
 * (a page that does not answer is assumed to).
 */
export async function mayType(page: Page): Promise<boolean> {
  return (await withTimeout(page.evaluate(ANY_FIELD), ACTION_TIMEOUT_MS, true)) !== false;
}

/**
 * Behaves like a visitor: scrolls to the bottom in steps, fills every visible form with the synthetic
 * identity (typing, so key loggers see keystrokes) and submits it, and clicks visible buttons that
 * stay on the page. Navigation away from the site is undone. Everything is noted as page events.
 */
export async function interact(
  page: Page,
  identity: Identity,
  timeoutMs: number,
  events: PageEvent[],
  consent: ConsentMode,
  settle: Settle,
): Promise<void> {
  const note = (detail: string, at = Date.now()) =>
    events.push({ kind: "interaction", detail: detail.slice(0, 500), at });
  const site = getDomain(new URL(page.url()).hostname) ?? new URL(page.url()).hostname;
  const stayOnSite = async () => {
    let host = "";
    try {
      host = new URL(page.url()).hostname;
    } catch {
      return;
    }
    if ((getDomain(host) ?? host) !== site) {
      note(`left the site for ${page.url()}; going back`);
      await withTimeout(page.goBack({ timeout: timeoutMs }), timeoutMs + 500, null);
    }
  };
  const visit: Visit = { page, identity, timeoutMs, events, consent, note, stayOnSite, settle };
  await scrollDown(visit);
  // One form at a time: a submission may replace the page.
  for (let f = 0; f < MAX_FORMS; f++) if (!(await fillForm(visit, f))) break;
  await clickButtons(visit);
}

/**
 * One step down: "bottom" when the viewport already shows the end (nothing scrolls, so nothing
 * fires), "last" when this step reached it, "more" otherwise.
 */
const SCROLL_STEP = `(() => {
  const doc = document.scrollingElement || document.documentElement;
  if (window.innerHeight + window.scrollY >= doc.scrollHeight - 2) return "bottom";
  window.scrollBy(0, window.innerHeight);
  return window.innerHeight + window.scrollY >= doc.scrollHeight - 2 ? "last" : "more";
})()`;

/** Scrolls in steps, letting lazy content and scroll-depth trackers fire. */
async function scrollDown({ page, note, settle }: Visit): Promise<void> {
  let steps = 0;
  while (steps < MAX_SCROLL_STEPS) {
    const step = await withTimeout(page.evaluate(SCROLL_STEP), ACTION_TIMEOUT_MS, "bottom");
    if (step === "bottom") break;
    steps++;
    // What a scroll sets off (lazy images, scroll-depth events) starts within milliseconds.
    await settle(SCROLL_QUIET_MS, SCROLL_MAX_MS);
    if (step === "last") break;
  }
  note(`scrolled ${steps} steps`);
}

/** Fills form `f` with the identity and submits it; false once there is no such form. */
async function fillForm(visit: Visit, f: number): Promise<boolean> {
  const { page, note, events } = visit;
  const forms = (await withTimeout(
    page.evaluate(DESCRIBE_FIELDS),
    ACTION_TIMEOUT_MS,
    [],
  )) as FieldDescription[][];
  const fields = forms[f];
  if (!fields) return false;
  const form = page.locator("form").nth(f);
  // A consent banner built as a form is answered by submitting it: never, unless accepting.
  const formGuard = await consentGuard(form, "", visit.consent);
  if (formGuard) {
    note(`did not fill form ${f + 1}: ${formGuard}`);
    return true;
  }
  let filled = 0;
  for (const field of fields) {
    const value = field.visible ? valueForField(field, visit.identity) : null;
    if (!value) continue;
    const input = form.locator("input, textarea").nth(field.index);
    await withTimeout(input.click({ timeout: ACTION_TIMEOUT_MS }), ACTION_TIMEOUT_MS + 200, null);
    await withTimeout(input.pressSequentially(value, { delay: 15, timeout: 10_000 }), 10_500, null);
    filled++;
  }
  if (filled === 0) return true;
  note(`filled ${filled} fields of form ${f + 1}`);
  // Time for key loggers and field-blur trackers to send what was typed, before the submit.
  await sleep(800);
  // Noted before the click: whatever leaves after this moment may be the submission itself.
  events.push({ kind: "form_submitted", detail: `form ${f + 1}`, at: Date.now() });
  const submit = form.locator('button[type="submit"], input[type="submit"], button:not([type])').first();
  const clicked = await withTimeout(
    submit.click({ timeout: ACTION_TIMEOUT_MS }).then(() => true),
    ACTION_TIMEOUT_MS + 200,
    false,
  );
  if (!clicked)
    await withTimeout(
      form.evaluate((el) => (el as HTMLFormElement).requestSubmit()),
      ACTION_TIMEOUT_MS,
      null,
    );
  note(`submitted form ${f + 1}`);
  await withTimeout(page.waitForLoadState("load", { timeout: visit.timeoutMs }), visit.timeoutMs + 500, null);
  await sleep(800);
  await visit.stayOnSite();
  return true;
}

/** Clicks visible buttons outside forms (menus, accordions, "book appointment"), never a consent answer. */
async function clickButtons(visit: Visit): Promise<void> {
  const { page, note } = visit;
  // Counted in the page first: a locator's first use injects Playwright's selector engine into
  // the page, a cost for pages without a button.
  const any = await withTimeout(page.evaluate(ANY_BUTTON), ACTION_TIMEOUT_MS, true);
  if (!any) return;
  const buttons = page.locator("button:visible, [role=button]:visible");
  const count = Math.min(await withTimeout(buttons.count(), ACTION_TIMEOUT_MS, 0), MAX_CLICKS);
  for (let i = 0; i < count; i++) {
    const button = buttons.nth(i);
    const inForm = await withTimeout(
      button.evaluate((el) => el.closest("form") !== null),
      ACTION_TIMEOUT_MS,
      true,
    );
    if (inForm) continue;
    const label = (
      await withTimeout(button.innerText({ timeout: ACTION_TIMEOUT_MS }), ACTION_TIMEOUT_MS + 200, "")
    ).slice(0, 80);
    const where = await withTimeout(whereIs(button), ACTION_TIMEOUT_MS, "");
    const guard = await consentGuard(button, label, visit.consent);
    if (guard) {
      note(`did not click "${label}" (${String(where)}): ${guard}`);
      continue;
    }
    // Dated when the click starts: what the page sends because of it leaves after this moment.
    const clickedAt = Date.now();
    const ok = await withTimeout(
      button.click({ timeout: ACTION_TIMEOUT_MS }).then(() => true),
      ACTION_TIMEOUT_MS + 200,
      false,
    );
    if (ok) note(`clicked "${label}" (${String(where)})`, clickedAt);
    await visit.settle(CLICK_QUIET_MS, CLICK_MAX_MS);
    await visit.stayOnSite();
  }
}

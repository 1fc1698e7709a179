import type { Page } from "playwright-core";
import { clip } from "../util/bound.ts";
import { sleep } from "../util/time.ts";
import { asksConsent, type Banner, clickControl, controlFor, findBanners, setToggles } from "./banner.ts";
import type { ConsentWatch } from "./consent.ts";
import type { ConsentAnswer } from "./consent-words.ts";

/** Time for a banner to react to a click (close, or open its settings). */
const SETTLE_MS = 700;
/** How long the settings a click opened may take to show. */
const PANEL_WAIT_MS = 3000;
/** How long after load a platform autoconsent recognised is left to its rule. */
const RULE_GRACE_MS = 3000;

export type Note = (detail: string, at?: number) => void;

/**
 * Looks once for a banner autoconsent's rules did not find on this page, and answers it as `--consent`
 * says: accept clicks the accepting control; reject clicks the refusing one, or opens the settings
 * and refuses there (or saves with every toggle off); ignore touches nothing. Returns whether a banner
 * was found and dealt with, or autoconsent's rule dealt with it (nothing more to look for on this page).
 */
export async function answerUnknownBanner(
  page: Page,
  watch: ConsentWatch,
  note: Note,
  sinceLoadMs: number,
): Promise<boolean> {
  // autoconsent's rule is answering: wait for it (an ignore has nothing to wait for).
  if (watch.autoconsent === "found") return watch.mode === "ignore";
  // A rule recognised the platform: give it time to find the banner itself (a loaded machine is slow).
  if (watch.autoconsent === "detected" && sinceLoadMs < RULE_GRACE_MS) return false;
  const banner = (await findBanners(page)).find(asksConsent);
  // A rule that answered, or failed, leaves nothing to do unless a banner is still there.
  if (!banner) return watch.autoconsent !== "none";
  if (watch.autoconsent !== "none")
    note(
      `a banner is still shown after autoconsent's ${watch.autoconsent === "answered" ? "answer" : "failure"}`,
    );
  const record = watch.record;
  const mine = watch.page;
  record.promptAt ??= Date.now();
  mine.shown = true;
  mine.detectedBy ??= "heuristic";
  // Crawled text: cut, and cleaned of control characters, before it is stored.
  mine.where = clip(`${banner.where}: "${banner.text.slice(0, 120)}"`, 400);
  note(`banner found by heuristic at ${mine.where}; controls: ${describeControls(banner)}`);
  if (watch.mode === "ignore") return true;
  const want: ConsentAnswer = watch.mode === "accept" ? "grant" : "refuse";
  const clickedAt = await answer(page, banner, want, watch, note);
  if (clickedAt === null) {
    record.action ??= watch.mode === "accept" ? "accept" : "reject";
    record.succeeded ??= false;
    return true;
  }
  await sleep(SETTLE_MS);
  const still = (await findBanners(page)).filter(asksConsent);
  mine.bannerGone = still.length === 0;
  record.choiceAt ??= clickedAt;
  watch.choiceOnPage ??= clickedAt;
  record.action = watch.mode === "accept" ? "accept" : "reject";
  record.succeeded = mine.bannerGone;
  note(mine.bannerGone ? "banner gone" : `banner still shown at ${still[0]?.where ?? ""}`);
  return true;
}

/**
 * Clicks the control that gives `want`, directly or through the banner's settings; returns when the
 * deciding click started, or null when the banner offers no way to give it.
 */
async function answer(
  page: Page,
  banner: Banner,
  want: ConsentAnswer,
  watch: ConsentWatch,
  note: Note,
): Promise<number | null> {
  const direct = controlFor(banner, want);
  if (direct) return click(banner, direct, watch, note);
  const settings = controlFor(banner, "settings");
  if (!settings) {
    note(`no control ${want === "grant" ? "accepts" : "refuses"}, and no settings: banner left as it is`);
    return null;
  }
  if ((await click(banner, settings, watch, note)) === null) return null;
  const panel = await settingsPanel(page, want);
  if (!panel) {
    note(`the settings offer no control that ${want === "grant" ? "accepts" : "refuses"} or saves`);
    return null;
  }
  const inPanel = controlFor(panel, want);
  if (inPanel) return click(panel, inPanel, watch, note);
  const changed = await setToggles(panel, want === "grant");
  note(`${want === "grant" ? "ticked" : "unticked"} ${changed} toggles`);
  const save = controlFor(panel, "save");
  return save ? click(panel, save, watch, note) : null;
}

/**
 * The banner's settings once they show: the same dialog grown, or a new one, with a control that
 * gives `want` or saves. Looked for again until PANEL_WAIT_MS: a panel may slide in, and a loaded
 * machine may take longer than SETTLE_MS to draw it.
 */
async function settingsPanel(page: Page, want: ConsentAnswer): Promise<Banner | null> {
  const deadline = Date.now() + PANEL_WAIT_MS;
  await sleep(SETTLE_MS);
  for (;;) {
    const panels = await findBanners(page);
    const panel = panels.find((p) => controlFor(p, want)) ?? panels.find((p) => controlFor(p, "save"));
    if (panel || Date.now() >= deadline) return panel ?? null;
    await sleep(300);
  }
}

async function click(
  banner: Banner,
  control: Banner["controls"][number],
  watch: ConsentWatch,
  note: Note,
): Promise<number | null> {
  const at = Date.now();
  const ok = await clickControl(banner, control);
  if (!ok) {
    note(`could not click "${control.label}" (${control.where})`);
    return null;
  }
  watch.page.control = clip(control.label, 100);
  note(`clicked "${control.label}" (${control.where})`, at);
  return at;
}

function describeControls(banner: Banner): string {
  return banner.controls
    .slice(0, 8)
    .map((c) => `"${c.label.slice(0, 40)}"${c.answer ? ` ${c.answer}` : ""}`)
    .join(", ");
}

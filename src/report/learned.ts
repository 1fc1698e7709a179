/**
 * "Meta learned: you visited /conditions/hiv-treatment; your browser ID fb.1.17…; you clicked
 * 'Book appointment'." One company's findings on one page, said in plain words. Pure: the words
 * follow only from the findings and what the crawler did on the page.
 */
import type { FindingView } from "./types.ts";

/** Something the crawler did on the page, when. */
export interface PageAction {
  kind: string;
  detail: string;
  at: number;
}

/** A request that carried data to the company is "caused by" an action sent this soon after it. */
const CAUSE_WINDOW_MS = 5000;

const FIELD_WORDS: Record<string, string> = {
  email: "your email address",
  phone: "your phone number",
  firstName: "your first name",
  lastName: "your last name",
  address: "your postal address",
};

const ENCODING_WORDS: Record<string, string> = {
  plain: "as typed",
  url: "URL-encoded",
  base64: "base64-encoded",
  md5: "MD5 hash",
  sha1: "SHA-1 hash",
  sha256: "SHA-256 hash",
  sha512: "SHA-512 hash",
  sha256_md5: "SHA-256 hash of its MD5 hash",
  sha256_sha256: "SHA-256 hash of its SHA-256 hash",
  md5_sha256: "MD5 hash of its SHA-256 hash",
};

export function shorten(text: string, limit: number): string {
  return text.length <= limit ? text : `${text.slice(0, limit - 1)}…`;
}

function pageWhere(url: string): string {
  try {
    const u = new URL(url);
    return shorten(`${u.host}${u.pathname === "/" ? "/" : u.pathname}`, 120);
  } catch {
    return shorten(url, 120);
  }
}

export const SCRIPT_ONLY = "script loaded, nothing sent: its code was downloaded, and no beacon followed";

/** The identifiers a company received, the first three named; other companies' IDs; a cloaked address. */
function identifierLines(
  findings: FindingView[],
  received: Array<{ sourceEntity: string; idName: string; means: string }>,
): string[] {
  const learned: string[] = [];
  const ids = findings.flatMap((f) => f.identifiers);
  const seen = new Set<string>();
  let idCount = 0;
  for (const id of ids) {
    const key = `${id.source}:${id.name}`;
    if (seen.has(key)) continue;
    seen.add(key);
    idCount++;
    if (idCount > 3) continue;
    const value = shorten(id.value, 24);
    if (id.source === "cookie") learned.push(`your browser ID ${value} (cookie ${id.name})`);
    else if (id.source === "storage") learned.push(`your browser ID ${value} (stored as ${id.name})`);
    else if (id.source === "url") learned.push(`an ID from the page address ${value} (${id.name})`);
    else if (/fingerprint|WebRTC/.test(id.name))
      learned.push(`a ${id.name} of your browser, made by ${shorten(id.value, 60)}`);
    else learned.push(`an ID made for this visit ${value} (${id.name})`);
  }
  if (idCount > 3) learned.push(`${idCount - 3} more identifiers`);
  for (const s of received.slice(0, 3))
    learned.push(
      `${s.sourceEntity}'s identifier for you (${shorten(s.idName, 40)}), handed over by ${s.means}`,
    );
  if (received.length > 3) learned.push(`${received.length - 3} more identifiers of other companies`);
  const cloaked = [...new Set(findings.flatMap((f) => (f.cloaked ?? []).map((c) => c.host)))];
  if (cloaked.length > 0)
    learned.push(
      `at the site's own address ${shorten(cloaked[0] ?? "", 80)}, an alias of its servers (CNAME cloaking), with the site's own cookies`,
    );
  return learned;
}

/**
 * The plain-language list of what a company learned from one page. `sentAt` are the send times of
 * every request that carried the company's findings (to tie them to the clicks that caused them).
 */
export function whatWasLearned(
  all: FindingView[],
  page: { url: string; title: string | null },
  actions: PageAction[],
  sentAt: number[],
  received: Array<{ sourceEntity: string; idName: string; means: string }> = [],
): string[] {
  // A script that was only downloaded told its servers your IP address, not what you did.
  const findings = all.filter((f) => f.kind !== "script_loaded");
  if (findings.length === 0) return [SCRIPT_ONLY];
  const learned: string[] = [];
  const shared = new Set(findings.flatMap((f) => f.dataShared));
  if (shared.has("page_url")) {
    const title = shared.has("page_title") && page.title ? ` ("${shorten(page.title, 80)}")` : "";
    learned.push(`you visited ${pageWhere(page.url)}${title}`);
  } else if (shared.has("referrer")) {
    learned.push(`the address of the page you came from`);
  }

  learned.push(...identifierLines(findings, received));

  const events = [...new Set(findings.flatMap((f) => f.events))];
  if (events.length > 0) {
    const shown = events.slice(0, 8).join(", ");
    learned.push(`what you did: ${shown}${events.length > 8 ? `, and ${events.length - 8} more` : ""}`);
  }

  const soonAfter = (at: number) => sentAt.some((t) => t >= at && t <= at + CAUSE_WINDOW_MS);
  for (const action of actions) {
    const click = /^clicked "(.*)"(?: \(.*\))?$/s.exec(action.detail);
    if (action.kind === "interaction" && click && soonAfter(action.at)) {
      learned.push(`you clicked "${shorten(click[1] ?? "", 60)}"`);
    }
  }
  const submitted = actions.find((a) => a.kind === "form_submitted");
  if (submitted && soonAfter(submitted.at)) learned.push("you submitted a form");

  const leaks = findings.flatMap((f) => f.leaks);
  const byField = new Map<string, Set<string>>();
  let keylogged = false;
  for (const leak of leaks) {
    const set = byField.get(leak.field) ?? new Set<string>();
    set.add(ENCODING_WORDS[leak.encoding] ?? leak.encoding);
    byField.set(leak.field, set);
    if (leak.keylogged) keylogged = true;
  }
  for (const [field, encodings] of byField) {
    learned.push(`${FIELD_WORDS[field] ?? field} (${[...encodings].join(", ")})`);
  }
  if (keylogged) learned.push("what you typed into a form, before you submitted it");
  else if (leaks.length === 0 && shared.has("form_data")) learned.push("what you typed into a form");

  learned.push(shared.has("user_agent") ? "your IP address and browser details" : "your IP address");
  if (findings.length > 0 && findings.every((f) => f.phase === "before_consent")) {
    learned.push("all of it before you answered the consent banner");
  } else if (findings.some((f) => f.phase === "before_consent")) {
    learned.push("some of it before you answered the consent banner");
  }
  return learned;
}

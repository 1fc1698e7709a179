import type { CapturedCookie, ConsentApiRead, ConsentRecord, StorageItem } from "../capture/types.ts";
import { decodeUriSafe } from "../util/text.ts";

/**
 * What the site's own consent records say the visitor chose, read from what the page's consent APIs
 * answered (`__tcfapi`, `__uspapi`, `__gpp`) and from the cookies and storage the consent platforms
 * keep (the stored capture): the TCF string (`euconsent-v2`), the US Privacy string
 * (`usprivacy`), GPP (`__gpp`), OneTrust (`OptanonConsent`, `OptanonAlertBoxClosed`), Cookiebot
 * (`CookieConsent`), Didomi (`didomi_token`) and Usercentrics (`uc_settings`).
 */
export interface ConsentState {
  /** Each record found: its framework and what it says. */
  records: ConsentRecordRead[];
  /**
   * `refused`: a record says the visitor refused advertising or sale (or sent GPC); `granted`: one says
   * they accepted it; `unanswered`: records exist with no answer; null: the site keeps none.
   */
  verdict: "refused" | "granted" | "unanswered" | null;
}

export interface ConsentRecordRead {
  framework: "tcf" | "usp" | "gpp" | "onetrust" | "cookiebot" | "didomi" | "usercentrics";
  /** Where it was read: `cookie:NAME`, `storage:KEY` or `api:__tcfapi` (`__uspapi`, `__gpp`). */
  source: string;
  /** Whether it grants advertising / sale: true, false, or null when it does not say. */
  advertising: boolean | null;
  /** A short reading for the reader: `purposes 1,3,4 consented`, `opt-out of sale: Y`. */
  detail: string;
}

/** The TCF v2 core string's purpose consents (bits 152–175 of its first segment). */
export function tcfPurposes(tcString: string): number[] | null {
  const core = tcString.split(".")[0] ?? "";
  if (!/^[A-Za-z0-9_-]{20,}$/.test(core)) return null;
  const bytes = Buffer.from(core.replace(/-/g, "+").replace(/_/g, "/"), "base64");
  const bit = (i: number) => ((bytes[i >> 3] ?? 0) >> (7 - (i & 7))) & 1;
  if (bytes.length < 22 || (bytes[0] ?? 0) >> 2 !== 2) return null;
  const purposes: number[] = [];
  for (let p = 0; p < 24; p++) if (bit(152 + p)) purposes.push(p + 1);
  return purposes;
}

type Reader = (name: string, value: string) => ConsentRecordRead | null;

const READERS: Record<string, Reader> = {
  "euconsent-v2": (name, value) => {
    const purposes = tcfPurposes(value);
    if (!purposes) return null;
    // Purpose 1 (store information) and 4 (personalised ads) are what advertising trackers need.
    return {
      framework: "tcf",
      source: `cookie:${name}`,
      advertising: purposes.includes(1) && purposes.includes(4),
      detail: `purposes ${purposes.join(",") || "none"} consented`,
    };
  },
  usprivacy: (name, value) =>
    /^1[YNyn-]{3}$/.test(value)
      ? {
          framework: "usp",
          source: `cookie:${name}`,
          advertising: value[2] === "-" ? null : value[2]?.toUpperCase() !== "Y",
          detail: `opt-out of sale: ${value[2]}`,
        }
      : null,
  OptanonConsent: (name, value) => {
    const groups = decodeUriSafe(value).match(/groups=([^&]*)/)?.[1];
    if (!groups) return null;
    // C0004 is OneTrust's targeting (advertising) group.
    const targeting = groups.match(/C0004:([01])/)?.[1];
    return {
      framework: "onetrust",
      source: `cookie:${name}`,
      advertising: targeting === undefined ? null : targeting === "1",
      detail: `groups ${groups}`,
    };
  },
  CookieConsent: (name, value) => {
    const text = decodeUriSafe(value);
    const marketing = text.match(/marketing:(true|false)/)?.[1];
    if (!marketing && !/necessary:/.test(text)) return null;
    return {
      framework: "cookiebot",
      source: `cookie:${name}`,
      advertising: marketing === undefined ? null : marketing === "true",
      detail: text.slice(0, 120),
    };
  },
  didomi_token: (name, value) => {
    let token: { purposes?: { enabled?: string[]; disabled?: string[] } } | null = null;
    try {
      token = JSON.parse(Buffer.from(decodeUriSafe(value), "base64").toString("utf8"));
    } catch {
      return null;
    }
    const enabled = token?.purposes?.enabled ?? [];
    const disabled = token?.purposes?.disabled ?? [];
    return {
      framework: "didomi",
      source: `cookie:${name}`,
      advertising:
        enabled.length === 0 && disabled.length === 0
          ? null
          : disabled.length === 0 || enabled.length > disabled.length,
      detail: `purposes enabled ${enabled.join(",") || "none"}, disabled ${disabled.join(",") || "none"}`,
    };
  },
  __gpp: (name, value) =>
    value.startsWith("DB")
      ? {
          framework: "gpp",
          source: `cookie:${name}`,
          advertising: null,
          detail: `GPP string ${value.slice(0, 40)}`,
        }
      : null,
  uc_settings: (name, value) => {
    const consents = [...value.matchAll(/"status":\s*(true|false)/g)].map((m) => m[1] === "true");
    if (consents.length === 0) return null;
    return {
      framework: "usercentrics",
      source: `storage:${name}`,
      advertising: consents.every(Boolean) ? true : consents.filter(Boolean).length <= 1 ? false : null,
      detail: `${consents.filter(Boolean).length} of ${consents.length} services consented`,
    };
  },
};

/** What the page's consent APIs said when last asked (the page's end, after the crawler's choice). */
function apiRecords(read: ConsentApiRead | undefined): ConsentRecordRead[] {
  const records: ConsentRecordRead[] = [];
  if (read?.tcf) {
    const { tcf } = read;
    // A CMP still showing its question, or outside the GDPR, has no answer to give.
    const answered = tcf.gdprApplies !== false && tcf.eventStatus !== "cmpuishown" && !!tcf.tcString;
    records.push({
      framework: "tcf",
      source: "api:__tcfapi",
      advertising: answered ? tcf.purposes.includes(1) && tcf.purposes.includes(4) : null,
      detail: `purposes ${tcf.purposes.join(",") || "none"} consented, ${tcf.vendorCount} vendors${tcf.eventStatus ? ` (${tcf.eventStatus})` : ""}`,
    });
  }
  const usp = read?.usp?.uspString;
  if (usp && /^1[YNyn-]{3}$/.test(usp))
    records.push({
      framework: "usp",
      source: "api:__uspapi",
      advertising: usp[2] === "-" ? null : usp[2]?.toUpperCase() !== "Y",
      detail: `opt-out of sale: ${usp[2]}`,
    });
  if (read?.gpp) {
    const { saleOptOut, gpc } = read.gpp;
    records.push({
      framework: "gpp",
      source: "api:__gpp",
      // 1: opted out of sale; 2: did not opt out; 0 or absent: not applicable.
      advertising: gpc === true || saleOptOut === 1 ? false : saleOptOut === 2 ? true : null,
      detail: `sections ${read.gpp.applicableSections.join(",") || "none"}, sale opt-out ${saleOptOut ?? "-"}${gpc ? ", GPC" : ""}`,
    });
  }
  return records;
}

/** Reads every consent record the page's consent APIs, cookies and storage hold. */
export function consentStateOf(
  cookies: CapturedCookie[],
  storage: StorageItem[],
  apis: ConsentApiRead[] = [],
): ConsentState {
  const records: ConsentRecordRead[] = apiRecords(apis[apis.length - 1]);
  const seen = new Set<string>();
  for (const { name, value } of [
    ...cookies.map((c) => ({ name: c.name, value: c.value })),
    ...storage.map((s) => ({ name: s.key, value: s.value })),
  ]) {
    const reader = READERS[name];
    if (!reader || seen.has(name)) continue;
    const read = reader(name, value);
    if (!read) continue;
    seen.add(name);
    records.push(read);
  }
  const answered = records.filter((r) => r.advertising !== null);
  // One record that refuses is the visitor's refusal: a site that kept it knows.
  let verdict: ConsentState["verdict"] = records.length > 0 ? "unanswered" : null;
  if (answered.length > 0) verdict = answered.some((r) => r.advertising === false) ? "refused" : "granted";
  return { records, verdict };
}

/**
 * Whether a cookie, storage key or parameter holds the visitor's consent choice rather than an
 * identifier: a consent string is handed to every vendor by design (TCF's `gdpr_consent`).
 */
export function isConsentRecordName(name: string): boolean {
  return (
    name in READERS ||
    /^(gdpr_consent|gdpr|us_privacy|gpp|gpp_sid|addtl_consent|euconsent|tcf?string)$/i.test(name)
  );
}

/** The records of a stored consent state (JSON) that refuse, for a reader: `usp: opt-out of sale: Y; tcf: …`. */
export function refusingRecords(stored: string | null): string {
  let state: { records?: Array<Partial<ConsentRecordRead>> } = {};
  try {
    state = JSON.parse(stored ?? "{}") ?? {};
  } catch {
    return "";
  }
  return (Array.isArray(state.records) ? state.records : [])
    .filter((r) => r.advertising === false)
    .map((r) => `${String(r.framework)}: ${String(r.detail ?? "")}`)
    .join("; ");
}

/** The contract's phase of a request sent at `sentAt`, given what happened to the site's banner. */
export function phaseOf(
  record: ConsentRecord | null,
  sentAt: number,
): "before_consent" | "after_consent" | "no_consent_prompt" {
  if (!record || record.promptAt === null) return "no_consent_prompt";
  if (record.choiceAt !== null && sentAt >= record.choiceAt) return "after_consent";
  return "before_consent";
}

import type { Page } from "playwright-core";
import type { ConsentApiRead } from "../capture/types.ts";
import { clip } from "../util/bound.ts";
import { withTimeout } from "../util/time.ts";

const READ_TIMEOUT_MS = 3000;

/**
 * Asks the page's consent APIs what the visitor chose: TCF v2 `__tcfapi('getTCData')`, US Privacy
 * `__uspapi('getUSPData')` and GPP `__gpp('ping')`. Each call answers through a callback, which a
 * broken CMP never calls: each waits 800 ms at most. A string, as every script given to the page.
 */
const READ_APIS = `(async () => {
  const ask = (start) => new Promise((resolve) => {
    let done = false;
    const finish = (value) => { if (!done) { done = true; resolve(value); } };
    setTimeout(() => finish(null), 800);
    try { start((data, ok) => finish(ok === false ? null : data)); } catch (e) { finish(null); }
  });
  const out = { tcf: null, usp: null, gpp: null };
  if (typeof window.__tcfapi === "function") {
    const d = await ask((cb) => window.__tcfapi("getTCData", 2, cb));
    if (d && typeof d === "object") {
      const consents = (d.purpose && d.purpose.consents) || {};
      const vendors = (d.vendor && d.vendor.consents) || {};
      const ids = Object.keys(vendors).filter((k) => vendors[k] === true).map(Number).filter((n) => n > 0);
      out.tcf = { tcString: typeof d.tcString === "string" ? d.tcString.slice(0, 4000) : null,
        gdprApplies: typeof d.gdprApplies === "boolean" ? d.gdprApplies : null,
        eventStatus: typeof d.eventStatus === "string" ? d.eventStatus.slice(0, 40) : null,
        cmpId: typeof d.cmpId === "number" ? d.cmpId : null,
        purposes: Object.keys(consents).filter((k) => consents[k] === true).map(Number).filter((n) => n > 0 && n < 30),
        vendorCount: ids.length, vendors: ids.slice(0, 100) };
    }
  }
  if (typeof window.__uspapi === "function") {
    const d = await ask((cb) => window.__uspapi("getUSPData", 1, cb));
    if (d && typeof d === "object") out.usp = { uspString: typeof d.uspString === "string" ? d.uspString.slice(0, 10) : null };
  }
  if (typeof window.__gpp === "function") {
    let d = await ask((cb) => { const r = window.__gpp("ping", cb); if (r && typeof r === "object") cb(r, true); });
    if (d && typeof d === "object") {
      let sale = null;
      let gpc = null;
      const parsed = d.parsedSections || {};
      for (const key of Object.keys(parsed).slice(0, 20)) {
        const section = Array.isArray(parsed[key]) ? parsed[key][0] : parsed[key];
        if (!section || typeof section !== "object") continue;
        if (typeof section.SaleOptOut === "number" && (sale === null || section.SaleOptOut === 1)) sale = section.SaleOptOut;
        if (typeof section.Gpc === "boolean") gpc = gpc || section.Gpc;
      }
      out.gpp = { gppString: typeof d.gppString === "string" ? d.gppString.slice(0, 4000) : null,
        applicableSections: Array.isArray(d.applicableSections) ? d.applicableSections.filter((n) => typeof n === "number").slice(0, 20) : [],
        signalStatus: typeof d.signalStatus === "string" ? d.signalStatus.slice(0, 40) : null,
        saleOptOut: sale, gpc };
    }
  }
  return out;
})()`;

/** One reading of the page's consent APIs, bounded and well-formed; null when the page has none or does not answer. */
export async function readConsentApis(page: Page): Promise<ConsentApiRead | null> {
  if (page.isClosed()) return null;
  const at = Date.now();
  const raw = (await withTimeout(
    page.evaluate(READ_APIS),
    READ_TIMEOUT_MS,
    null,
  )) as Partial<ConsentApiRead> | null;
  if (!raw || typeof raw !== "object" || (!raw.tcf && !raw.usp && !raw.gpp)) return null;
  const numbers = (value: unknown, max: number) =>
    Array.isArray(value) ? value.filter((n): n is number => Number.isInteger(n)).slice(0, max) : [];
  const text = (value: unknown, max: number) => (typeof value === "string" ? clip(value, max) : null);
  return {
    at,
    tcf: raw.tcf
      ? {
          tcString: text(raw.tcf.tcString, 4000),
          gdprApplies: typeof raw.tcf.gdprApplies === "boolean" ? raw.tcf.gdprApplies : null,
          eventStatus: text(raw.tcf.eventStatus, 40),
          cmpId: Number.isInteger(raw.tcf.cmpId) ? raw.tcf.cmpId : null,
          purposes: numbers(raw.tcf.purposes, 30),
          vendorCount: Number.isInteger(raw.tcf.vendorCount) ? raw.tcf.vendorCount : 0,
          vendors: numbers(raw.tcf.vendors, 100),
        }
      : null,
    usp: raw.usp ? { uspString: text(raw.usp.uspString, 10) } : null,
    gpp: raw.gpp
      ? {
          gppString: text(raw.gpp.gppString, 4000),
          applicableSections: numbers(raw.gpp.applicableSections, 20),
          signalStatus: text(raw.gpp.signalStatus, 40),
          saleOptOut: Number.isInteger(raw.gpp.saleOptOut) ? raw.gpp.saleOptOut : null,
          gpc: typeof raw.gpp.gpc === "boolean" ? raw.gpp.gpc : null,
        }
      : null,
  };
}

// Personal data found in real requests that leaked a real test account's e-mail address: the dataset
// of Dao and Fukuda, "Alternative to third-party cookies: investigating persistent PII leakage-based
// web tracking" (CoNEXT 2021), public repository `fukuda-lab/PII_leakage` (1,522 requests to 100
// receivers, each with the encoding the authors found). Fetch it with the search tool's `fetch`; it is
// read where `fetch` leaves it (outside the checkout), never copied here. `npm run eval:leaks`.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { findLeaks, identityNeedles } from "../src/analyze/leaks.ts";
import { attributeUrl } from "../src/attribute/entities.ts";
import { registrableDomain } from "../src/attribute/party.ts";
import { splitCsv } from "../src/lists/lists.ts";
import { MIRRORS } from "../test/fixtures/real-pages.ts";

const REPO = join(MIRRORS, "fukuda-lab+PII_leakage", "repo");
/** The study's test account, as its own requests spell it (its hashes match the dataset's). */
const EMAIL = "sonoroustada@protonmail.com";

if (!existsSync(REPO)) {
  console.log(`not found: ${REPO} (fetch github:fukuda-lab/PII_leakage with the search tool's fetch)`);
  process.exit(0);
}
const csv = execFileSync("git", ["--git-dir", REPO, "show", "HEAD:pii_leakage_202105.csv"], {
  encoding: "utf8",
  maxBuffer: 64 * 1024 * 1024,
}).replace(/^\uFEFF/, "");

// No field of the dataset spans lines: one record a line.
const rows = csv.split(/\r?\n/).filter(Boolean).map(splitCsv);
const [header = [], ...records] = rows;
const col = (name: string) => header.indexOf(name);
const needles = identityNeedles({ email: EMAIL, phone: "", firstName: "", lastName: "", address: "" });
const byForm = new Map<string, { total: number; found: number }>();
const missed: string[] = [];
let unnamed = 0;
let unnamedByDomain = 0;
for (const r of records) {
  if (r.length < header.length) continue;
  // The dataset doubles every "%" (a printf escape).
  const field = (name: string) => (r[col(name)] ?? "").replace(/%%/g, "%");
  const body = field("payload_body");
  const headers: Record<string, string> = {};
  if (field("referer") && field("referer") !== "null") headers.referer = field("referer");
  if (field("cookie") && field("cookie") !== "null") headers.cookie = field("cookie");
  const request = {
    url: field("url"),
    postData: body && body !== "null" ? body : null,
    requestHeaders: headers,
  };
  const leaks = findLeaks(request, needles).filter((l) => l.field === "email");
  const form = field("encoding_form");
  const tally = byForm.get(form) ?? { total: 0, found: 0 };
  tally.total++;
  if (leaks.length > 0) tally.found++;
  else missed.push(`${form}: ${request.url.slice(0, 160)}`);
  byForm.set(form, tally);
  if (!attributeUrl(request.url)) {
    unnamed++;
    if (!registrableDomain(request.url)) unnamedByDomain++;
  }
}

let total = 0;
let found = 0;
console.log("encoding (the study's)        found / requests");
for (const [form, t] of [...byForm].sort((a, b) => b[1].total - a[1].total)) {
  total += t.total;
  found += t.found;
  console.log(`  ${form.padEnd(28)} ${String(t.found).padStart(5)} / ${t.total}`);
}
console.log(
  `  ${"all".padEnd(28)} ${String(found).padStart(5)} / ${total} (${((found / total) * 100).toFixed(1)}%)`,
);
console.log(
  `receiving requests whose company the tracker lists do not know: ${unnamed} of ${total} (named by their registrable domain instead; without one: ${unnamedByDomain})`,
);
for (const m of missed.slice(0, 20)) console.log(`  missed ${m}`);

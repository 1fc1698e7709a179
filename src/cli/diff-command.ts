import { parseArgs } from "node:util";
import {
  type CrawlDiff,
  diffCrawls,
  diffVariants,
  ignoringTrackers,
  loadSiteViews,
  profileChanges,
} from "../report/diff.ts";
import { companyLabel } from "../report/query.ts";
import { readProfiles } from "../store/profiles.ts";
import { clip } from "../util/bound.ts";
import { openCrawl } from "./export-command.ts";
import { UsageError } from "./usage.ts";

const safe = (text: string, limit = 200) => clip(text, limit) ?? "";
const trackerName = (t: { entity: string; tracker: string }) =>
  t.tracker === t.entity ? companyLabel(t.entity) : `${companyLabel(t.entity)} ${t.tracker}`;

/** Columns padded to their widest cell (crawled text already cut and cleaned). */
function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) => `  ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join("  ")}`.trimEnd();
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)];
}

/** How far each company's profile of the visitor reached in each crawl (persistent crawls). */
function profileLines(diff: CrawlDiff): string[] {
  if (!diff.profiles?.length) return [];
  return [
    "",
    "What each company could link about the visitor (sites its identifiers linked; profile crawls):",
    ...diff.profiles.map(
      (p) =>
        `  ${companyLabel(p.entity)}: ${p.sitesBefore} -> ${p.sitesAfter} sites` +
        (p.sensitiveAfter.length || p.sensitiveBefore.length
          ? ` [sensitive: ${p.sensitiveBefore.join(", ") || "none"} -> ${p.sensitiveAfter.join(", ") || "none"}]`
          : ""),
    ),
  ];
}

/** The diff as terminal text: companies (a table), then sites, then sensitive pages. */
export function formatDiff(diff: CrawlDiff): string {
  const lines = [
    `Comparing ${safe(diff.before.label)} (${diff.before.sites} sites) with ${safe(diff.after.label)} (${diff.after.sites} sites): ` +
      `${diff.compared} sites crawled successfully in both` +
      (diff.onlyBefore || diff.onlyAfter
        ? ` (${diff.onlyBefore} only in the first, ${diff.onlyAfter} only in the second)`
        : ""),
  ];
  if (diff.compared === 0) lines.push("", "No site was crawled successfully in both: nothing to compare.");
  else if (
    diff.companies.length === 0 &&
    diff.sites.length === 0 &&
    diff.syncs.length === 0 &&
    !diff.profiles?.length
  )
    lines.push("", "No change.");
  if (diff.companies.length) {
    lines.push("", "Companies:");
    const rows = diff.companies.map((c) => [
      companyLabel(c.entity),
      String(c.sitesBefore),
      String(c.sitesAfter),
      c.gained.length ? `+${c.gained.length}` : "",
      c.lost.length ? `-${c.lost.length}` : "",
      Object.entries(c.newlyShared)
        .map(([d, sites]) => `+${d} (${sites.length})`)
        .concat(Object.entries(c.noLongerShared).map(([d, sites]) => `-${d} (${sites.length})`))
        .join(", "),
    ]);
    lines.push(
      ...table(["company", "sites before", "after", "gained", "lost", "data received (sites)"], rows),
    );
  }
  if (diff.sites.length) {
    lines.push("", "Sites:");
    for (const s of diff.sites) {
      const parts = [
        ...s.added.map((t) => `+ ${trackerName(t)}`),
        ...s.removed.map((t) => `- ${trackerName(t)}`),
        ...s.newlyShared.map((t) => `${trackerName(t)} now receives ${t.data.join(", ")}`),
        ...s.noLongerShared.map((t) => `${trackerName(t)} no longer receives ${t.data.join(", ")}`),
      ];
      lines.push(`  ${safe(s.site, 100)}: ${parts.join("; ")}`);
    }
  }
  if (diff.sensitivePages.length) {
    lines.push("", "Sensitive pages:");
    for (const p of diff.sensitivePages) {
      const parts = [
        ...p.added.map((t) => `+ ${trackerName(t)}`),
        ...p.removed.map((t) => `- ${trackerName(t)}`),
      ];
      lines.push(
        `  ${safe(p.url.replace(/^https?:\/\//, ""), 160)} [${p.categories.join(", ")}]: ${parts.join("; ")}`,
      );
    }
  }
  lines.push(...profileLines(diff));
  if (diff.syncs.length) {
    lines.push("", "Identifier syncs:");
    for (const s of diff.syncs)
      lines.push(
        `  ${safe(s.site, 100)}: ${s.change === "added" ? "+" : "-"} ${companyLabel(s.source)}'s identifier to ${companyLabel(s.entity)}`,
      );
  }
  const refused = [
    ...diff.refusedYetTracked.before.map((r) => ({ ...r, crawl: diff.before.label })),
    ...diff.refusedYetTracked.after.map((r) => ({ ...r, crawl: diff.after.label })),
  ];
  if (refused.length) {
    lines.push("", "Sites whose own consent record says the visitor refused, yet trackers received data:");
    for (const r of refused)
      lines.push(
        `  ${safe(r.crawl, 60)}: ${safe(r.site, 100)} (${r.pages} page${r.pages === 1 ? "" : "s"}): ${r.companies.map(companyLabel).join(", ")} [${safe(r.records, 200)}]`,
      );
  }
  return `${lines.join("\n")}\n`;
}

/**
 * `earshot diff DIR_A DIR_B [--json]`: what changed between two crawls. `earshot diff DIR` on a
 * `--compare-consent` or `--compare-gpc` crawl compares its two runs of every site instead.
 */
export async function diffCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { json: { type: "boolean" }, "crawl-a": { type: "string" }, "crawl-b": { type: "string" } },
  });
  if (positionals.length < 1 || positionals.length > 2)
    throw new UsageError(
      "usage: earshot diff DIR_A DIR_B [--json], or earshot diff DIR for a --compare-consent crawl",
    );
  if (positionals.length === 2) {
    const [a, b] = positionals as [string, string];
    const storeA = await openCrawl(a, values["crawl-a"]);
    const storeB = await openCrawl(b, values["crawl-b"]).catch(async (error: unknown) => {
      await storeA.close();
      throw error;
    });
    try {
      const diff = diffCrawls(await loadSiteViews(storeA), await loadSiteViews(storeB), {
        before: a,
        after: b,
      });
      diff.profiles = profileChanges(await readProfiles(storeA), await readProfiles(storeB));
      process.stdout.write(values.json ? `${JSON.stringify(diff)}\n` : formatDiff(diff));
    } finally {
      await storeA.close();
      await storeB.close();
    }
    return 0;
  }
  const dir = positionals[0] as string;
  const store = await openCrawl(dir, values["crawl-a"]);
  try {
    const diff = await diffVariants(store);
    if (!diff)
      throw new UsageError(
        `${dir} is one crawl, not a --compare-consent or --compare-gpc crawl: give two crawls to compare`,
      );
    const variants = [diff.before.label, diff.after.label];
    const refused = variants.includes("reject") ? "reject" : variants.includes("gpc") ? "gpc" : null;
    const ignoring = refused ? await ignoringTrackers(store, refused) : [];
    if (values.json) {
      process.stdout.write(
        `${JSON.stringify({ ...diff, ignoring: { variant: refused, trackers: ignoring } })}\n`,
      );
      return 0;
    }
    let text = formatDiff(diff);
    if (refused) {
      text +=
        refused === "reject"
          ? "\nTrackers that received data after the visitor refused consent:\n"
          : "\nTrackers that received data although the browser sent Global Privacy Control:\n";
      text += ignoring.length
        ? ignoring
            .map(
              (t) => `  ${safe(t.site, 100)}: ${trackerName(t)} (${t.pages} page${t.pages === 1 ? "" : "s"})`,
            )
            .join("\n")
        : "  none";
      text += "\n";
    }
    process.stdout.write(text);
    return 0;
  } finally {
    await store.close();
  }
}

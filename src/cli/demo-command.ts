import { parseArgs } from "node:util";
import { attributeUrl } from "../attribute/entities.ts";
import { partyOf } from "../attribute/party.ts";
import { demoSiteList, demoSites } from "../fixture-web/demo-web.ts";
import { FixtureWeb } from "../fixture-web/server.ts";
import { exportRecords } from "../store/export.ts";
import { CrawlStore } from "../store/sqlite-store.ts";
import { crawlCommand } from "./crawl-command.ts";

/**
 * Crawls the built-in demo web (fake sites with emulated trackers, served by a local proxy), so a
 * new user sees what Earshot records without touching the internet.
 */
export async function demoCommand(argv: string[], signal: AbortSignal): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { out: { type: "string" }, quiet: { type: "boolean" } },
  });
  const out = values.out ?? "earshot-demo";
  const web = new FixtureWeb(demoSites());
  await web.start();
  try {
    const args = [
      ...demoSiteList(),
      "--out",
      out,
      "--proxy",
      web.proxyUrl,
      "--ignore-https-errors",
      "--pages-per-site",
      "3",
      "--dwell",
      "1.5",
      "--timeout",
      "20",
      ...(values.quiet ? ["--quiet"] : []),
    ];
    const { exitCode } = await crawlCommand(args, signal);
    if (exitCode !== 0) return exitCode;
  } finally {
    await web.stop();
  }
  printSummary(out);
  return 0;
}

/** Per site: which companies its pages sent requests to. */
function printSummary(dir: string): void {
  const store = CrawlStore.open(dir);
  try {
    const bySite = new Map<string, Map<string, number>>();
    for (const r of exportRecords(store, "requests")) {
      const site = String(r.site);
      const companies = bySite.get(site) ?? new Map<string, number>();
      bySite.set(site, companies);
      if (partyOf(String(r.url), String(r.pageUrl)) === "first") continue;
      const who = attributeUrl(String(r.url));
      const name = who ? `${who.entity} (${who.tracker})` : new URL(String(r.url)).hostname;
      companies.set(name, (companies.get(name) ?? 0) + 1);
    }
    const lines = ["", "Third parties each site's pages sent requests to:"];
    for (const [site, companies] of bySite) {
      const list = [...companies].sort((a, b) => b[1] - a[1]).map(([name, n]) => `${name} ×${n}`);
      lines.push(`  ${site}: ${list.length ? list.join(", ") : "none"}`);
    }
    lines.push(
      "",
      `Results: ${store.path}`,
      `  bin/earshot export ${dir} --table requests --format csv -o requests.csv`,
      `  sqlite3 ${store.path} "SELECT url, post_data FROM requests WHERE post_data IS NOT NULL"`,
    );
    process.stdout.write(`${lines.join("\n")}\n`);
  } finally {
    store.close();
  }
}

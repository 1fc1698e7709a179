import { join } from "node:path";
import { parseArgs } from "node:util";
import { demoSiteList, demoSites } from "../fixture-web/demo-web.ts";
import { FixtureWeb } from "../fixture-web/server.ts";
import { CrawlStore } from "../store/crawl-store.ts";
import { exportRecords } from "../store/reads/export.ts";
import { crawlWith } from "./crawl-command.ts";
import { writeReport } from "./report-command.ts";

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
    const { exitCode } = await crawlWith(
      {
        out,
        proxy: web.proxyUrl,
        "ignore-https-errors": true,
        "pages-per-site": "3",
        // Behave like a visitor: the clinic's booking form shows what a form hands to trackers.
        interact: true,
        dwell: "1.5",
        timeout: "20",
        quiet: values.quiet ?? false,
      },
      demoSiteList(),
      signal,
    );
    if (exitCode !== 0) return exitCode;
  } finally {
    await web.stop();
  }
  await printSummary(out);
  const report = join(out, "report.html");
  await writeReport(out, report);
  process.stdout.write(
    `\nReport: ${report} (open it in a browser; it needs no network)\n  ${invokedAs()} serve ${out}   (the same views as a local web app)\n`,
  );
  return 0;
}

/** Per page: which companies learned what. */
async function printSummary(dir: string): Promise<void> {
  const store = await CrawlStore.open(dir);
  try {
    const lines = ["", "Who heard about each visit, and what they learned:"];
    let site = "";
    for await (const f of exportRecords(store, "findings")) {
      if (f.site !== site) {
        site = String(f.site);
        lines.push(`  ${site}`);
      }
      const sensitive = (f.sensitive as string[]).length ? ` [${(f.sensitive as string[]).join(", ")}]` : "";
      const path = new URL(String(f.pageUrl)).pathname + sensitive;
      const ids = (f.pixelIds as string[]).join(", ");
      const events = (f.events as string[]).join(", ");
      lines.push(
        `    ${path}: ${f.entity} (${f.tracker}${ids ? ` ${ids}` : ""})` +
          `${events ? ` events ${events};` : ""} ${(f.dataShared as string[]).join(", ")}`,
      );
    }
    lines.push(
      "",
      `Results: ${store.path}`,
      `  ${invokedAs()} export ${dir} --table findings --format csv -o findings.csv`,
      `  ${invokedAs()} export ${dir} --table requests --format jsonl`,
    );
    process.stdout.write(`${lines.join("\n")}\n`);
  } finally {
    await store.close();
  }
}

/** How the user ran Earshot (set by bin/earshot), so hints can be pasted back. */
function invokedAs(): string {
  return process.env.EARSHOT_INVOKED_AS || "earshot";
}

/**
 * The baseline the crawl is measured against: a bare Playwright loop over the same sites with the
 * same browser flags, concurrency, pages per site, dwell and timeout, capturing nothing.
 *
 *   node --import tsx bench/bare-loop.ts --list FILE --proxy URL [--concurrency C] [--pages-per-site P] [--dwell S] [--timeout S]
 *
 * Prints one JSON line: pages loaded and seconds. Run by `bench/crawl-bench.ts`.
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { chromium } from "playwright-core";
import { CHROMIUM_FLAGS, findChromium } from "../src/crawl/browser.ts";

const { values } = parseArgs({
  options: {
    list: { type: "string" },
    proxy: { type: "string" },
    concurrency: { type: "string", default: "4" },
    "pages-per-site": { type: "string", default: "2" },
    dwell: { type: "string", default: "1" },
    timeout: { type: "string", default: "30" },
  },
});
const sites = readFileSync(values.list as string, "utf8")
  .split("\n")
  .map((l) => l.trim())
  .filter((l) => l && !l.startsWith("#"));
const pagesPerSite = Number(values["pages-per-site"]);
const dwellMs = Number(values.dwell) * 1000;
const timeoutMs = Number(values.timeout) * 1000;

const browser = await chromium.launch({
  executablePath: findChromium(),
  // The crawler's own flags (Playwright adds its automation defaults to both alike).
  // As root, Playwright cannot start the browser as another account, so this loop runs unsandboxed
  // while Earshot's crawl keeps its sandbox: the comparison is, if anything, in the loop's favour.
  args: [
    ...CHROMIUM_FLAGS,
    "--ignore-certificate-errors",
    ...(process.getuid?.() === 0 ? ["--no-sandbox"] : []),
  ],
  proxy: values.proxy ? { server: values.proxy } : undefined,
});
const started = Date.now();
let pages = 0;
const queue = [...sites];

async function visit(site: string): Promise<void> {
  const context = await browser.newContext({ ignoreHTTPSErrors: true });
  try {
    const page = await context.newPage();
    const home = `https://${site}/`;
    await page.goto(home, { waitUntil: "load", timeout: timeoutMs }).catch(() => {});
    await page.waitForTimeout(dwellMs);
    pages++;
    // The same choice of subpages a crawl has: same-site links, in page order.
    const links = await page
      .$$eval("a[href]", (anchors) => anchors.map((a) => (a as HTMLAnchorElement).href))
      .catch(() => [] as string[]);
    const subpages = [...new Set(links.filter((l) => l.startsWith(home) && l !== home))].slice(
      0,
      pagesPerSite - 1,
    );
    for (const url of subpages) {
      await page.goto(url, { waitUntil: "load", timeout: timeoutMs }).catch(() => {});
      await page.waitForTimeout(dwellMs);
      pages++;
    }
  } finally {
    await context.close();
  }
}

await Promise.all(
  Array.from({ length: Number(values.concurrency) }, async () => {
    for (let site = queue.shift(); site; site = queue.shift()) await visit(site);
  }),
);
await browser.close();
console.log(JSON.stringify({ pages, seconds: (Date.now() - started) / 1000 }));

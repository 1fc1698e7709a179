// The sensitive-page classifier scored: first on real pages of real sites (test/fixtures/real-pages.ts,
// read from ../shared and from public repositories fetched outside the checkout), then on the labelled
// evaluation web (test/fixtures/sensitive-web.ts) crawled. Precision and recall per category, for
// pages and for sites, with every error. `npm run eval:sensitive`.
import { evaluateRealPages, REAL_PAGES } from "../test/fixtures/real-pages.ts";
import { evaluateSensitiveCrawl, formatTable } from "../test/fixtures/sensitive-eval.ts";

const errorLine = (e: { id: string; expected: string[]; got: string[]; evidence: string }) =>
  `  ${e.id}: labelled [${e.expected.join(", ")}], classified [${e.got.join(", ")}] (${e.evidence.slice(0, 200)})`;

const real = evaluateRealPages();
const found = REAL_PAGES.length - real.missing.length;
console.log(formatTable(`Real pages (${found} of ${REAL_PAGES.length} found)`, real.pages));
console.log(formatTable("Real sites (their home pages)", real.sites));
for (const e of [...real.pages.errors, ...real.sites.errors]) console.log(errorLine(e));
for (const m of real.missing)
  console.log(`  not found: ${m} (fetch its repository with the search tool's fetch)`);

const started = Date.now();
const result = await evaluateSensitiveCrawl();
console.log(
  formatTable(`Evaluation web, pages (${result.pages.rows.at(-1)?.tp ?? 0} labels found)`, result.pages),
);
console.log(formatTable("Evaluation web, sites", result.sites));
console.log(`Language detected right on ${result.language.right} of ${result.language.total} pages`);
for (const e of [...result.pages.errors, ...result.sites.errors]) console.log(errorLine(e));
for (const w of result.language.wrong.slice(0, 20)) console.log(`  ${w}`);
console.log(`(crawl in ${result.dir}, ${((Date.now() - started) / 1000).toFixed(0)} s)`);

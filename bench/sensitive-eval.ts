// The labelled evaluation web (test/fixtures/sensitive-web.ts) crawled and scored: precision and
// recall per sensitive category, for pages and for sites. `npm run eval:sensitive`.
import { evaluateSensitiveCrawl, formatTable } from "../test/fixtures/sensitive-eval.ts";

const started = Date.now();
const result = await evaluateSensitiveCrawl();
console.log(formatTable(`Pages (${result.pages.rows.at(-1)?.tp ?? 0} labels found)`, result.pages));
console.log(formatTable("Sites", result.sites));
console.log(`Language detected right on ${result.language.right} of ${result.language.total} pages`);
for (const e of [...result.pages.errors, ...result.sites.errors])
  console.log(
    `  ${e.id}: labelled [${e.expected.join(", ")}], classified [${e.got.join(", ")}] (${e.evidence.slice(0, 160)})`,
  );
for (const w of result.language.wrong.slice(0, 20)) console.log(`  ${w}`);
console.log(`(crawl in ${result.dir}, ${((Date.now() - started) / 1000).toFixed(0)} s)`);

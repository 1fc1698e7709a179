// The consent banner corpus (test/fixtures/banner-corpus.ts) crawled in every mode and scored against
// the sites' own record of what the visitor chose: `npm run eval:consent [-- --runs reject,accept]`.
import { parseArgs } from "node:util";
import { evaluateConsent, formatScores, RUNS } from "../test/fixtures/consent-eval.ts";

const { values } = parseArgs({ options: { runs: { type: "string" } } });
const wanted = values.runs?.split(",") ?? null;
const runs = wanted ? RUNS.filter((r) => wanted.includes(`${r.mode}${r.interact ? "+interact" : ""}`)) : RUNS;
const started = Date.now();
const scores = await evaluateConsent(runs);
console.log(formatScores(scores));
console.log(`(${((Date.now() - started) / 1000).toFixed(0)} s)`);

/**
 * `npm run bench:import [-- --entries N]`: writes a HAR of N entries (default 200,000; 50 requests a
 * page, each response with a 500-byte body, as a network panel saves them), imports it with
 * `earshot import`, and prints its size, the time, requests per second and the peak memory.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";

const { values } = parseArgs({ options: { entries: { type: "string", default: "200000" } } });
const total = Number(values.entries);
const dir = mkdtempSync(join(tmpdir(), "earshot-import-bench-"));
const har = join(dir, "big.har");
const started = new Date("2026-01-01T00:00:00Z").getTime();
const header = (name: string, value: string) => ({ name, value });

function entry(i: number): object {
  const pageNo = Math.floor(i / 50);
  const pageUrl = `https://site${pageNo % 500}.example/page-${pageNo}`;
  const kind = i % 50;
  const url =
    kind === 0
      ? pageUrl
      : kind % 5 === 1
        ? `https://www.facebook.com/tr/?id=${1000 + (pageNo % 97)}&ev=PageView&dl=${encodeURIComponent(pageUrl)}&fbp=fb.1.${started}.${pageNo}`
        : kind % 5 === 2
          ? `https://region1.google-analytics.com/g/collect?v=2&tid=G-B${pageNo % 31}&cid=1.${pageNo}&en=page_view&dl=${encodeURIComponent(pageUrl)}`
          : `https://cdn${kind}.example/asset-${i}.js`;
  return {
    pageref: `page_${pageNo}`,
    startedDateTime: new Date(started + i * 10).toISOString(),
    time: 12,
    _resourceType: kind === 0 ? "document" : kind % 5 < 3 ? "image" : "script",
    request: {
      method: "GET",
      url,
      httpVersion: "h2",
      headers: [header("user-agent", "Mozilla/5.0"), header("referer", pageUrl)],
      cookies: [],
      queryString: [],
      headersSize: -1,
      bodySize: 0,
    },
    response: {
      status: 200,
      statusText: "OK",
      httpVersion: "h2",
      headers: [header("content-type", kind === 0 ? "text/html" : "application/javascript")],
      cookies: [],
      content: {
        size: 500,
        mimeType: kind === 0 ? "text/html" : "application/javascript",
        text:
          kind === 0
            ? `<html><title>Page ${pageNo}</title><main><h1>Page ${pageNo}</h1></main></html>`
            : "x".repeat(500),
      },
      redirectURL: "",
      headersSize: -1,
      bodySize: 500,
    },
    cache: {},
    timings: { send: 1, wait: 10, receive: 1 },
    serverIPAddress: "192.0.2.1",
  };
}

const pages = Math.ceil(total / 50);
const parts = [
  `{"log":{"version":"1.2","creator":{"name":"bench","version":"1"},"pages":${JSON.stringify(
    Array.from({ length: pages }, (_, p) => ({
      id: `page_${p}`,
      startedDateTime: new Date(started + p * 500).toISOString(),
      title: `Page ${p}`,
      pageTimings: {},
    })),
  )},"entries":[`,
];
for (let i = 0; i < total; i++) parts.push(`${i ? "," : ""}${JSON.stringify(entry(i))}`);
parts.push("]}}");
writeFileSync(har, parts.join(""));
const size = statSync(har).size;
const earshot = resolve(import.meta.dirname, "..", "bin", "earshot");
const t0 = Date.now();
// GNU time, where there is one, reports the import's peak memory (its last line of stderr, in KB).
const timed = existsSync("/usr/bin/time");
const run = spawnSync(
  timed ? "/usr/bin/time" : earshot,
  [...(timed ? ["-f", "%M", earshot] : []), "import", har, "--out", join(dir, "crawl")],
  { encoding: "utf8" },
);
const seconds = (Date.now() - t0) / 1000;
if (run.status !== 0) throw new Error(`import failed: ${run.stderr}`);
const peakKb = timed ? Number(run.stderr.trim().split("\n").at(-1)) : Number.NaN;
console.log(run.stderr.trim().split("\n")[0]);
console.log(
  `import of a ${(size / 1e6).toFixed(1)} MB HAR, ${total} requests in ${pages} pages: ${seconds.toFixed(1)} s, ` +
    `${Math.round(total / seconds)} requests/s (start-up included)` +
    (Number.isFinite(peakKb) ? `, peak memory ${Math.round(peakKb / 1024)} MB` : ""),
);
rmSync(dir, { recursive: true, force: true });

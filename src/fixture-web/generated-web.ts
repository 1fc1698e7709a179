import type { FixtureSite } from "./server.ts";
import { page, snippets, vendorSites } from "./vendors.ts";

/** A deterministic pseudo-random sequence, so a generated web is the same on every run. */
function random(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4294967296;
  };
}

const GENERIC_TAGS = 12;

/** Small third-party tag hosts: each serves a script that fires an image pixel and a beacon. */
function genericTagSites(): FixtureSite[] {
  return Array.from({ length: GENERIC_TAGS }, (_, j) => ({
    host: `tags.vendor-${j}.test`,
    routes: {
      "/tag.js": {
        headers: { "content-type": "application/javascript" },
        body: `(function(){var u=encodeURIComponent(location.href);new Image().src='https://tags.vendor-${j}.test/px.gif?u='+u;
          navigator.sendBeacon('https://tags.vendor-${j}.test/collect','page='+u);})();`,
      },
      "/px.gif": {
        headers: { "content-type": "image/gif" },
        body: Buffer.from("R0lGODlhAQABAAAAACw=", "base64"),
      },
      "/collect": { status: 204, body: "" },
    },
  }));
}

/**
 * A web of `count` sites (www.site-N.test), each with a home page carrying 5-15 third-party tags
 * (TikTok, Meta, GA4 and generic tag vendors) and two subpages, for tests and benchmarks at scale.
 */
export function generatedSites(count: number, seed = 42): FixtureSite[] {
  const next = random(seed);
  const sites: FixtureSite[] = [...vendorSites(), ...genericTagSites()];
  for (let i = 0; i < count; i++) {
    const tags: string[] = [];
    const wanted = 5 + Math.floor(next() * 11);
    if (next() < 0.5) tags.push(snippets.tiktok(`C4GEN${String(i).padStart(6, "0")}`));
    if (next() < 0.5) tags.push(snippets.meta(String(100000000 + i)));
    if (next() < 0.6) tags.push(snippets.ga4(`G-GEN${i}`));
    const start = Math.floor(next() * GENERIC_TAGS);
    for (let j = 0; tags.length < wanted && j < GENERIC_TAGS; j++) {
      tags.push(
        `<script async src="https://tags.vendor-${(start + j) % GENERIC_TAGS}.test/tag.js"></script>`,
      );
    }
    const host = `www.site-${i}.test`;
    sites.push({
      host,
      routes: {
        "/": page(
          `Site ${i}`,
          `<h1>Site ${i}</h1><a href="/news">News</a> <a href="/health/clinic">Health clinic</a>`,
          tags.join(""),
        ),
        "/news": page(`Site ${i} news`, "<h1>News</h1>", tags.slice(0, 3).join("")),
        "/health/clinic": page(`Site ${i} clinic`, "<h1>Clinic</h1>", tags.slice(0, 3).join("")),
      },
    });
  }
  return sites;
}

export function generatedSiteList(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `www.site-${i}.test`);
}

/**
 * A synthetic crawl database for measuring the report at scale: N sites (half "top-sites", half
 * "dotgov"), 1-3 pages each, tracker requests in each vendor's real wire format, sensitive pages,
 * failures, consent banners. Deterministic (seeded); analysed by the real analysis, stored by the real
 * store. Nothing is crawled.
 */
import { analysePage } from "../src/analyze/analyze-page.ts";
import type { CapturedCookie, CapturedRequest, PageCapture, SiteResult } from "../src/capture/types.ts";
import { DEFAULT_IDENTITY } from "../src/crawl/identity.ts";
import { CrawlStore } from "../src/store/crawl-store.ts";

function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const SENSITIVE_PAGES: Array<[string, string]> = [
  ["/health/hiv-treatment", "HIV treatment and testing"],
  ["/mental-health/depression", "Depression support"],
  ["/benefits/food-assistance", "SNAP food assistance"],
  ["/help/domestic-violence", "Domestic violence help"],
  ["/worship/prayer", "Prayer requests for our church"],
  ["/immigration/visa", "Immigration and visa help"],
  ["/debt/bankruptcy", "Debt relief and bankruptcy"],
  ["/lgbtq/youth", "LGBTQ youth support"],
  ["/pregnancy/abortion-services", "Abortion and pregnancy services"],
  ["/kids/games", "Games for kids"],
];
const PLAIN_PAGES: Array<[string, string]> = [
  ["/about", "About us"],
  ["/news", "Latest news"],
  ["/contact", "Contact"],
];

function request(
  url: string,
  method: string,
  sentAt: number,
  extra: Partial<CapturedRequest> = {},
): CapturedRequest {
  return {
    requestId: String(Math.floor(sentAt * 1000) % 1e9),
    hop: 0,
    targetKind: "page",
    frameId: "F",
    documentUrl: null,
    url,
    method,
    resourceType: method === "POST" ? "fetch" : "image",
    requestHeaders: { "user-agent": "Mozilla/5.0 Chrome/156", ...(extra.requestHeaders ?? {}) },
    postData: null,
    postDataLength: null,
    postDataSha256: null,
    initiatorType: "script",
    initiatorUrl: null,
    initiatorStack: null,
    sentAt,
    status: 200,
    responseHeaders: { "content-type": "text/plain" },
    remoteIp: "203.0.113.7",
    mimeType: "text/plain",
    protocol: "h2",
    fromCache: false,
    encodedSize: 120,
    error: null,
    redirectedTo: null,
    ...extra,
  };
}

function page(
  rnd: () => number,
  host: string,
  path: string,
  title: string,
  depth: number,
  at: number,
  vendors: string[],
): PageCapture {
  const url = `https://${host}${path}`;
  const ttp = `ttp${Math.floor(rnd() * 1e12)}`;
  const fbp = `fb.1.${at}.${Math.floor(rnd() * 1e9)}`;
  const ga = `GA1.1.${Math.floor(rnd() * 1e9)}.${Math.floor(at / 1000)}`;
  const requests: CapturedRequest[] = [
    request(url, "GET", at, { resourceType: "document", mimeType: "text/html" }),
  ];
  const cookies: CapturedCookie[] = [];
  const cookie = (name: string, value: string) =>
    cookies.push({
      name,
      domain: `.${host}`,
      path: "/",
      value,
      valueLength: value.length,
      valueSha256: null,
      expires: null,
      httpOnly: false,
      secure: true,
      sameSite: null,
      setBy: null,
    });
  let t = at + 200;
  for (const vendor of vendors) {
    t += 50;
    if (vendor === "tiktok") {
      cookie("_ttp", ttp);
      const body = JSON.stringify({
        event: "Pageview",
        message_id: `messageId-${t}`,
        event_id: "",
        is_onsite: false,
        timestamp: new Date(t).toISOString(),
        context: {
          ad: {},
          user: { anonymous_id: ttp },
          pixel: { code: `C4${host.length}SYNTH${depth}` },
          page: { url, referrer: "" },
          library: { name: "pixel.js", version: "2.2.1" },
        },
        properties: {},
      });
      requests.push(
        request("https://analytics.tiktok.com/api/v2/pixel", "POST", t, {
          postData: body,
          postDataLength: body.length,
          requestHeaders: { "content-type": "application/json" },
        }),
      );
    } else if (vendor === "meta") {
      cookie("_fbp", fbp);
      requests.push(
        request(
          `https://www.facebook.com/tr/?id=${1000000000000000 + host.length}&ev=PageView&dl=${encodeURIComponent(url)}&fbp=${fbp}`,
          "GET",
          t,
        ),
      );
    } else if (vendor === "ga4") {
      cookie("_ga", ga);
      requests.push(
        request(
          `https://region1.google-analytics.com/g/collect?v=2&tid=G-SYNTH${host.length}&cid=${ga.slice(6)}&en=page_view&dl=${encodeURIComponent(url)}&dt=${encodeURIComponent(title)}`,
          "POST",
          t,
        ),
      );
    } else if (vendor === "ads") {
      requests.push(
        request(
          `https://googleads.g.doubleclick.net/pagead/viewthroughconversion/${100000 + host.length}/?url=${encodeURIComponent(url)}&label=abc`,
          "GET",
          t,
        ),
      );
    } else if (vendor === "linkedin") {
      requests.push(
        request(
          `https://px.ads.linkedin.com/collect?pid=${5000 + host.length}&url=${encodeURIComponent(url)}`,
          "GET",
          t,
        ),
      );
    } else {
      requests.push(
        request(`https://cdnjs.cloudflare.com/ajax/libs/x/${vendor}.js`, "GET", t, {
          resourceType: "script",
        }),
      );
    }
  }
  // A tag that only ever loads its script (switched off, or waiting for consent): not data received.
  if (host.length % 4 === 0) {
    requests.push(
      request("https://static.hotjar.com/c/hotjar-3456789.js?sv=6", "GET", t + 10, {
        resourceType: "script",
      }),
    );
  }
  return {
    depth,
    requestedUrl: url,
    finalUrl: url,
    title,
    content: { headings: [title], description: null, text: `${title}. Welcome to ${host}.` },
    consent: null,
    status: "ok",
    httpStatus: 200,
    error: null,
    startedAt: at,
    endedAt: t + 1000,
    requests,
    cookies,
    storage: [],
    webSockets: [],
    events: [],
  };
}

/** Writes a synthetic crawl of `sites` sites into crawl directory `dir`; returns the counts written. */
export async function writeSyntheticCrawl(
  dir: string,
  sites: number,
  seed = 1,
): Promise<{ sites: number; pages: number }> {
  const store = await CrawlStore.open(dir);
  try {
    return await writeSyntheticSites(store, sites, seed);
  } finally {
    await store.close();
  }
}

/** Writes `sites` synthetic sites into a crawl store (SQLite or PostgreSQL). */
export async function writeSyntheticSites(
  store: CrawlStore,
  sites: number,
  seed = 1,
): Promise<{ sites: number; pages: number }> {
  const rnd = random(seed);
  const start = Date.UTC(2026, 10, 1);
  const entries = Array.from({ length: sites }, (_, i) => {
    const gov = i % 2 === 1;
    const site = gov ? `agency-${i}.example.gov` : `www.site-${i}.example.com`;
    return {
      site,
      inputUrl: `https://${site}/`,
      rank: gov ? null : i + 1,
      list: gov ? "dotgov" : "top-sites",
    };
  });
  await store.addSites(entries);
  await store.setMeta("created_at", String(start));
  await store.setMeta(
    "config",
    JSON.stringify({ consent: "ignore", gpc: false, interact: false, pagesPerSite: 3 }),
  );
  await store.setMeta("browser", JSON.stringify({ version: "synthetic" }));
  const ids = await store.sql.all<{ id: number; site: string; inputUrl: string }>(
    `SELECT id, site, input_url AS "inputUrl" FROM sites ORDER BY position`,
  );
  let pages = 0;
  for (const [i, s] of ids.entries()) {
    const at = start + i * 1000;
    if (rnd() < 0.05) {
      await store.writeSite(s.id, {
        site: s.site,
        inputUrl: s.inputUrl,
        finalUrl: null,
        status: "failed",
        error: "timeout",
        errorDetail: "navigation timeout",
        pages: [],
        startedAt: at,
        endedAt: at + 30000,
      } satisfies SiteResult);
      continue;
    }
    const gov = s.site.endsWith(".gov");
    const vendors = ["tiktok", "meta", "ga4", "ads", "linkedin", "jquery"].filter(
      (v) =>
        rnd() <
        (v === "ga4" ? 0.7 : v === "tiktok" ? (gov ? 0.1 : 0.3) : v === "meta" ? (gov ? 0.1 : 0.45) : 0.25),
    );
    const count = 1 + Math.floor(rnd() * 3);
    const result: SiteResult = {
      site: s.site,
      inputUrl: s.inputUrl,
      finalUrl: s.inputUrl,
      status: "ok",
      error: null,
      errorDetail: null,
      pages: [],
      startedAt: at,
      endedAt: at + 9000,
    };
    for (let d = 0; d < count; d++) {
      const [path, title] =
        d === 0
          ? ["/", `Home of ${s.site}`]
          : rnd() < 0.5
            ? (SENSITIVE_PAGES[Math.floor(rnd() * SENSITIVE_PAGES.length)] as [string, string])
            : (PLAIN_PAGES[Math.floor(rnd() * PLAIN_PAGES.length)] as [string, string]);
      result.pages.push(page(rnd, s.site, path, title, d, at + d * 3000, vendors));
    }
    const analysis = result.pages.map((p) =>
      analysePage(
        {
          pageUrl: p.finalUrl,
          title: p.title,
          content: p.content,
          requests: p.requests,
          cookies: p.cookies,
          storage: p.storage,
        },
        { identity: DEFAULT_IDENTITY },
      ),
    );
    await store.writeSite(s.id, result, analysis);
    pages += result.pages.length;
  }
  return { sites, pages };
}

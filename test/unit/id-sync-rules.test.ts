/**
 * Issue 22: the identifier-sync rule on hand-made captures, without a browser: whose identifier a
 * value is, the forms it is found in, and the look-alikes that must not count; and which stored
 * CNAME chains make a host a tracker's.
 */
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { isSyncableId, syncsForPage } from "../../src/analyze/id-sync.ts";
import { cloakingOf } from "../../src/attribute/cloaking.ts";
import { newCapturedRequest } from "../../src/capture/request.ts";
import type { CapturedCookie, CapturedRequest, PageForAnalysis } from "../../src/capture/types.ts";

const PAGE = "https://www.news.test/story?id=42";
let sequence = 0;

function request(url: string, extra: Partial<CapturedRequest> = {}): CapturedRequest {
  sequence++;
  return newCapturedRequest({
    requestId: `r${sequence}`,
    targetKind: "page",
    url,
    method: "GET",
    resourceType: "image",
    documentUrl: PAGE,
    sentAt: 1000 + sequence,
    status: 200,
    responseHeaders: {},
    ...extra,
  });
}

/** A response of The Trade Desk setting `name=value`. */
const tradeDeskSets = (name: string, value: string) =>
  request("https://match.adsrvr.org/track/cmf/generic", {
    responseHeaders: { "set-cookie": `${name}=${value}; Domain=adsrvr.org; Path=/; SameSite=None; Secure` },
  });

function page(requests: CapturedRequest[], cookies: CapturedCookie[] = []): PageForAnalysis {
  return {
    pageUrl: PAGE,
    title: null,
    content: { headings: [], description: null, text: "" },
    requests,
    cookies,
    storage: [],
  };
}

const summary = (p: PageForAnalysis) =>
  syncsForPage(p).map(
    (s) => `${s.sourceEntity} ${s.idName} -> ${s.entity} ${s.means} ${s.encoding} ${s.where}`,
  );

describe("identifier syncing", () => {
  const id = "a3f9c2d1-7b4e-4f0a-9c8d-2e1b6a5f4c3d";

  it("finds an ID a response set, in another company's request: plain, base64 or hashed", () => {
    const b64 = Buffer.from(id).toString("base64").replace(/=+$/, "");
    const md5 = createHash("md5").update(id).digest("hex");
    expect(
      summary(
        page([
          tradeDeskSets("TDID", id),
          request(`https://pixel.rubiconproject.com/tap.php?put=${id}`),
          request(`https://bcp.crwdcntrl.net/map/?tpid=${b64}`),
          request("https://idsync.rlcdn.com/api/match", { method: "POST", postData: `{"hid":"${md5}"}` }),
        ]),
      ),
    ).toEqual([
      "The Trade Desk TDID -> Rubicon Project parameter plain query:put",
      "The Trade Desk TDID -> Lotame parameter base64 query:tpid",
      "The Trade Desk TDID -> LiveRamp IdentityLink body md5 body:$.hid",
    ]);
  });

  it("calls a hop of a redirect chain a redirect", () => {
    const hop = request(`https://pixel.rubiconproject.com/tap.php?put=${id}`, { hop: 1 });
    expect(summary(page([tradeDeskSets("TDID", id), hop]))).toEqual([
      "The Trade Desk TDID -> Rubicon Project redirect plain query:put",
    ]);
  });

  it("does not count timestamps, short values, URLs, the page's address or consent strings", () => {
    const tcf = "CP1x2AAP1x2AAAHABBENBAEsAP_gAAAAAAAAAAAA";
    for (const [name, value] of [
      ["TDCPM", "1795940844123"],
      ["seg", "4471"],
      ["landing", "www.news.test/story"],
      ["ref", "story?id=42"],
      ["euconsent-v2", tcf],
    ] as const) {
      const p = page([
        tradeDeskSets(name, value),
        request(`https://pixel.rubiconproject.com/tap.php?v=${encodeURIComponent(value)}`),
      ]);
      expect(summary(p), name).toEqual([]);
    }
    expect(isSyncableId("1795940844123", PAGE)).toBe(false);
    expect(isSyncableId(id, PAGE)).toBe(true);
  });

  it("does not count an ID shared inside one company, or the site's own", () => {
    const google = request("https://stats.g.doubleclick.net/set", {
      responseHeaders: { "set-cookie": `IDE=${id}; Domain=doubleclick.net` },
    });
    expect(
      summary(page([google, request(`https://googleads.g.doubleclick.net/pagead/x?gid=${id}`)])),
    ).toEqual([]);
    const site = request(PAGE, { responseHeaders: { "set-cookie": `sessionid=${id}; Path=/` } });
    expect(summary(page([site, request(`https://pixel.rubiconproject.com/tap.php?sid=${id}`)]))).toEqual([]);
  });
});

describe("CNAME cloaking, on stored chains", () => {
  it("takes an alias of a known target for its tracker, an alias of a CDN for nothing", () => {
    expect(cloakingOf("https://t.shop.test/x", { "t.shop.test": ["shop.eulerian.net"] })).toMatchObject({
      entity: "Eulerian",
      chain: ["shop.eulerian.net"],
    });
    expect(cloakingOf("https://cdn.shop.test/x", { "cdn.shop.test": ["shop.test.edgekey.net"] })).toBeNull();
  });

  it("reads only the page's own chains: a host named like an object's property, a damaged value", () => {
    expect(cloakingOf("http://constructor/x", {})).toBeNull();
    expect(cloakingOf("http://__proto__/x", {})).toBeNull();
    expect(cloakingOf("https://t.shop.test/x", JSON.parse('{"t.shop.test":"shop.eulerian.net"}'))).toBeNull();
  });
});

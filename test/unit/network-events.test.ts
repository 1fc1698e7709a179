/**
 * The network collector from CDP events alone (no browser): Chromium sends a response's extra info
 * (its Set-Cookie headers) before or after the next hop's request, and a redirect's cookies must stay
 * with the redirect's hop whichever comes first.
 */
import { describe, expect, it } from "vitest";
import type { PageContext, TargetRef } from "../../src/capture/collector.ts";
import { NetworkCollector } from "../../src/capture/network.ts";
import type { PageCapture } from "../../src/capture/types.ts";

const target: TargetRef = { sessionId: "S", targetId: "T", kind: "page", url: "https://www.site.test/" };
const context: PageContext = {
  browserContextId: "C",
  browserCommand: async () => null,
  targetCommand: async () => null,
  targets: () => [target],
};

const sent = (url: string, redirectStatus?: number) => ({
  method: "Network.requestWillBeSent",
  params: {
    requestId: "R1",
    request: { url, method: "GET", headers: {} },
    type: "Image",
    ...(redirectStatus
      ? { redirectResponse: { url: "https://match.adsrvr.test/m", status: redirectStatus, headers: {} } }
      : {}),
  },
});
const redirectExtra = {
  method: "Network.responseReceivedExtraInfo",
  params: { requestId: "R1", statusCode: 302, headers: { "set-cookie": "TDID=abc" } },
};
const finalExtra = {
  method: "Network.responseReceivedExtraInfo",
  params: { requestId: "R1", statusCode: 200, headers: { "content-type": "image/gif" } },
};
const received = {
  method: "Network.responseReceived",
  params: { requestId: "R1", response: { url: "https://pixel.rubicon.test/p", status: 200, headers: {} } },
};

async function hops(order: Array<{ method: string; params: Record<string, unknown> }>) {
  const collector = new NetworkCollector(context);
  for (const event of order) collector.onEvent(event, target);
  const page = { requests: [], events: [] } as unknown as PageCapture;
  await collector.finishPage(page);
  return page.requests.map((r) => ({
    url: r.url,
    status: r.status,
    cookie: r.responseHeaders?.["set-cookie"],
  }));
}

describe("network events", () => {
  const expected = [
    { url: "https://match.adsrvr.test/m", status: 302, cookie: "TDID=abc" },
    { url: "https://pixel.rubicon.test/p", status: 200, cookie: undefined },
  ];

  it("keeps a redirect's Set-Cookie on its own hop when its extra info comes before the next request", async () => {
    const order = [
      sent("https://match.adsrvr.test/m"),
      redirectExtra,
      sent("https://pixel.rubicon.test/p", 302),
      received,
      finalExtra,
    ];
    expect(await hops(order)).toEqual(expected);
  });

  it("and when it comes after the next hop's request, or after its response", async () => {
    const late = [
      sent("https://match.adsrvr.test/m"),
      sent("https://pixel.rubicon.test/p", 302),
      redirectExtra,
    ];
    expect(await hops([...late, received, finalExtra])).toEqual(expected);
    expect(await hops([...late, finalExtra, received])).toEqual(expected);
  });
});

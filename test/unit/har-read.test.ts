import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { HarError, readHar } from "../../src/capture/har-import.ts";
import { harVisit } from "../../src/capture/har-visit.ts";
import { tempDir } from "../helpers.ts";

const h = (name: string, value: string) => ({ name, value });

/** An entry as Chrome's network panel saves it: `_resourceType`, `_initiator`, HTTP/2 pseudo-headers. */
function entry(url: string, over: Record<string, unknown> = {}, request: Record<string, unknown> = {}) {
  return {
    startedDateTime: "2026-11-30T10:00:00.000Z",
    time: 5,
    request: {
      method: "GET",
      url,
      headers: [
        h(":authority", new URL(url).host),
        h(":path", new URL(url).pathname),
        h("User-Agent", "Mozilla/5.0"),
      ],
      cookies: [],
      ...request,
    },
    response: {
      status: 200,
      headers: [h("content-type", "text/html")],
      cookies: [],
      content: { size: 0, mimeType: "text/html" },
    },
    ...over,
  };
}

function writeHar(log: object): string {
  const path = join(tempDir(), "capture.har");
  writeFileSync(path, JSON.stringify({ log }));
  return path;
}

describe("reading HAR files as captures", () => {
  it("without log.pages: a page per top-level document, redirects followed, the document's text read", async () => {
    const html =
      "<html><head><title>Food assistance</title></head><body><nav>Menu</nav><main><h1>Apply for SNAP</h1><p>Food help for families.</p></main></body></html>";
    const path = writeHar({
      version: "1.2",
      creator: { name: "WebInspector", version: "537.36" },
      entries: [
        entry("https://benefits.example.gov/", {
          _resourceType: "document",
          response: {
            status: 301,
            headers: [],
            cookies: [],
            content: {},
            redirectURL: "https://www.benefits.example.gov/",
          },
        }),
        entry("https://www.benefits.example.gov/", {
          _resourceType: "document",
          response: {
            status: 200,
            headers: [h("content-type", "text/html")],
            cookies: [{ name: "sid", value: "abc123456789", httpOnly: true }],
            content: {
              mimeType: "text/html",
              text: Buffer.from(html).toString("base64"),
              encoding: "base64",
            },
          },
        }),
        entry(
          "https://www.facebook.com/tr/",
          {
            _resourceType: "ping",
            _initiator: {
              type: "script",
              stack: { callFrames: [{ url: "https://connect.facebook.net/en_US/fbevents.js" }] },
            },
          },
          {
            method: "POST",
            postData: {
              mimeType: "application/x-www-form-urlencoded",
              params: [h("id", "42"), h("ev", "PageView")],
            },
          },
        ),
        entry("https://www.benefits.example.gov/domestic-violence", { _resourceType: "document" }),
        entry(
          "https://www.benefits.example.gov/app.js",
          { _resourceType: "script" },
          { cookies: [{ name: "sid", value: "abc123456789" }] },
        ),
      ],
    });
    const har = await readHar(path);
    expect(har.creator).toEqual({ name: "WebInspector", version: "537.36" });
    const { site } = harVisit(har, null);
    // Named by where the visit started, as a crawl of the list entry "benefits.example.gov" would be.
    expect(site.site).toBe("benefits.example.gov");
    expect(site.pages.map((p) => [p.depth, p.finalUrl, p.requests.length])).toEqual([
      [0, "https://www.benefits.example.gov/", 3],
      [1, "https://www.benefits.example.gov/domestic-violence", 2],
    ]);
    const home = site.pages[0];
    expect(home?.title).toBe("Food assistance");
    expect(home?.content.headings).toEqual(["h1:Apply for SNAP"]);
    expect(home?.content.text).not.toContain("Menu");
    const beacon = home?.requests[2];
    expect(beacon).toMatchObject({ method: "POST", postData: "id=42&ev=PageView", resourceType: "ping" });
    expect(beacon?.initiatorUrl).toBe("https://connect.facebook.net/en_US/fbevents.js");
    expect(Object.keys(beacon?.requestHeaders ?? {})).not.toContain(":authority");
    expect(home?.cookies.map((c) => c.name)).toContain("sid");
    expect(site.pages[1]?.requests[1]?.requestHeaders.cookie).toBe("sid=abc123456789");
  });

  it("a capture filtered to one vendor's requests: the page is the one their Referer names, never the tracker's", async () => {
    const beacon = (id: string) =>
      entry(
        `https://www.facebook.com/tr/?id=${id}&ev=PageView`,
        {
          _resourceType: "image",
          response: {
            status: 200,
            headers: [h("Set-Cookie", "fr=0abc123456789xyz; Domain=.facebook.com; Path=/; Secure; HttpOnly")],
            content: { mimeType: "image/gif" },
          },
        },
        { headers: [h("Referer", "https://benefits.example.gov/food-help"), h("Sec-Fetch-Dest", "image")] },
      );
    const path = writeHar({
      version: "1.2",
      creator: { name: "WebInspector", version: "537.36" },
      entries: [beacon("1"), beacon("2")],
    });
    const { site, notes } = harVisit(await readHar(path), null);
    expect(site.site).toBe("benefits.example.gov");
    expect(site.pages.map((p) => [p.finalUrl, p.requests.length])).toEqual([
      ["https://benefits.example.gov/food-help", 2],
    ]);
    expect(notes.pages).toEqual([
      { url: "https://benefits.example.gov/food-help", inferredFrom: "the requests' Referer" },
    ]);
    // A Set-Cookie header, where the writer kept no cookie list, is still the cookie it set.
    expect(site.pages[0]?.cookies).toContainEqual(
      expect.objectContaining({
        name: "fr",
        domain: ".facebook.com",
        httpOnly: true,
        setBy: expect.stringContaining("facebook.com/tr"),
      }),
    );
  });

  it("frame documents, with or without Sec-Fetch-Dest, are requests of the page that framed them", async () => {
    const path = writeHar({
      version: "1.2",
      creator: { name: "chrome-har", version: "0.11.12" },
      pages: [{ id: "page_1", title: "http://clinic.example/", startedDateTime: "2026-11-30T10:00:00.000Z" }],
      entries: [
        entry(
          "https://clinic.example/",
          { pageref: "page_1", _initiator_type: "other" },
          { headers: [h("Sec-Fetch-Dest", "document")] },
        ),
        entry(
          "https://td.doubleclick.net/td/frame",
          { pageref: "page_1", startedDateTime: "2026-11-30T10:00:01.000Z" },
          { headers: [h("Sec-Fetch-Dest", "iframe")] },
        ),
        entry(
          "https://www.googletagmanager.com/ns.html",
          {
            pageref: "page_1",
            startedDateTime: "2026-11-30T10:00:02.000Z",
            _initiator: "https://www.googletagmanager.com/gtm.js",
            _initiator_type: "script",
            _initiator_detail: JSON.stringify({
              type: "script",
              stack: {
                callFrames: [
                  { url: "https://www.googletagmanager.com/gtm.js", functionName: "Xe", lineNumber: 9 },
                ],
              },
            }),
          },
          { headers: [h("Accept", "text/html")] },
        ),
        entry(
          "https://clinic.example/services",
          { pageref: "page_1", startedDateTime: "2026-11-30T10:00:05.000Z" },
          { headers: [h("Sec-Fetch-Dest", "document")] },
        ),
      ],
    });
    const { site, notes } = harVisit(await readHar(path), null);
    expect(site.site).toBe("clinic.example");
    expect(site.pages.map((p) => [p.finalUrl, p.requests.length])).toEqual([
      ["https://clinic.example/", 3],
      ["https://clinic.example/services", 1],
    ]);
    expect(notes.frames).toBe(2);
    expect(site.pages[0]?.requests[2]).toMatchObject({
      initiatorType: "script",
      initiatorUrl: "https://www.googletagmanager.com/gtm.js",
      initiatorStack: "Xe@https://www.googletagmanager.com/gtm.js:9",
    });
  });

  it("says what is wrong with a file that is cut short, not JSON, or not a HAR", async () => {
    const dir = tempDir();
    const cases: Array<[string, RegExp]> = [
      ['{"log": {"entries": [{"request": {"url": "https://a.example/"', /JSON|truncated/],
      ["<html>not a har</html>", /not valid JSON/],
      ['{"something": "else"}', /not a HAR file/],
      ['{"log": {"version": "1.2"}}', /no "log.entries"/],
    ];
    for (const [index, [text, reason]] of cases.entries()) {
      const path = join(dir, `bad-${index}.har`);
      writeFileSync(path, text);
      await expect(readHar(path)).rejects.toThrow(HarError);
      await expect(readHar(path)).rejects.toThrow(reason);
    }
    await expect(readHar(join(dir, "missing.har"))).rejects.toThrow(/cannot read it \(ENOENT\)/);
    // A byte-order mark before the JSON is allowed by the HAR spec.
    const bom = join(dir, "bom.har");
    writeFileSync(
      bom,
      `\ufeff${JSON.stringify({ log: { version: "1.2", entries: [entry("https://a.example/")] } })}`,
    );
    expect((await readHar(bom)).entries).toHaveLength(1);
  });
});

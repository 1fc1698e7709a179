import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { HarError, harSites, readHar } from "../src/capture/har.ts";
import { tempDir } from "./helpers.ts";

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
    const [site] = harSites(har, null);
    expect(site?.site).toBe("www.benefits.example.gov");
    expect(site?.pages.map((p) => [p.depth, p.finalUrl, p.requests.length])).toEqual([
      [0, "https://www.benefits.example.gov/", 3],
      [1, "https://www.benefits.example.gov/domestic-violence", 2],
    ]);
    const home = site?.pages[0];
    expect(home?.title).toBe("Food assistance");
    expect(home?.content.headings).toEqual(["h1:Apply for SNAP"]);
    expect(home?.content.text).not.toContain("Menu");
    const beacon = home?.requests[2];
    expect(beacon).toMatchObject({ method: "POST", postData: "id=42&ev=PageView", resourceType: "ping" });
    expect(beacon?.initiatorUrl).toBe("https://connect.facebook.net/en_US/fbevents.js");
    expect(Object.keys(beacon?.requestHeaders ?? {})).not.toContain(":authority");
    expect(home?.cookies.map((c) => c.name)).toContain("sid");
    expect(site?.pages[1]?.requests[1]?.requestHeaders.cookie).toBe("sid=abc123456789");
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
  });
});

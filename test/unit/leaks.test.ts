import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { findLeaks, identityNeedles, leakShares } from "../../src/analyze/leaks.ts";
import { attributeUrl } from "../../src/attribute/entities.ts";
import { DEFAULT_IDENTITY } from "../../src/crawl/identity.ts";

const needles = identityNeedles(DEFAULT_IDENTITY);
const sha256 = (v: string) => createHash("sha256").update(v).digest("hex");
const md5 = (v: string) => createHash("md5").update(v).digest("hex");
const sha1 = (v: string) => createHash("sha1").update(v).digest("hex");
const req = (url: string, postData: string | null = null, requestHeaders: Record<string, string> = {}) => ({
  url,
  postData,
  requestHeaders,
});
const summary = (leaks: ReturnType<typeof findLeaks>) =>
  leaks.map((l) => `${l.field}/${l.encoding}@${l.where}`);

describe("personal-data leaks", () => {
  const email = DEFAULT_IDENTITY.email; // alex.rivera.earshot@example.com

  it("finds the email plain, URL-encoded, base64 and hashed, and says where", () => {
    expect(summary(findLeaks(req(`https://t.example/p?em=${encodeURIComponent(email)}`), needles))).toEqual([
      "email/plain@query:em",
    ]);
    expect(summary(findLeaks(req(`https://t.example/p/${encodeURIComponent(email)}`), needles))).toEqual([
      "email/url@url",
    ]);
    expect(
      summary(findLeaks(req("https://t.example/p", `u=${Buffer.from(email).toString("base64")}`), needles)),
    ).toEqual(["email/base64@body:u"]);
    expect(
      summary(findLeaks(req(`https://www.facebook.com/tr/?id=1&udff[em]=${sha256(email)}`), needles)),
    ).toEqual(["email/sha256@query:udff[em]"]);
    expect(
      summary(
        findLeaks(
          req("https://t.example/p", JSON.stringify({ context: { user: { email: md5(email) } } })),
          needles,
        ),
      ),
    ).toEqual(["email/md5@body:$.context.user.email"]);
  });

  it("normalises as vendors do: email case and spaces, phone digits and E.164", () => {
    expect(
      summary(findLeaks(req("https://t.example/p", `{"e":"  ALEX.Rivera.Earshot@Example.com "}`), needles)),
    ).toEqual(["email/plain@body:$.e"]);
    expect(summary(findLeaks(req(`https://t.example/p?ph=${sha256("12025550143")}`), needles))).toEqual([
      "phone/sha256@query:ph",
    ]);
    expect(summary(findLeaks(req(`https://t.example/p?ph=${sha1("+12025550143")}`), needles))).toEqual([
      "phone/sha1@query:ph",
    ]);
    expect(summary(findLeaks(req("https://t.example/p?tel=%2B12025550143"), needles))).toEqual([
      "phone/plain@query:tel",
    ]);
  });

  it("matches names as words only, and finds them in headers", () => {
    expect(findLeaks(req("https://t.example/p?q=alexandria+riverside"), needles)).toEqual([]);
    expect(
      summary(findLeaks(req("https://t.example/p", null, { cookie: "fn=Alex; ln=Rivera" }), needles)),
    ).toEqual(["firstName/plain@header:cookie", "lastName/plain@header:cookie"]);
  });

  it("invents nothing in ordinary tracker traffic", () => {
    const ordinary = [
      req(
        "https://region1.google-analytics.com/g/collect?v=2&tid=G-1&cid=123.456&dl=https%3A%2F%2Fexample.com%2F&en=page_view",
      ),
      req(
        "https://analytics.tiktok.com/api/v2/pixel",
        JSON.stringify({ event: "Pageview", context: { user: { anonymous_id: "abc" } } }),
      ),
      req("https://www.facebook.com/tr/?id=1&ev=PageView&fbp=fb.1.1700000000000.12345"),
    ];
    for (const r of ordinary) expect(findLeaks(r, needles)).toEqual([]);
  });

  it("maps leaks to the contract's vocabulary", () => {
    expect(
      leakShares([
        { field: "email", encoding: "sha256", where: "x" },
        { field: "phone", encoding: "plain", where: "x" },
        { field: "lastName", encoding: "plain", where: "x" },
      ]),
    ).toEqual(["hashed_email", "phone", "name"]);
  });

  // Shapes of real requests in Dao and Fukuda's published leak data (CoNEXT 2021; `npm run eval:leaks`
  // measures the whole of it where it has been fetched), with this crawl's identity in place of theirs.
  it("finds hashes of hashes, upper-case hex, as real tags send them", () => {
    const criteo = `https://sslwidget.criteo.com/event?a=43096&v=5.7.0&p0=e%3Dce%26m%3D%255B${sha256(md5(email))}%255D&p1=e%3Dvh`;
    expect(summary(findLeaks(req(criteo), needles))).toEqual(["email/sha256_md5@query:p0"]);
    expect(summary(findLeaks(req(`https://t.example/s?h=${sha256(sha256(email))}`), needles))).toEqual([
      "email/sha256_sha256@query:h",
    ]);
    expect(summary(findLeaks(req(`https://t.example/s?h=${md5(sha256(email))}`), needles))).toEqual([
      "email/md5_sha256@query:h",
    ]);
    expect(
      summary(
        findLeaks(req(`https://www.facebook.com/tr/?id=1&udff[em]=${sha256(email).toUpperCase()}`), needles),
      ),
    ).toEqual(["email/sha256@query:udff[em]"]);
    expect(leakShares(findLeaks(req(criteo), needles))).toEqual(["hashed_email"]);
  });

  it("reads a query that is one encoded string, with no name and no '='", () => {
    const inner = `https://pexus.example/v1/create/$UID/c0a6/https%253A%252F%252Fwww.shop.example%252Fconfirm%253Femail%253D${email.replace("@", "%2540")}`;
    expect(summary(findLeaks(req(`https://secure.adnxs.com/getuid?${inner}`), needles))).toEqual([
      "email/url@query",
    ]);
  });

  it("does not report a name found only inside the address's own base64", () => {
    const identity = { ...DEFAULT_IDENTITY, firstName: "Alexandra", email: "alexandra.rivera@example.com" };
    const own = identityNeedles(identity);
    const b64 = (v: string) => Buffer.from(v).toString("base64");
    // base64("alexandra") is where base64("alexandra.rivera@…") starts.
    expect(b64(identity.email).startsWith(b64("alexandra").replace(/=+$/, ""))).toBe(true);
    expect(summary(findLeaks(req("https://t.example/p", `u=${b64(identity.email)}`), own))).toEqual([
      "email/base64@body:u",
    ]);
    expect(summary(findLeaks(req("https://t.example/p", `fn=${b64("alexandra")}`), own))).toEqual([
      "firstName/base64@body:fn",
    ]);
  });

  it("names receivers of personal data that third-party-web does not know", () => {
    expect(attributeUrl("https://dc.oracleinfinity.io/v3/abc?dcsuri=/signup")?.entity).toBe("Oracle");
    expect(attributeUrl("https://b97.yahoo.co.jp/pagead/conversion")?.entity).toBe("LY Corporation");
    expect(attributeUrl("https://www.unknown-shop.example/x")).toBeNull();
  });
});

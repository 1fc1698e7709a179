import { describe, expect, it } from "vitest";
import { DECODERS, decodeRequest, decoderInput, meaningsOf } from "../../src/decode/index.ts";
import type { Beacon } from "../../src/decode/types.ts";

function decode(url: string, body: string | null = null, method = body ? "POST" : "GET"): Beacon | null {
  const input = decoderInput(url, method, body);
  if (!input) throw new Error(`bad url ${url}`);
  // A decoder that throws is a bug: decodeRequest skips it in a crawl, the tests fail on it.
  return decodeRequest(input, (decoder, error) => {
    throw new Error(`decoder ${decoder.id} threw on ${url}: ${String(error)}`);
  });
}

const SHA256_EMAIL = "a".repeat(64);

describe("vendor decoders on recorded request shapes", () => {
  it("TikTok /api/v2/pixel: event, pixel codes, page, _ttp, hashed email", () => {
    const body = JSON.stringify({
      event: "SubmitForm",
      message_id: "messageId-1700000000000-1",
      context: {
        pixel: { code: "C4ABCDEF12345", codes: "C4ABCDEF12345|C5OTHER999" },
        page: {
          url: "https://benefits.example.gov/domestic-violence",
          referrer: "https://benefits.example.gov/",
        },
        user: { anonymous_id: "01HXYZttpvalue", sha256_email: SHA256_EMAIL },
        library: { name: "pixel.js", version: "2.1.33" },
      },
      properties: { content_name: "help form" },
    });
    const b = decode("https://analytics.tiktok.com/api/v2/pixel", body);
    expect(b).toMatchObject({
      vendor: "tiktok",
      entity: "ByteDance",
      tracker: "TikTok Pixel",
      kind: "beacon",
    });
    expect(b?.pixelIds).toEqual(["C4ABCDEF12345", "C5OTHER999"]);
    expect(b?.events).toEqual(["SubmitForm"]);
    expect(b?.pageUrl).toBe("https://benefits.example.gov/domestic-violence");
    expect(b?.identifiers).toContainEqual({
      param: "context.user.anonymous_id",
      value: "01HXYZttpvalue",
      cookie: "_ttp",
    });
    expect(b?.shared).toEqual(
      expect.arrayContaining(["page_url", "referrer", "unique_id", "event", "hashed_email", "custom_data"]),
    );
  });

  it("TikTok /act click data, batch and legacy v1 shapes", () => {
    const act = decode(
      "https://analytics.us.tiktok.com/api/v2/pixel/act",
      JSON.stringify({
        event: "ClickButton",
        action: "Click",
        context: { pixel: { code: "C4ACT" }, user: { anonymous_id: "ttp-1" } },
        auto_collected_properties: { trigger_element: { tag: "BUTTON", inner_text: "Apply for SNAP" } },
      }),
    );
    expect(act?.events).toEqual(["ClickButton", "Click"]);
    expect(act?.details.clicked).toBe("Apply for SNAP");
    const batch = decode(
      "https://analytics.tiktok.com/api/v2/pixel/batch",
      JSON.stringify({
        batch: [
          { event: "Pageview", context: { pixel: { code: "C4B" } } },
          { event: "ViewContent", context: { pixel: { code: "C4B" } } },
        ],
      }),
    );
    expect(batch?.events).toEqual(["Pageview", "ViewContent"]);
    const v1 = decode(
      "https://analytics.tiktok.com/api/v1/track",
      JSON.stringify({
        event: "Browse",
        context: {
          pixel: { code: "BTLEGACY" },
          user: { user_id: "u1", device_id: "d1" },
          page: { url: "https://a.example/" },
        },
      }),
    );
    expect(v1?.pixelIds).toEqual(["BTLEGACY"]);
    expect(v1?.identifiers.map((i) => i.param)).toEqual(["context.user.user_id", "context.user.device_id"]);
    const loader = decode("https://analytics.tiktok.com/i18n/pixel/events.js?sdkid=C4LOADER&lib=ttq");
    expect(loader).toMatchObject({ kind: "loader", pixelIds: ["C4LOADER"], events: [] });
  });

  it("Meta /tr by GET and POST form: id, ev, dl, fbp, cd[], ud[] advanced matching", () => {
    const get = decode(
      "https://www.facebook.com/tr/?id=1234567890123456&ev=SubscribedButtonClick&dl=https%3A%2F%2Fclinic.example%2Fhiv-testing&rl=https%3A%2F%2Fclinic.example%2F&if=false&ts=1700000000000&cd[buttonText]=Book%20appointment&cd[pageFeatures]=%7B%22title%22%3A%22HIV%20testing%22%7D&sw=1366&sh=768&v=2.9.156&r=stable&ec=2&o=4126&fbp=fb.1.1700000000000.987654321&udff[em]=" +
        SHA256_EMAIL,
    );
    expect(get).toMatchObject({
      vendor: "meta",
      entity: "Meta",
      tracker: "Meta Pixel",
      pageUrl: "https://clinic.example/hiv-testing",
    });
    expect(get?.events).toEqual(["SubscribedButtonClick"]);
    expect(get?.pageTitle).toBe("HIV testing");
    expect(get?.details.clicked).toBe("Book appointment");
    expect(get?.identifiers).toEqual([
      { param: "fbp", value: "fb.1.1700000000000.987654321", cookie: "_fbp" },
    ]);
    expect(get?.shared).toEqual(
      expect.arrayContaining(["hashed_email", "custom_data", "page_title", "referrer"]),
    );
    const post = decode(
      "https://www.facebook.com/tr/",
      `id=42&ev=Lead&dl=https%3A%2F%2Fa.example%2F&ud[ph]=${SHA256_EMAIL}`,
    );
    expect(post?.events).toEqual(["Lead"]);
    expect(post?.shared).toContain("hashed_phone");
    expect(decode("https://connect.facebook.net/signals/config/1234567890?v=2.9.156&r=stable")).toMatchObject(
      {
        kind: "loader",
        pixelIds: ["1234567890"],
      },
    );
    expect(decode("https://www.facebook.com/sharer.php?u=x")).toBeNull();
  });

  it("GA4 /g/collect with several events in one POST body, ep./epn./up., cid linked to _ga", () => {
    const url =
      "https://region1.google-analytics.com/g/collect?v=2&tid=G-ABC123XYZ&gtm=45je5&_p=123&cid=1234567890.1700000000&ul=en-us&sr=1366x768&sid=1700000000&sct=1&seg=1&dl=https%3A%2F%2Fshop.example%2Fcheckout&dr=https%3A%2F%2Fshop.example%2Fcart&dt=Checkout&_s=3";
    const b = decode(
      url,
      "en=begin_checkout&ep.coupon=SAVE10&epn.value=42\nen=add_payment_info&up.plan=gold",
    );
    expect(b).toMatchObject({
      vendor: "ga4",
      tracker: "Google Analytics 4",
      pageUrl: "https://shop.example/checkout",
      pageTitle: "Checkout",
    });
    expect(b?.pixelIds).toEqual(["G-ABC123XYZ"]);
    expect(b?.events).toEqual(["begin_checkout", "add_payment_info"]);
    expect(b?.identifiers).toContainEqual({ param: "cid", value: "1234567890.1700000000", cookie: "_ga" });
    expect(b?.details["ep.coupon"]).toBe("SAVE10");
    expect(b?.details["up.plan"]).toBe("gold");
    // Server-side tagging on a first-party host is still GA4.
    const sst = decode("https://metrics.shop.example/g/collect?v=2&tid=G-SST999&cid=1.2&en=page_view");
    expect(sst?.tracker).toBe("Google Analytics 4");
    expect(decode("https://shop.example/g/collect?foo=bar")).toBeNull();
  });

  it("Universal Analytics and Google's tag loaders", () => {
    const ua = decode(
      "https://www.google-analytics.com/collect?v=1&_v=j101&t=event&tid=UA-12345-1&cid=555.666&ec=video&ea=play&dl=https%3A%2F%2Fa.example%2F",
    );
    expect(ua).toMatchObject({ vendor: "universal-analytics", pixelIds: ["UA-12345-1"], events: ["play"] });
    expect(decode("https://www.googletagmanager.com/gtag/js?id=G-LOAD1")).toMatchObject({
      kind: "loader",
      tracker: "Google Analytics 4",
    });
    expect(decode("https://www.googletagmanager.com/gtm.js?id=GTM-ABCD")).toMatchObject({
      tracker: "Google Tag Manager",
    });
  });

  it("Google Ads conversion and remarketing pixels with data= parsed, and Floodlight", () => {
    const b = decode(
      "https://googleads.g.doubleclick.net/pagead/viewthroughconversion/987654321/?random=1&cv=11&fst=1&num=1&label=AbC-D_efG&guid=ON&data=event%3Dpurchase%3Becomm_pagetype%3Dpurchase%3Bvalue%3D42&url=https%3A%2F%2Frehab.example%2Fadmissions&ref=&tiba=Admissions&async=1&fmt=3",
    );
    expect(b).toMatchObject({
      vendor: "google-ads",
      tracker: "Google Ads",
      pageUrl: "https://rehab.example/admissions",
      pageTitle: "Admissions",
    });
    expect(b?.pixelIds).toEqual(["AW-987654321"]);
    expect(b?.events).toEqual(["purchase"]);
    expect(b?.details["data.ecomm_pagetype"]).toBe("purchase");
    expect(
      decode("https://www.google.com/pagead/1p-user-list/987654321/?random=1&url=https%3A%2F%2Fa.example%2F")
        ?.events,
    ).toEqual(["remarketing"]);
    expect(decode("https://www.google.co.in/pagead/1p-user-list/1/?url=x")?.vendor).toBe("google-ads");
    const fl = decode(
      "https://ad.doubleclick.net/activityi;src=1234567;type=sales0;cat=purch0;u1=gold;ord=1?",
    );
    expect(fl).toMatchObject({ vendor: "floodlight", pixelIds: ["DC-1234567"], events: ["purch0"] });
  });

  it("LinkedIn, Snap, Pinterest, X", () => {
    expect(
      decode(
        "https://px.ads.linkedin.com/collect?v=2&fmt=js&pid=123456&time=1700000000000&url=https%3A%2F%2Fa.example%2Fjobs",
      ),
    ).toMatchObject({
      vendor: "linkedin",
      entity: "LinkedIn",
      pixelIds: ["123456"],
      events: ["pageview"],
      pageUrl: "https://a.example/jobs",
    });
    expect(decode("https://px.ads.linkedin.com/collect/?pid=1&conversionId=777&fmt=gif")?.events).toEqual([
      "conversion:777",
    ]);
    const snap = decode(
      "https://tr.snapchat.com/p",
      `pid=abc-123&ev=PAGE_VIEW&pl=https%3A%2F%2Fa.example%2F&u_hem=${SHA256_EMAIL}&e_desc=x&u_c1=scid-value-1`,
    );
    expect(snap).toMatchObject({ vendor: "snap", pixelIds: ["abc-123"], events: ["PAGE_VIEW"] });
    expect(snap?.shared).toEqual(expect.arrayContaining(["hashed_email", "custom_data", "unique_id"]));
    const pin = decode(
      `https://ct.pinterest.com/v3/?event=checkout&ed=%7B%22value%22%3A10%7D&tid=2612345678901&pd=%7B%22em%22%3A%22${SHA256_EMAIL}%22%7D&ad=%7B%22loc%22%3A%22https%3A%2F%2Fa.example%2Fcart%22%7D&cb=1`,
    );
    expect(pin).toMatchObject({
      vendor: "pinterest",
      pixelIds: ["2612345678901"],
      events: ["checkout"],
      pageUrl: "https://a.example/cart",
    });
    expect(pin?.shared).toContain("hashed_email");
    const tw = decode(
      "https://analytics.twitter.com/i/adsct?txn_id=o1abc&p_id=Twitter&tw_sale_amount=0&tw_order_quantity=0&events=%5B%5B%22pageview%22%2Cnull%5D%5D&tw_document_href=https%3A%2F%2Fa.example%2Fpride",
    );
    expect(tw).toMatchObject({
      vendor: "x",
      entity: "X",
      pixelIds: ["o1abc"],
      events: ["pageview"],
      pageUrl: "https://a.example/pride",
    });
    expect(
      decode("https://t.co/i/adsct?txn_id=o2&events=%5B%5B%22purchase%22%2C%7B%22value%22%3A1%7D%5D%5D")
        ?.events,
    ).toEqual(["purchase"]);
  });

  it("Microsoft UET and Clarity, Reddit, Criteo, Hotjar, Segment, Matomo", () => {
    const uet = decode(
      "https://bat.bing.com/action/0?ti=5555555&Ver=2&mid=abc&evt=custom&ea=apply&p=https%3A%2F%2Fa.example%2Fdebt-help&tl=Debt%20help&vid=vid-123456&sid=sid-1",
    );
    expect(uet).toMatchObject({
      vendor: "microsoft-uet",
      entity: "Microsoft",
      pixelIds: ["5555555"],
      events: ["apply"],
      pageTitle: "Debt help",
    });
    expect(uet?.identifiers.map((i) => i.cookie)).toEqual(["_uetvid", "_uetsid"]);
    expect(decode("https://www.clarity.ms/tag/abcd1234")).toMatchObject({
      vendor: "microsoft-clarity",
      kind: "loader",
      pixelIds: ["abcd1234"],
    });
    expect(decode("https://k.clarity.ms/collect", "compressed")?.events).toEqual(["session_recording"]);
    expect(
      decode("https://alb.reddit.com/rp.gif?ts=1&id=t2_abc&event=PageVisit&uuid=uuid-123456&m.itemCount=1"),
    ).toMatchObject({
      vendor: "reddit",
      pixelIds: ["t2_abc"],
      events: ["PageVisit"],
    });
    expect(
      decode(
        "https://sslwidget.criteo.com/event?a=12345&v=5.23&p0=e%3Dexd%26site_type%3Dd&p1=e%3Dvh&u=https%3A%2F%2Fa.example%2F",
      ),
    ).toMatchObject({
      vendor: "criteo",
      pixelIds: ["12345"],
      events: ["exd", "vh"],
    });
    expect(decode("https://static.hotjar.com/c/hotjar-3141592.js?sv=6")).toMatchObject({
      vendor: "hotjar",
      pixelIds: ["3141592"],
    });
    const seg = decode(
      "https://api.segment.io/v1/t",
      JSON.stringify({
        writeKey: "WK123",
        type: "track",
        event: "Signed Up",
        anonymousId: "anon-123456",
        context: { page: { url: "https://a.example/signup" } },
        traits: { email: "x@y.example" },
      }),
    );
    expect(seg).toMatchObject({
      vendor: "segment",
      pixelIds: ["WK123"],
      events: ["Signed Up"],
      pageUrl: "https://a.example/signup",
    });
    expect(seg?.shared).toContain("email");
    const mat = decode(
      "https://stats.a.example/matomo.php?idsite=3&rec=1&action_name=Immigration%20help&url=https%3A%2F%2Fa.example%2Fimmigration&_id=0123456789abcdef",
    );
    expect(mat).toMatchObject({
      vendor: "matomo",
      pixelIds: ["3"],
      events: ["pageview"],
      pageTitle: "Immigration help",
    });
  });

  it("never throws on garbage and knows nothing of ordinary requests", () => {
    for (const [url, body] of [
      ["https://analytics.tiktok.com/api/v2/pixel", "{not json"],
      ["https://analytics.tiktok.com/api/v2/pixel", "null"],
      ["https://www.facebook.com/tr/?id=%E0%A4%A", null],
      ["https://region1.google-analytics.com/g/collect?v=2", "\u0000\u0001"],
      ["https://api.segment.io/v1/batch", '{"batch": 5}'],
    ] as const) {
      expect(() => decode(url, body)).not.toThrow();
    }
    expect(decode("https://cdnjs.cloudflare.com/ajax/libs/jquery/3.7.1/jquery.min.js")).toBeNull();
    expect(decode("https://fonts.googleapis.com/css2?family=Roboto")).toBeNull();
    expect(decode("https://www.example.com/collect")).toBeNull();
    expect(DECODERS.length).toBeGreaterThanOrEqual(18);
  });
});

describe("session-replay services", () => {
  it("recognise each service's recorder script and recordings, with project and visitor", () => {
    const cases: Array<[string, string | null, string, string[], string | null]> = [
      ["https://edge.fullstory.com/s/fs.js", null, "fullstory", [], null],
      [
        "https://rs.fullstory.com/rec/bundle/v2?OrgId=o-1ABC&UserId=5723948&Seq=3",
        '{"Evts":[]}',
        "fullstory",
        ["o-1ABC"],
        "5723948",
      ],
      [
        "https://r.lr-ingest.io/i?a=abc123%2Fshop&r=6-92f8a1&t=1",
        "binary",
        "logrocket",
        ["abc123/shop"],
        "6-92f8a1",
      ],
      [
        "https://cdn.mouseflow.com/projects/0a1b2c3d-aaaa-bbbb-cccc-0123456789ab.js",
        null,
        "mouseflow",
        ["0a1b2c3d-aaaa-bbbb-cccc-0123456789ab"],
        null,
      ],
      [
        "https://o2.mouseflow.com/websites/0a1b2c3d-aaaa-bbbb-cccc-0123456789ab/recordings?visitor=v-778899",
        "x",
        "mouseflow",
        ["0a1b2c3d-aaaa-bbbb-cccc-0123456789ab"],
        "v-778899",
      ],
      [
        "https://web-writer.eu.smartlook.cloud/v2/write?key=a8c7e6&uid=u-4455667788",
        "[]",
        "smartlook",
        ["a8c7e6"],
        "u-4455667788",
      ],
      [
        "https://mc.yandex.ru/webvisor/90123456?wv-type=3&browser-info=ti:10:u:1795900000123456:t:Shop",
        "wv",
        "yandex-webvisor",
        ["90123456"],
        "1795900000123456",
      ],
      ["https://ingest.quantummetric.com/horizon/acmebank", "{}", "quantum-metric", ["acmebank"], null],
    ];
    for (const [url, body, vendor, projects, visitor] of cases) {
      const b = decode(url, body);
      expect(b?.vendor, url).toBe(vendor);
      expect(b?.pixelIds, url).toEqual(projects);
      expect(b?.kind, url).toBe(body === null ? "loader" : "beacon");
      if (body !== null) expect(b?.events, url).toEqual(["session_recording"]);
      expect(b?.identifiers[0]?.value ?? null, url).toBe(visitor);
    }
    // Other requests to the same hosts are not recordings.
    expect(decode("https://www.fullstory.com/pricing")).toBeNull();
  });
});

describe("real-web variants the first decoders missed", () => {
  it("Meta's Privacy Sandbox trigger is a Meta Pixel beacon with its ID and event", () => {
    const b = decode(
      "https://www.facebook.com/privacy_sandbox/pixel/register/trigger/?id=1234567890&ev=PageView&dl=https%3A%2F%2Fclinic.example%2F&rl=&if=false&ts=1733000000000",
    );
    expect(b).toMatchObject({
      vendor: "meta",
      kind: "beacon",
      pixelIds: ["1234567890"],
      events: ["PageView"],
    });
  });

  it("LinkedIn /wa/ with a base64 gzip JSON body, and /attribution_trigger", async () => {
    const { gzipSync } = await import("node:zlib");
    const json = JSON.stringify({
      pids: [4567],
      signalType: "PAGE_VISIT",
      url: "https://benefits.example.gov/snap",
      pageTitle: "Apply for SNAP",
      liFatId: "AQHx1234567890abcdef",
      hem: "a".repeat(64),
    });
    const b = decode("https://px.ads.linkedin.com/wa/", gzipSync(json).toString("base64"));
    expect(b).toMatchObject({ vendor: "linkedin", pixelIds: ["4567"], events: ["PAGE_VISIT"] });
    expect(b?.pageUrl).toBe("https://benefits.example.gov/snap");
    expect(b?.shared).toEqual(expect.arrayContaining(["hashed_email", "page_title", "unique_id"]));
    const plain = decode("https://px.ads.linkedin.com/wa/", json);
    expect(plain?.events).toEqual(["PAGE_VISIT"]);
  });

  it("Google remarketing on td.doubleclick.net (rul) and Universal Analytics on stats.g.doubleclick.net", () => {
    const rul = decode(
      "https://td.doubleclick.net/td/rul/987654321?random=1733&cv=11&fst=1733&fmt=3&url=https%3A%2F%2Fshop.example%2F&data=event%3Dgtag.config&auid=1234567.1733000000",
    );
    expect(rul).toMatchObject({ vendor: "google-ads", pixelIds: ["AW-987654321"], events: ["gtag.config"] });
    const ga = decode("https://td.doubleclick.net/td/ga/rul?tid=G-ABC123&gacid=111.222&gtm=45je&fledge=1");
    expect(ga?.pixelIds).toEqual(["G-ABC123"]);
    expect(ga?.identifiers).toContainEqual({ param: "gacid", value: "111.222", cookie: "_ga" });
    const ua = decode(
      "https://stats.g.doubleclick.net/j/collect?t=dc&aip=1&_r=3&v=1&_v=j101&tid=UA-1234-1&cid=1.2&jid=99&z=1",
    );
    expect(ua).toMatchObject({ vendor: "universal-analytics", pixelIds: ["UA-1234-1"], events: ["dc"] });
  });

  it("GA4: several events in one body, as gtag batches them", () => {
    const b = decode(
      "https://region1.google-analytics.com/g/collect?v=2&tid=G-XYZ&cid=123.456&dl=https%3A%2F%2Fa.example%2F&en=page_view",
      "en=scroll&epn.percent_scrolled=90\r\nen=user_engagement&_et=15000\r\nen=form_submit&ep.form_id=contact",
    );
    expect(b?.events).toEqual(["scroll", "user_engagement", "form_submit"]);
    expect(b?.details["ep.form_id"]).toBe("contact");
  });

  it("Snap's tr6 host, UET's /actionp/, Reddit's empty custom event, Matomo's bulk body", () => {
    expect(
      decode("https://tr6.snapchat.com/p", "pid=abc-123&ev=PAGE_VIEW&pl=https%3A%2F%2Fa.example%2F"),
    ).toMatchObject({ vendor: "snap", pixelIds: ["abc-123"], events: ["PAGE_VIEW"] });
    expect(
      decode("https://bat.bing.com/actionp/0?ti=5555555&evt=pageLoad&p=https%3A%2F%2Fa.example%2F"),
    ).toMatchObject({
      vendor: "microsoft-uet",
      pixelIds: ["5555555"],
      events: ["pageLoad"],
    });
    const reddit = decode(
      "https://alb.reddit.com/rp.gif?id=t2_x&event=PageVisit&m.customEventName=&m.value=&uuid=u1",
    );
    expect(reddit?.events).toEqual(["PageVisit"]);
    expect(reddit?.shared).not.toContain("custom_data");
    const bulk = decode(
      "https://stats.a.example/matomo.php",
      JSON.stringify({
        requests: [
          "?idsite=7&rec=1&action_name=Home&_id=0123456789abcdef",
          "?idsite=7&rec=1&e_c=Forms&e_a=Submit",
        ],
      }),
    );
    expect(bulk).toMatchObject({ vendor: "matomo", pixelIds: ["7"], events: ["pageview", "Submit"] });
  });

  it("a gzipped request body is stored inflated, so Clarity's uploads can be read", async () => {
    const { gzipSync } = await import("node:zlib");
    const { requestBodyText } = await import("../../src/util/body.ts");
    const upload = JSON.stringify({ e: ["0.7.34", 1, 0, 1200, "abcd1234", "uvw987", "s1", 1], a: [] });
    const text = requestBodyText(gzipSync(upload));
    expect(text).toBe(upload);
    const b = decode("https://k.clarity.ms/collect", text);
    expect(b).toMatchObject({ vendor: "microsoft-clarity", pixelIds: ["abcd1234"] });
    expect(b?.identifiers[0]?.value).toBe("uvw987");
  });
});

describe("what each decoded key means", () => {
  it("a reader sees a label beside each key a vendor's beacon carries", () => {
    const b = decode(
      "https://www.facebook.com/tr/?id=1234567890123&ev=Lead&dl=https%3A%2F%2Fclinic.example%2Fbook&cd%5Bcontent_name%5D=IVF&ud%5Bem%5D=" +
        SHA256_EMAIL,
    );
    expect(b?.vendor).toBe("meta");
    const meanings = meaningsOf(b as Beacon);
    expect(meanings["cd.content_name"]).toBe("custom data the site sent with the event");
    expect(meanings["matching.email"]).toMatch(/^email address for matching/);
    // Declared parameters are explained by the field they are declared in.
    const uet = DECODERS.find((d) => d.id === "microsoft-uet");
    expect(uet?.meaningOf("msclkid")).toMatch(/ad click/);
    expect(DECODERS.find((d) => d.id === "reddit")?.meaningOf("uuid")).toBe(
      "Reddit's ID for this browser (the _rdt_uuid cookie)",
    );
    expect(uet?.meaningOf("no-such-key")).toBeNull();
  });
});

describe("Meta relays", () => {
  it("a relayed pixel hit whose body mentions event_name without being JSON events keeps its query's fields", () => {
    const b = decode(
      "https://capig.shop-example.cloud/?id=1234567890123&ev=PageView&dl=https%3A%2F%2Fshop.example%2F&rl=&if=false&ts=1733000000000&sw=1366&sh=768&v=2.9.170&r=stable&ec=0&o=4126&fbp=fb.1.1733000000000.987654321&it=1733000000000&coo=false&rqm=POST",
      "cd[event_name]=checkout",
    );
    expect(b?.tracker).toBe("Meta Conversions API Gateway");
    expect(b?.pixelIds).toEqual(["1234567890123"]);
    expect(b?.events).toEqual(["PageView"]);
    expect(b?.pageUrl).toBe("https://shop.example/");
    expect(b?.details["cd.event_name"]).toBe("checkout");
  });
});

import type Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FixtureWeb } from "../src/fixture-web/server.ts";
import { page } from "../src/fixture-web/vendors.ts";
import { postDataSql } from "../src/store/schema.ts";
import {
  browserProcesses,
  crawlArgs,
  openDb,
  profilesLeft,
  runEarshot,
  startWeb,
  tempDir,
} from "./helpers.ts";

const GIF = { headers: { "content-type": "image/gif" }, body: Buffer.from("R0lGODlhAQABAAAAACw=", "base64") };
const OK = { body: "ok" };

// One page that uses every path a tracker can send data by.
const LAB = page(
  "Capture lab",
  `<img src="https://px.pixel-vendor.test/p.gif?id=img-1">
   <img src="https://redirect.vendor.test/r1">
   <iframe src="https://frame.widget.test/embed"></iframe>
   <script>
     fetch('https://collect.big-body.test/upload', { method: 'POST', body: 'x'.repeat(100000) + 'END' });
     fetch('https://collect.big-body.test/upload?again=1', { method: 'POST', body: 'x'.repeat(100000) + 'END' });
     navigator.sendBeacon('https://beacon.vendor.test/b', JSON.stringify({ beacon: true }));
     fetch('https://keepalive.vendor.test/k', { method: 'POST', body: 'ka=1', keepalive: true });
     new Worker('/worker.js');
     const ws = new WebSocket('wss://ws.vendor.test/socket');
     ws.onopen = () => ws.send('hello-ws');
     localStorage.setItem('ls_key', 'ls_value');
     alert('first dialog');
     addEventListener('pagehide', () => {
       navigator.sendBeacon('https://unload.vendor.test/bye', 'leaving');
       // Tags flush a second batch a few hundred milliseconds later (a timer, a retry).
       setTimeout(() => navigator.sendBeacon('https://unload.vendor.test/bye-again', 'still leaving'), 400);
     });
   </script>`,
);

describe("capture", () => {
  let web: FixtureWeb;
  let db: Database.Database;
  let tmp: string;
  let result: { code: number | null; stderr: string };

  beforeAll(async () => {
    web = await startWeb([
      {
        host: "www.capture-lab.test",
        routes: {
          "/": {
            headers: { "content-type": "text/html", "set-cookie": "server_id=abc123; Path=/" },
            body: LAB,
          },
          "/worker.js": {
            headers: { "content-type": "application/javascript" },
            body: "fetch('https://inworker.vendor.test/w?from=worker')",
          },
        },
      },
      { host: "px.pixel-vendor.test", routes: { "*": GIF } },
      {
        host: "redirect.vendor.test",
        routes: {
          "/r1": { status: 302, headers: { location: "https://redirect.vendor.test/r2" } },
          "/r2": { status: 302, headers: { location: "https://final.vendor.test/end.gif" } },
        },
      },
      { host: "final.vendor.test", routes: { "*": GIF } },
      {
        host: "frame.widget.test",
        routes: {
          "/embed": page("widget", "<script>fetch('https://inframe.vendor.test/f?from=frame')</script>"),
        },
      },
      ...[
        "collect.big-body.test",
        "beacon.vendor.test",
        "keepalive.vendor.test",
        "inworker.vendor.test",
        "inframe.vendor.test",
        "unload.vendor.test",
      ].map((host) => ({ host, routes: { "*": OK } })),
      { host: "ws.vendor.test", routes: {} },
    ]);
    tmp = tempDir();
    const out = tempDir();
    result = await runEarshot(
      ["crawl", "www.capture-lab.test", ...crawlArgs(web, out, ["--pages-per-site", "1", "--dwell", "2"])],
      { tmp },
    );
    db = openDb(out);
  });

  afterAll(async () => {
    db?.close();
    await web?.stop();
  });

  const request = (like: string) =>
    db
      .prepare(`SELECT requests.*, ${postDataSql()} AS body FROM requests WHERE url LIKE ? ORDER BY hop`)
      .all(like) as Array<Record<string, string | number | null>>;

  it("records the site as ok and exits 0", () => {
    expect(result.code, result.stderr).toBe(0);
    const site = db.prepare("SELECT status, pages FROM sites").get() as { status: string; pages: number };
    expect(site).toEqual({ status: "ok", pages: 1 });
  });

  it("keeps a long body once however many requests send it", () => {
    const [again] = request("https://collect.big-body.test/upload?again=1");
    expect(again?.body).toBe(request("https://collect.big-body.test/upload")[0]?.body);
    expect(again?.post_data).toBeNull();
    const bodies = db.prepare("SELECT length, sha256 FROM bodies").all();
    expect(bodies).toEqual([{ length: 100_003, sha256: again?.post_data_sha256 }]);
  });

  it("keeps a request body over 64 KiB whole", () => {
    const [upload] = request("https://collect.big-body.test/upload");
    expect(upload?.method).toBe("POST");
    expect(upload?.post_data_length).toBe(100_003);
    expect(String(upload?.body).endsWith("END")).toBe(true);
    expect(String(upload?.body).length).toBe(100_003);
    expect(upload?.initiator_type).toBe("script");
    expect(upload?.initiator_url).toBe("https://www.capture-lab.test/");
  });

  it("records beacons, image pixels and keepalive fetches with their types and bodies", () => {
    const [beacon] = request("https://beacon.vendor.test/b");
    expect(beacon?.resource_type).toBe("ping");
    expect(beacon?.body).toBe('{"beacon":true}');
    expect(request("https://px.pixel-vendor.test/p.gif?id=img-1")[0]?.resource_type).toBe("image");
    const [keepalive] = request("https://keepalive.vendor.test/k");
    expect(keepalive?.body).toBe("ka=1");
  });

  it("records requests from a cross-site iframe and from a worker, by target", () => {
    expect(request("https://inframe.vendor.test/f?from=frame")[0]?.target_kind).toBe("iframe");
    expect(request("https://inworker.vendor.test/w?from=worker")[0]?.target_kind).toBe("worker");
  });

  it("records each hop of a redirect chain", () => {
    const hops = db
      .prepare(
        "SELECT url, hop, status, redirected_to FROM requests WHERE request_id = (SELECT request_id FROM requests WHERE url = ?) ORDER BY hop",
      )
      .all("https://redirect.vendor.test/r1");
    expect(hops).toEqual([
      {
        url: "https://redirect.vendor.test/r1",
        hop: 0,
        status: 302,
        redirected_to: "https://redirect.vendor.test/r2",
      },
      {
        url: "https://redirect.vendor.test/r2",
        hop: 1,
        status: 302,
        redirected_to: "https://final.vendor.test/end.gif",
      },
      { url: "https://final.vendor.test/end.gif", hop: 2, status: 200, redirected_to: null },
    ]);
  });

  it("records WebSocket handshakes and frames both ways", () => {
    const socket = db.prepare("SELECT id, url, status FROM websockets").get() as {
      id: number;
      url: string;
      status: number;
    };
    expect(socket.url).toBe("wss://ws.vendor.test/socket");
    expect(socket.status).toBe(101);
    const frames = db
      .prepare("SELECT direction, payload FROM websocket_frames WHERE websocket_id = ? ORDER BY id")
      .all(socket.id);
    expect(frames).toEqual([
      { direction: "sent", payload: "hello-ws" },
      { direction: "received", payload: "hello-ws" },
    ]);
    expect(request("wss://ws.vendor.test/socket")[0]?.resource_type).toBe("websocket");
  });

  it("records cookies with the response that set them, and storage", () => {
    const cookie = db.prepare("SELECT name, value, set_by FROM cookies WHERE name = 'server_id'").get();
    expect(cookie).toEqual({ name: "server_id", value: "abc123", set_by: "https://www.capture-lab.test/" });
    const [document] = request("https://www.capture-lab.test/");
    expect(document?.response_headers).toContain("server_id=abc123");
    expect(db.prepare("SELECT kind, key, value FROM storage_items WHERE key = 'ls_key'").get()).toEqual({
      kind: "local",
      key: "ls_key",
      value: "ls_value",
    });
  });

  it("dismisses dialogs and keeps the beacon a page sends as it is left", () => {
    const events = db.prepare("SELECT kind, detail FROM page_events").all() as Array<{
      kind: string;
      detail: string;
    }>;
    expect(events).toContainEqual({ kind: "dialog", detail: "alert: first dialog" });
    const [unload] = request("https://unload.vendor.test/bye");
    expect(unload?.body).toBe("leaving");
    const [again] = request("https://unload.vendor.test/bye-again");
    expect(again?.body).toBe("still leaving");
  });

  it("records every request the fixture web answered", () => {
    const recorded = new Set(
      (db.prepare("SELECT method, url FROM requests").all() as Array<{ method: string; url: string }>).map(
        (r) => `${r.method} ${r.url}`,
      ),
    );
    // Only the fixture web's own sites: Chromium's background requests (time, updates) are not the page's.
    const hosts = new Set(web.hosts);
    const sent = web.log
      .filter((r) => hosts.has(r.host) && !r.url.startsWith("wss:"))
      .map((r) => `${r.method} ${r.url}`);
    expect(sent.length).toBeGreaterThan(10);
    expect(sent.filter((r) => !recorded.has(r))).toEqual([]);
  });

  it("leaves no browser process or temp profile behind", () => {
    expect(browserProcesses(tmp)).toEqual([]);
    expect(profilesLeft(tmp)).toEqual([]);
  });
});

import { randomUUID } from "node:crypto";
import type { FixtureRequest, FixtureResponse, FixtureSite } from "./server.ts";

/*
 * Our own emulations of tracking vendors' scripts and endpoints, at their real hostnames, speaking
 * each vendor's documented wire format (see the wire-format reference). They let tests and the demo
 * exercise capture and decoding offline. They are not the vendors' code.
 */

const JS = { "content-type": "application/javascript" };
const GIF = Buffer.from("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7", "base64");

const cookieHelpers = `
  function readCookie(name) {
    var m = document.cookie.match(new RegExp('(?:^|; )' + name + '=([^;]*)'));
    return m ? decodeURIComponent(m[1]) : null;
  }
  function writeCookie(name, value, days) {
    document.cookie = name + '=' + encodeURIComponent(value) + '; path=/; max-age=' + days * 86400 + '; SameSite=Lax';
  }
  function rand() { return Math.floor(Math.random() * 2147483647); }
`;

/** TikTok Pixel: events.js loader; JSON beacons to /api/v2/pixel with context.user.anonymous_id = _ttp. */
const tiktokScript = `(function () {
  ${cookieHelpers}
  var src = document.currentScript && document.currentScript.src || '';
  var code = new URL(src, location.href).searchParams.get('sdkid') || 'UNKNOWN';
  var ttp = readCookie('_ttp');
  if (!ttp) { ttp = 'ttp' + rand() + rand(); writeCookie('_ttp', ttp, 390); }
  var pageviewId = 'pageId-' + Date.now() + '-' + rand();
  function send(path, event, properties, extra) {
    var body = {
      event: event, message_id: 'messageId-' + Date.now() + '-' + rand(), event_id: '', is_onsite: false,
      timestamp: new Date().toISOString(),
      context: {
        ad: { sdk_env: 'external', jsb_status: 2 }, user: { anonymous_id: ttp },
        pixel: { code: code, runtime: '1' }, page: { url: location.href, referrer: document.referrer },
        library: { name: 'pixel.js', version: '2.1.33' }, device: { platform: 'pc' },
        session_id: 'sid-' + rand(), pageview_id: pageviewId, userAgent: navigator.userAgent, index: 0
      },
      properties: properties || {}, _inspection: {}
    };
    for (var k in extra || {}) body[k] = extra[k];
    fetch('https://analytics.tiktok.com' + path, { method: 'POST', body: JSON.stringify(body), keepalive: true,
      credentials: 'include', headers: { 'content-type': 'text/plain;charset=UTF-8' } }).catch(function () {});
  }
  var ttq = window.ttq = window.ttq || [];
  ttq.page = function () { send('/api/v2/pixel', 'Pageview'); };
  ttq.track = function (event, properties) { send('/api/v2/pixel', event, properties); };
  ttq.identify = function () {};
  var queued = Array.isArray(ttq) ? ttq.splice(0) : [];
  ttq.push = function (call) { ttq[call[0]].apply(ttq, call.slice(1)); };
  queued.forEach(function (call) { ttq.push(call); });
  document.addEventListener('click', function (e) {
    var el = e.target.closest('button, a');
    if (!el) return;
    send('/api/v2/pixel/act', 'ClickButton', {}, { action: 'Click', auto_collected_properties: { trigger_element: {
      tag: el.tagName, inner_text: (el.innerText || '').slice(0, 100), attributes: { id: el.id, class: el.className } } } });
  }, true);
})();`;

/** Meta Pixel: fbevents.js; GET image beacons to www.facebook.com/tr/ with id, ev, dl, rl, fbp. */
const metaScript = `(function () {
  ${cookieHelpers}
  var fbp = readCookie('_fbp');
  if (!fbp) { fbp = 'fb.1.' + Date.now() + '.' + rand(); writeCookie('_fbp', fbp, 90); }
  var ids = [];
  // Advanced matching: fbq('init', id, {em, ph, ...}) values are normalised and SHA-256 hashed into ud[...].
  var userData = Promise.resolve([]);
  function sha256(text) {
    return crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)).then(function (b) {
      return Array.from(new Uint8Array(b)).map(function (x) { return x.toString(16).padStart(2, '0'); }).join('');
    });
  }
  function send(event, data) {
    userData.then(function (ud) { ids.forEach(function (id) {
      var p = new URLSearchParams({ id: id, ev: event, dl: location.href, rl: document.referrer, if: 'false',
        ts: String(Date.now()), sw: String(screen.width), sh: String(screen.height), v: '2.9.156', r: 'stable',
        ec: '0', o: '4126', fbp: fbp, it: String(Date.now()), coo: 'false', rqm: 'GET' });
      for (var k in data || {}) p.set('cd[' + k + ']', String(data[k]));
      ud.forEach(function (pair) { p.set('ud[' + pair[0] + ']', pair[1]); });
      new Image().src = 'https://www.facebook.com/tr/?' + p.toString();
    }); });
  }
  var queue = window.fbq && window.fbq.queue || [];
  var fbq = window.fbq = function () {
    var args = Array.prototype.slice.call(arguments);
    if (args[0] === 'init') {
      if (ids.indexOf(String(args[1])) < 0) ids.push(String(args[1]));
      var given = args[2] || {};
      userData = Promise.all(Object.keys(given).map(function (k) {
        var v = String(given[k]).trim().toLowerCase();
        if (k === 'ph') v = v.replace(/[^0-9]/g, '');
        return sha256(v).then(function (h) { return [k, h]; });
      }));
    }
    else if (args[0] === 'track' || args[0] === 'trackCustom') send(args[1], args[2]);
  };
  queue.forEach(function (args) { fbq.apply(null, args); });
})();`;

/** GA4 via gtag.js: _ga cookie, beacons to region1.google-analytics.com/g/collect (protocol v2). */
const gtagScript = `(function () {
  ${cookieHelpers}
  var src = document.currentScript && document.currentScript.src || '';
  var tid = new URL(src, location.href).searchParams.get('id') || 'G-UNKNOWN';
  var ga = readCookie('_ga');
  if (!ga) { ga = 'GA1.1.' + rand() + '.' + Math.floor(Date.now() / 1000); writeCookie('_ga', ga, 400); }
  var cid = ga.split('.').slice(2).join('.');
  var sid = String(Math.floor(Date.now() / 1000));
  var hit = 0;
  function send(name, params) {
    var p = new URLSearchParams({ v: '2', tid: tid, gtm: '45je5bi0', _p: String(rand()), cid: cid, ul: 'en-us',
      sr: screen.width + 'x' + screen.height, _s: String(++hit), sid: sid, sct: '1', seg: '0', dl: location.href,
      dr: document.referrer, dt: document.title, en: name });
    for (var k in params || {}) p.set((typeof params[k] === 'number' ? 'epn.' : 'ep.') + k, String(params[k]));
    navigator.sendBeacon('https://region1.google-analytics.com/g/collect?' + p.toString());
  }
  var dataLayer = window.dataLayer = window.dataLayer || [];
  function handle(args) { if (args[0] === 'config') send('page_view'); else if (args[0] === 'event') send(args[1], args[2]); }
  dataLayer.forEach(function (args) { handle(Array.prototype.slice.call(args)); });
  dataLayer.push = function (args) { handle(Array.prototype.slice.call(args)); return 0; };
})();`;

/**
 * The vendor's own cookie for the visitor, on its own domain: set on the first request that lacks
 * it, then sent back by the browser from every site (where third-party cookies are allowed), as
 * Meta's `fr` on facebook.com and TikTok's `ttwid` on tiktok.com are.
 */
function ownCookie(request: FixtureRequest, name: string, domain: string): Record<string, string> {
  if (new RegExp(`(?:^|; )${name}=`).test(request.headers.cookie ?? "")) return {};
  const value = `${randomUUID().replace(/-/g, "")}.${Date.now()}`;
  return {
    "set-cookie": `${name}=${value}; Domain=${domain}; Path=/; Max-Age=31536000; Secure; HttpOnly; SameSite=None`,
  };
}

/** TikTok's events API answers the page's credentialed fetch with CORS headers, as the real one does. */
const tiktokAnswer = (request: FixtureRequest): FixtureResponse => ({
  headers: {
    "content-type": "application/json",
    "access-control-allow-origin": request.headers.origin ?? "*",
    "access-control-allow-credentials": "true",
    ...ownCookie(request, "ttwid", ".tiktok.com"),
  },
  body: '{"code":0,"message":"OK"}',
});

/** Meta's pixel image: a GIF, and the `fr` cookie on facebook.com. */
const metaAnswer = (request: FixtureRequest): FixtureResponse => ({
  headers: { "content-type": "image/gif", ...ownCookie(request, "fr", ".facebook.com") },
  body: GIF,
});

/** The vendors' hosts, as fixture sites. Add them to any fixture web. */

export function vendorSites(): FixtureSite[] {
  return [
    {
      host: "analytics.tiktok.com",
      routes: {
        "/i18n/pixel/events.js": { headers: JS, body: tiktokScript },
        "/api/v2/pixel": tiktokAnswer,
        "/api/v2/pixel/act": tiktokAnswer,
      },
    },
    { host: "connect.facebook.net", routes: { "/en_US/fbevents.js": { headers: JS, body: metaScript } } },
    { host: "www.facebook.com", routes: { "/tr/": metaAnswer } },
    { host: "www.googletagmanager.com", routes: { "/gtag/js": { headers: JS, body: gtagScript } } },
    { host: "region1.google-analytics.com", routes: { "/g/collect": { status: 204, body: "" } } },
    {
      host: "cdnjs.cloudflare.com",
      routes: {
        "*": { headers: JS, body: "/* a library served from a public CDN */ window.libLoaded = true;" },
      },
    },
  ];
}

/** Page snippets that install each tracker the way sites do. */
export const snippets = {
  tiktok: (pixel: string) =>
    `<script>window.ttq=window.ttq||[];["page","track","identify"].forEach(function(m){ttq[m]=ttq[m]||function(){ttq.push([m].concat([].slice.call(arguments)))}});</script>` +
    `<script async src="https://analytics.tiktok.com/i18n/pixel/events.js?sdkid=${pixel}&lib=ttq"></script><script>ttq.page();</script>`,
  meta: (pixel: string) =>
    `<script>!function(){var q=[];window.fbq=function(){q.push(arguments)};window.fbq.queue=q}();fbq('init','${pixel}');fbq('track','PageView');</script>` +
    `<script async src="https://connect.facebook.net/en_US/fbevents.js"></script>`,
  ga4: (id: string) =>
    `<script async src="https://www.googletagmanager.com/gtag/js?id=${id}"></script>` +
    `<script>window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments)}gtag('js',new Date());gtag('config','${id}');</script>`,
  cdn: () => `<script src="https://cdnjs.cloudflare.com/ajax/libs/lib/1.0/lib.min.js"></script>`,
};

/** A plain HTML page with a title, body and extra head content. */
export function page(title: string, body: string, head = ""): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title>${head}</head><body>${body}</body></html>`;
}

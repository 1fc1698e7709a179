import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_IDENTITY } from "../src/crawl/identity.ts";
import { valueForField } from "../src/crawl/interact.ts";
import type { FixtureWeb } from "../src/fixture-web/server.ts";
import { page, snippets, vendorSites } from "../src/fixture-web/vendors.ts";
import { crawlArgs, openDb, runEarshot, startWeb, tempDir } from "./helpers.ts";

const FORM_PAGE = page(
  "Book an appointment",
  `<h1>Book an appointment</h1>
   <button id="book" type="button">Book appointment</button>
   <form id="f" action="/thanks">
     <label for="em">Email</label><input id="em" type="email" name="email">
     <input type="tel" name="phone" placeholder="Phone">
     <input name="first_name" placeholder="First name">
     <input name="last_name" placeholder="Last name">
     <input name="street_address" placeholder="Street address">
     <input type="hidden" name="token" value="x">
     <button type="submit">Send</button>
   </form>
   <div style="height: 3000px"></div><p id="end">end</p>
   <script>
     // A scroll-depth tracker.
     let sent = false;
     addEventListener('scroll', () => {
       if (!sent && scrollY > 1500) { sent = true; fetch('https://scroll.tracker.test/depth?d=bottom'); }
     });
     // A key logger: sends the email field as it is typed, before any submit.
     document.getElementById('em').addEventListener('input', (e) => {
       if (e.target.value.endsWith('.com')) navigator.sendBeacon('https://keys.tracker.test/k', 'v=' + encodeURIComponent(e.target.value));
     });
     // Advanced matching on submit: the email, normalised and hashed, to Meta.
     document.getElementById('f').addEventListener('submit', async (e) => {
       e.preventDefault();
       const email = e.target.email.value.trim().toLowerCase();
       const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(email));
       const hex = Array.from(new Uint8Array(digest)).map((b) => b.toString(16).padStart(2, '0')).join('');
       new Image().src = 'https://www.facebook.com/tr/?id=999000&ev=Lead&udff[em]=' + hex + '&dl=' + encodeURIComponent(location.href);
     });
   </script>`,
  snippets.tiktok("C4FORMSITE0001"),
);

// The only button is a web component's, inside its open shadow root.
const SHADOW_PAGE = page(
  "Menu",
  `<site-menu></site-menu>
   <script>
     customElements.define('site-menu', class extends HTMLElement {
       connectedCallback() {
         const root = this.attachShadow({ mode: 'open' });
         root.innerHTML = '<button type="button">Open menu</button>';
         root.querySelector('button').addEventListener('click', () => fetch('https://click.tracker.test/menu'));
       }
     });
   </script>`,
);

describe("--interact", () => {
  let web: FixtureWeb;
  let out: string;
  let shadowOut: string;

  beforeAll(async () => {
    web = await startWeb([
      ...vendorSites(),
      { host: "www.form-site.test", routes: { "/": FORM_PAGE } },
      { host: "scroll.tracker.test", routes: { "*": { body: "ok" } } },
      { host: "keys.tracker.test", routes: { "*": { body: "ok" } } },
      { host: "www.shadow-site.test", routes: { "/": SHADOW_PAGE } },
      { host: "click.tracker.test", routes: { "*": { body: "ok" } } },
    ]);
    const crawlWithInteraction = async (site: string) => {
      const dir = tempDir();
      const r = await runEarshot([
        "crawl",
        site,
        "--interact",
        ...crawlArgs(web, dir, ["--pages-per-site", "1", "--dwell", "1"]),
      ]);
      expect(r.code, r.stderr).toBe(0);
      return dir;
    };
    out = await crawlWithInteraction("www.form-site.test");
    shadowOut = await crawlWithInteraction("www.shadow-site.test");
  }, 180_000);

  afterAll(async () => {
    await web?.stop();
  });

  it("scrolls, fills the form with the identity, submits it and clicks buttons", () => {
    const db = openDb(out);
    const events = (
      db.prepare("SELECT detail FROM page_events WHERE kind = 'interaction' ORDER BY id").all() as Array<{
        detail: string;
      }>
    ).map((e) => e.detail);
    const scrolled = db
      .prepare("SELECT COUNT(*) AS n FROM requests WHERE url = 'https://scroll.tracker.test/depth?d=bottom'")
      .get();
    db.close();
    expect(events).toEqual(
      expect.arrayContaining([
        "filled 5 fields of form 1",
        "submitted form 1",
        expect.stringMatching(/^clicked "Book appointment" \(.*button#book\)$/),
      ]),
    );
    expect(events[0]).toMatch(/^scrolled \d+ steps$/);
    expect(scrolled).toEqual({ n: 1 });
  });

  it("clicks a button inside a web component's shadow root, though the document has none", () => {
    const db = openDb(shadowOut);
    const clicked = db.prepare("SELECT detail FROM page_events WHERE detail LIKE 'clicked %'").all();
    const sent = db
      .prepare("SELECT COUNT(*) AS n FROM requests WHERE url = 'https://click.tracker.test/menu'")
      .get();
    db.close();
    expect(clicked).toEqual([{ detail: expect.stringMatching(/^clicked "Open menu"/) }]);
    expect(sent).toEqual({ n: 1 });
  });

  it("finds what was typed, as it was typed and as it was hashed on submit", async () => {
    const findings = (await runEarshot(["export", out, "--table", "findings"])).stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const keys = findings.find((f) => f.entity === "tracker.test");
    expect(keys?.leaks).toEqual([{ field: "email", encoding: "plain", where: "body:v", keylogged: true }]);
    expect(keys?.dataShared).toContain("email");
    const meta = findings.find((f) => f.entity === "Meta");
    expect(meta?.events).toEqual(["Lead"]);
    expect(meta?.leaks).toEqual([{ field: "email", encoding: "sha256", where: "query:udff[em]" }]);
    const tiktok = findings.find((f) => f.entity === "ByteDance");
    expect(tiktok?.events).toEqual(expect.arrayContaining(["Pageview", "ClickButton"]));
  });

  it("keeps the look of a page it typed into, from before the typing; takes none of a page without a field", () => {
    const evidenceOf = (dir: string) => {
      const db = openDb(dir);
      const row = db.prepare("SELECT evidence FROM pages").get() as { evidence: string | null };
      db.close();
      return row.evidence === null
        ? null
        : (JSON.parse(row.evidence) as { screenshot: string; html: string });
    };
    // Not a sensitive page and no banner: only the typing (and what it leaked) asks for the proof.
    const form = evidenceOf(out);
    expect(form?.screenshot).toMatch(/^evidence\/www\.form-site\.test\/01-home\.jpg$/);
    const html = readFileSync(join(out, String(form?.html)), "utf8");
    expect(html).toContain('id="em"');
    expect(html).not.toContain(DEFAULT_IDENTITY.email);
    expect(evidenceOf(shadowOut)).toBeNull();
  });

  it("chooses each field's value from its type, autocomplete, name and label", () => {
    const v = (type: string, hints: string, autocomplete = "") =>
      valueForField({ type, hints, autocomplete }, DEFAULT_IDENTITY);
    expect(v("text", "your e-mail")).toBe(DEFAULT_IDENTITY.email);
    expect(v("text", "", "tel")).toBe(DEFAULT_IDENTITY.phone);
    expect(v("text", "given", "given-name")).toBe(DEFAULT_IDENTITY.firstName);
    expect(v("text", "surname")).toBe(DEFAULT_IDENTITY.lastName);
    expect(v("text", "Full name")).toBe(`${DEFAULT_IDENTITY.firstName} ${DEFAULT_IDENTITY.lastName}`);
    expect(v("text", "zip code")).toBe("62701");
    expect(v("password", "password")).toBeNull();
    expect(v("hidden", "email")).toBeNull();
    expect(v("text", "search")).toBeNull();
  });
});

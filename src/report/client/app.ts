/**
 * The report's and the web UI's client: routes on the URL hash (`#/`, `#/sites?…`, `#/site/NAME`,
 * `#/company/NAME`)
 * so every view has an address that can be bookmarked or handed to an editor.
 */
import { parseSiteQuery } from "../query.ts";
import type { Overview } from "../types.ts";
import { companyView } from "./company-view.ts";
import { h, replaceChildren } from "./dom.ts";
import { date } from "./format.ts";
import { overviewView } from "./overview-view.ts";
import { siteView } from "./site-view.ts";
import { sitesView } from "./sites-view.ts";
import { ApiSource, type DataSource, EmbeddedSource } from "./source.ts";

async function start(): Promise<void> {
  const root = document.getElementById("app");
  if (!root) return;
  const source: DataSource = document.getElementById("earshot-data")
    ? EmbeddedSource.fromDocument()
    : new ApiSource();
  let overview: Overview;
  try {
    overview = await source.overview();
  } catch (error) {
    replaceChildren(root, h("p", { class: "warning" }, `Could not load the crawl: ${String(error)}`));
    return;
  }
  const main = h("main", { id: "main" });
  const nav = h(
    "nav",
    { "aria-label": "Views" },
    h("a", { href: "#/" }, "Overview"),
    " · ",
    h("a", { href: "#/sites" }, "Sites"),
    h(
      "span",
      { class: "generated" },
      source.mode === "report"
        ? ` · report generated ${date(overview.crawl.generatedAt)}`
        : " · live from the crawl database",
    ),
  );
  replaceChildren(
    root,
    h("a", { href: "#main", class: "skip" }, "Skip to content"),
    h("header", {}, h("p", { class: "brand" }, "Earshot"), nav),
    main,
  );

  let renders = 0;
  const route = async () => {
    const render = ++renders;
    const hash = location.hash.replace(/^#/, "") || "/";
    let view: HTMLElement;
    if (hash.startsWith("/company/")) {
      const name = decodeURIComponent(hash.slice("/company/".length));
      view = companyView(name, overview);
      document.title = `${name} — Earshot`;
    } else if (hash.startsWith("/site/")) {
      const name = decodeURIComponent(hash.slice("/site/".length));
      view = siteView(name, await source.site(name), source.mode);
      document.title = `${name} — Earshot`;
    } else if (hash.startsWith("/sites")) {
      const query = parseSiteQuery(new URLSearchParams(hash.split("?")[1] ?? ""));
      view = sitesView(source, overview, query);
      document.title = "Sites — Earshot";
    } else {
      view = overviewView(overview);
      document.title = "Earshot report";
    }
    if (render !== renders) return;
    replaceChildren(main, view);
    main.dataset.view = hash.startsWith("/company/")
      ? "company"
      : hash.startsWith("/site/")
        ? "site"
        : hash.startsWith("/sites")
          ? "sites"
          : "overview";
    const heading = main.querySelector("h1");
    if (heading instanceof HTMLElement && renders > 1) heading.focus();
  };
  window.addEventListener("hashchange", () => void route());
  // Going back through history also announces itself as popstate; routing twice is harmless (the
  // last render wins), missing one leaves the old view up.
  window.addEventListener("popstate", () => void route());
  await route();
  document.body.dataset.ready = "1";
}

/**
 * Printing (or saving as PDF) opens every closed detail, so the pixel IDs, request bodies and cookies
 * are on paper; those it opened close again afterwards.
 */
function openDetailsForPrint(): void {
  const open = () => {
    for (const d of document.querySelectorAll("details:not([open])")) {
      if (!(d instanceof HTMLDetailsElement)) continue;
      d.dataset.printOpened = "1";
      d.open = true;
    }
  };
  const restore = () => {
    for (const d of document.querySelectorAll("details[data-print-opened]")) {
      if (!(d instanceof HTMLDetailsElement)) continue;
      delete d.dataset.printOpened;
      d.open = false;
    }
  };
  window.addEventListener("beforeprint", open);
  window.addEventListener("afterprint", restore);
  const print = window.matchMedia("print");
  print.addEventListener("change", () => (print.matches ? open() : restore()));
}

openDetailsForPrint();
void start();

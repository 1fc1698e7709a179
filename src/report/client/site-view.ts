/**
 * One site: for each page, what each company learned, in plain words first, then the decoded
 * findings with the identifiers' cookies and the raw requests as evidence.
 */
import { companyLabel } from "../query.ts";
import type { EvidenceRequest, FindingView, PageDetail, SiteDetail, SiteRow } from "../types.ts";
import { h } from "./dom.ts";
import { categoryBadges, date, PHASE_LABELS } from "./format.ts";
import type { SiteAnswer } from "./source.ts";

function rowSummary(row: SiteRow): HTMLElement {
  const unknown = row.status === "failed" ? "not known: the site did not load" : null;
  return h(
    "dl",
    { class: "facts" },
    h("dt", {}, "Status"),
    h("dd", {}, row.status === "failed" ? `failed (${row.error ?? "unknown"})` : row.status),
    h("dt", {}, "List"),
    h("dd", {}, row.list ?? "—"),
    h("dt", {}, "Pages visited"),
    h("dd", {}, row.pages),
    h("dt", {}, "Companies that received data"),
    h(
      "dd",
      {},
      row.companies.length ? row.companies.map(companyLabel).join(", ") : (unknown ?? "none found"),
    ),
    h("dt", {}, "Sensitive categories"),
    h("dd", {}, row.categories.length ? categoryBadges(row.categories) : (unknown ?? "none found")),
  );
}

function evidenceView(e: EvidenceRequest): HTMLElement {
  return h(
    "div",
    { class: "evidence-request" },
    h(
      "p",
      {},
      h("strong", {}, `${e.method} `),
      h("span", {}, `${e.resourceType}, `),
      `status ${e.status ?? "none"}, sent ${date(e.sentAt)}`,
    ),
    h(
      "pre",
      { class: "raw" },
      e.url,
      e.urlLength > e.url.length ? ` … (${e.urlLength} characters in all)` : "",
    ),
    e.body !== null
      ? h(
          "div",
          {},
          h("p", {}, `Body (${e.bodyLength ?? e.body.length} characters):`),
          h("pre", { class: "raw" }, e.body),
        )
      : null,
    e.referer ? h("p", {}, "Referer: ", h("code", {}, e.referer)) : null,
    e.decoded && Object.keys(e.decoded.details).length > 0
      ? h(
          "details",
          {},
          h("summary", {}, `Decoded by the ${e.decoded.vendor} decoder`),
          h(
            "dl",
            { class: "decoded" },
            Object.entries(e.decoded.details).map(([k, v]) => {
              const meaning = e.decoded?.meanings?.[k];
              return [
                h("dt", {}, k, meaning ? h("span", { class: "meaning" }, `: ${meaning}`) : null),
                h("dd", {}, v),
              ];
            }),
          ),
        )
      : null,
  );
}

function findingView(f: FindingView): HTMLElement {
  return h(
    "details",
    { class: "finding" },
    h(
      "summary",
      {},
      `${f.tracker} — ${f.requests} request${f.requests === 1 ? "" : "s"}, ${PHASE_LABELS[f.phase] ?? f.phase}`,
      f.kind === "script_loaded" ? " — script loaded, nothing sent" : "",
    ),
    h(
      "dl",
      { class: "facts" },
      f.pixelIds.length ? [h("dt", {}, "Pixel / account IDs"), h("dd", {}, f.pixelIds.join(", "))] : null,
      f.events.length ? [h("dt", {}, "Events"), h("dd", {}, f.events.join(", "))] : null,
      h("dt", {}, "Data shared"),
      h("dd", {}, f.dataShared.join(", ")),
      f.cloaked?.length
        ? [
            h("dt", {}, "At the site's own address (CNAME cloaking)"),
            h("dd", {}, f.cloaked.map((c) => [c.host, ...c.chain].join(" → ")).join("; ")),
          ]
        : null,
      f.leaks.length
        ? [
            h("dt", {}, "Personal data"),
            h(
              "dd",
              {},
              f.leaks
                .map((l) => `${l.field} (${l.encoding}, ${l.where}${l.keylogged ? ", before submit" : ""})`)
                .join("; "),
            ),
          ]
        : null,
    ),
    f.identifiers.length
      ? h(
          "table",
          {},
          h("caption", {}, "Identifiers sent"),
          h(
            "thead",
            {},
            h(
              "tr",
              {},
              ["Name", "Held in", "Value", "Cookie domain", "Set by"].map((c) =>
                h("th", { scope: "col" }, c),
              ),
            ),
          ),
          h(
            "tbody",
            {},
            f.identifiers.map((i) =>
              h(
                "tr",
                {},
                h("td", {}, h("code", {}, i.name)),
                h("td", {}, i.source),
                h("td", {}, h("code", {}, i.value)),
                h("td", {}, i.cookie?.domain ?? ""),
                h("td", { class: "url" }, i.cookie?.setBy ?? ""),
              ),
            ),
          ),
        )
      : null,
    h("h5", {}, "Evidence"),
    f.evidence.map(evidenceView),
    f.evidenceOmitted > 0
      ? h(
          "p",
          { class: "note" },
          `${f.evidenceOmitted} more request${f.evidenceOmitted === 1 ? "" : "s"} carried this; see earshot serve or earshot export.`,
        )
      : null,
  );
}

/** The page as captured: links to the files beside the crawl's database, and the screenshot itself when carried. */
function evidenceFiles(url: string, e: NonNullable<PageDetail["evidence"]>): HTMLElement {
  return h(
    "div",
    { class: "evidence-files" },
    h(
      "p",
      {},
      "As captured: ",
      e.screenshot ? h("a", { href: e.screenshot }, "screenshot") : null,
      e.screenshot && e.html ? ", " : null,
      e.html ? h("a", { href: e.html }, "HTML") : null,
      " (files beside the crawl's database)",
    ),
    e.screenshotData
      ? h(
          "figure",
          {},
          h("img", { src: e.screenshotData, alt: `Screenshot of ${url} as the crawler left it` }),
          h("figcaption", {}, "Screenshot as the crawler left the page (carried inside this report)"),
        )
      : null,
  );
}

/**
 * One page: what it is, what the crawler did, who learned what. `failure` says why the page (or its
 * site) did not load, when it did not: then nothing on it is reported as absent, only as unknown.
 */
function pageView(page: PageDetail, index: number, failure: string | null): HTMLElement {
  const headingId = `page-${index}`;
  const c = page.consent;
  const onPage = c?.foundBy
    ? ` On this page: found by ${c.foundBy === "heuristic" ? "the banner heuristic" : "autoconsent's rule"}${c.control ? `, clicked "${c.control}"` : ""}${c.bannerGone === null ? "" : c.bannerGone ? ", banner gone" : ", banner still shown"}.`
    : "";
  const consent = c
    ? c.prompted
      ? `Consent banner${c.cmp ? ` (${c.cmp})` : ""}: ${c.action ? `${c.action}${c.succeeded ? "ed" : " failed"}` : "left alone"}.${onPage}`
      : "No consent banner seen."
    : null;
  return h(
    "section",
    { class: "page", "aria-labelledby": headingId },
    h(
      "h2",
      { id: headingId },
      page.depth === 0 ? "Home page: " : "Subpage: ",
      h("span", { class: "url" }, page.url),
    ),
    page.title ? h("p", {}, "Title: ", h("q", {}, page.title)) : null,
    failure ? h("p", { class: "warning" }, `Not loaded (${failure}).`) : null,
    page.sensitive.length
      ? h(
          "p",
          {},
          "Sensitive: ",
          categoryBadges(page.sensitive),
          " ",
          h("span", { class: "evidence" }, page.sensitiveEvidence),
        )
      : null,
    // A page that did not load showed no banner because it showed nothing.
    consent && !failure ? h("p", {}, consent) : null,
    page.actions.length
      ? h("p", { class: "actions" }, `What the crawler did: ${page.actions.join("; ")}.`)
      : null,
    page.evidence ? evidenceFiles(page.url, page.evidence) : null,
    page.companies.length === 0
      ? h(
          "p",
          { class: failure ? "warning" : "" },
          failure
            ? "Who would have received data from this page is not known."
            : "No company received data from this page: none found.",
        )
      : page.companies.map((c) =>
          h(
            "article",
            { class: "company" },
            h("h3", {}, `${companyLabel(c.entity)} learned:`),
            h(
              "ul",
              { class: "learned" },
              c.learned.map((line) => h("li", {}, line)),
            ),
            h("h4", {}, "Details and evidence"),
            c.findings.map(findingView),
          ),
        ),
  );
}

export function siteView(name: string, answer: SiteAnswer, mode: "report" | "serve"): HTMLElement {
  if (!answer)
    return h(
      "div",
      {},
      h("h1", { tabindex: -1 }, name),
      h("p", {}, "This crawl has no such site."),
      h("p", {}, h("a", { href: "#/sites" }, "All sites")),
    );
  if ("row" in answer) {
    return h(
      "div",
      {},
      h("h1", { tabindex: -1 }, answer.row.site),
      rowSummary(answer.row),
      h(
        "p",
        { class: "note" },
        answer.row.status === "failed"
          ? `Not loaded (${answer.row.error ?? "unknown error"}): nothing is known about who would hear about a visit to this site.`
          : mode === "report"
            ? "To keep this report small, it carries page-by-page details for the most telling sites only. Run `earshot serve` on the crawl directory for this site's evidence."
            : "No page of this site was recorded.",
      ),
    );
  }
  const detail: SiteDetail = answer.detail;
  return h(
    "div",
    {},
    h("h1", { tabindex: -1 }, detail.site.site),
    h(
      "p",
      {},
      "Crawled from ",
      h("span", { class: "url" }, detail.inputUrl),
      detail.finalUrl && detail.finalUrl !== detail.inputUrl
        ? [", landed on ", h("span", { class: "url" }, detail.finalUrl)]
        : null,
    ),
    detail.nature.categories.length
      ? h(
          "p",
          { class: "nature" },
          "What this site is: ",
          categoryBadges(detail.nature.categories),
          " — every page of it tells a tracker so. ",
          h("span", { class: "evidence" }, detail.nature.evidence),
        )
      : null,
    rowSummary(detail.site),
    detail.pages.map((page, index) =>
      pageView(
        page,
        index,
        detail.site.status === "failed"
          ? (detail.site.error ?? "failed")
          : page.status === "ok"
            ? null
            : page.status,
      ),
    ),
  );
}

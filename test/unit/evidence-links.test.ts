/**
 * Evidence links as the report writes them and as its client lets them through: relative to the
 * report's own folder, never out of the crawl's evidence by a dot step or an encoded one.
 */
import { describe, expect, it } from "vitest";
import { safeHref } from "../../src/report/client/dom.ts";
import { evidenceBaseFor } from "../../src/report/evidence-files.ts";

describe("evidence links", () => {
  it("reach the crawl's evidence from wherever the report is written", () => {
    expect(evidenceBaseFor("/data/crawl/report.html", "/data/crawl")).toBe("");
    expect(evidenceBaseFor("/data/to-editor/report.html", "/data/crawl")).toBe("../crawl/");
    expect(evidenceBaseFor("/home/me/out/x/r.html", "/data/crawl 2026")).toBe(
      "../../../../data/crawl%202026/",
    );
  });

  it("let through only plain paths into evidence/SITE/FILE", () => {
    for (const ok of [
      "evidence/www.clinic.test/001-home.jpg",
      "../crawl/evidence/www.clinic.test/001-home.jpg",
      "../../../../data/crawl%202026/evidence/a.test/2.html.txt",
    ])
      expect(safeHref(ok), ok).toBe(ok);
    for (const bad of [
      "evidence/../earshot.sqlite",
      "evidence/a/..",
      "../crawl/../secret/evidence/a/b.jpg",
      "../%2e%2e/evidence/a/b.jpg",
      "../crawl/.hidden/evidence/a/b.jpg",
      "/etc/evidence/a/b.jpg",
      "javascript:alert(1)//evidence/a/b",
      "data:text/html,<script>alert(1)</script>",
    ])
      expect(safeHref(bad), bad).toBeNull();
  });
});

/**
 * The browser client (`client/app.ts` and what it imports), bundled with esbuild on first use and
 * kept in memory: the report inlines it, `earshot serve` serves it.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

export interface ClientBundle {
  js: string;
  css: string;
}

let cached: Promise<ClientBundle> | null = null;

export function clientBundle(): Promise<ClientBundle> {
  cached ??= (async () => {
    const result = await build({
      // The sources when run through tsx, the built JavaScript beside this file otherwise.
      entryPoints: [
        fileURLToPath(
          new URL(`./client/app.${import.meta.url.endsWith(".js") ? "js" : "ts"}`, import.meta.url),
        ),
      ],
      bundle: true,
      write: false,
      format: "iife",
      platform: "browser",
      target: "es2020",
      minify: true,
      legalComments: "none",
      logLevel: "silent",
    });
    const js = result.outputFiles[0]?.text ?? "";
    const css = readFileSync(new URL("./client/style.css", import.meta.url), "utf8");
    // Inlined in <script>, a "</script" would end it: only possible inside strings, where "<\/" is the same text.
    return { js: js.replace(/<\/(script)/gi, "<\\/$1"), css };
  })();
  return cached;
}

/** The CSP source expression that allows exactly this inline script or style. */
export function cspHash(text: string): string {
  return `'sha256-${createHash("sha256").update(text, "utf8").digest("base64")}'`;
}

import { readFileSync } from "node:fs";

/**
 * Earshot's version, recorded with every crawl and in every HAR export: package.json's, read where
 * this file runs from (`src/cli/` or `dist/cli/`, two folders below it).
 */
export const TOOL_VERSION: string = (
  JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string }
).version;

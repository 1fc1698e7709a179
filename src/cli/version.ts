/** Earshot's version, recorded with every crawl and in every HAR export. */
export const TOOL_VERSION = "0.1.0";

import type { Page } from "playwright-core";
import { pageTextScript, sanitiseText } from "../capture/page-text-script.ts";
import type { PageText } from "../capture/types.ts";
import { withTimeout } from "../util/time.ts";

/** Reads the page's main content, bounded and well-formed; empty when the page does not answer. */
export async function readContent(page: Page, timeoutMs: number): Promise<PageText> {
  return sanitiseText(await withTimeout(page.evaluate(pageTextScript()), timeoutMs, null));
}

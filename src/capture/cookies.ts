import { bound, clip } from "../util/bound.ts";
import { LIMITS } from "../util/limits.ts";
import type { Collector, PageContext } from "./collector.ts";
import type { NetworkCollector } from "./network.ts";
import type { PageCapture } from "./types.ts";

interface CdpCookie {
  name: string;
  value: string;
  domain: string;
  path: string;
  expires: number;
  httpOnly: boolean;
  secure: boolean;
  session: boolean;
  sameSite?: string;
}

/** Snapshots every cookie of the site's browser context at the end of each page, with who set it. */
export class CookieCollector implements Collector {
  readonly name = "cookies";

  constructor(private readonly network: NetworkCollector) {}

  async finishPage(page: PageCapture, context: PageContext): Promise<void> {
    const result = await context.browserCommand<{ cookies: CdpCookie[] }>("Storage.getCookies", {
      browserContextId: context.browserContextId,
    });
    for (const cookie of (result?.cookies ?? []).slice(0, LIMITS.cookiesPerPage)) {
      const value = bound(cookie.value, LIMITS.cookieValue);
      page.cookies.push({
        name: clip(cookie.name, 512) ?? "",
        domain: clip(cookie.domain, 512) ?? "",
        path: clip(cookie.path, 1024) ?? "/",
        value: value.text,
        valueLength: value.length,
        valueSha256: value.sha256,
        expires: cookie.session || cookie.expires < 0 ? null : Math.round(cookie.expires),
        httpOnly: cookie.httpOnly,
        secure: cookie.secure,
        sameSite: cookie.sameSite ?? null,
        setBy: this.network.cookieSetters.get(cookie.name) ?? null,
      });
    }
  }
}

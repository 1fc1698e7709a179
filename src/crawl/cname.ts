/**
 * CNAME chains of the first-party hosts a page contacted, resolved on this machine (Node's
 * resolver, the system's servers or `--dns-server`), cached for the crawl and bounded in time: the
 * facts CNAME-cloaking attribution reads (`src/attribute/cloaking.ts`). Behind `--proxy` the browser
 * reaches sites through the proxy, but these lookups are still made here.
 */

import { Resolver } from "node:dns/promises";
import { isIP } from "node:net";
import { partyOf } from "../attribute/party.ts";
import type { CnameChains, PageCapture } from "../capture/types.ts";
import { hostOf } from "../util/text.ts";
import { withTimeout } from "../util/time.ts";

const MAX_HOPS = 8;
const MAX_HOSTS_PER_PAGE = 40;
const LOOKUP_TIMEOUT_MS = 2000;
/** Names that never resolve in public DNS (RFC 2606, 6761, 8375): asked only of a server given. */
const SPECIAL_USE = /\.(test|example|invalid|localhost|local|internal|home\.arpa)$/i;

/** `HOST:PORT` (or a bare host, port 53) as Node's resolver takes it; throws a one-line error otherwise. */
export function parseDnsServer(text: string): string {
  const m = /^(\[[0-9a-f:]+\]|[0-9.]+|[0-9a-f:]+)(?::(\d{1,5}))?$/i.exec(text.trim());
  const host = m?.[1]?.replace(/^\[|\]$/g, "") ?? "";
  const port = Number(m?.[2] ?? 53);
  if (!m || !isIP(host) || port < 1 || port > 65535)
    throw new Error(`--dns-server must be an IP address with an optional port (HOST:PORT), not "${text}"`);
  return isIP(host) === 6 ? `[${host}]:${port}` : `${host}:${port}`;
}

export class CnameResolver {
  private readonly resolver = new Resolver({ timeout: LOOKUP_TIMEOUT_MS, tries: 1 });
  private readonly cache = new Map<string, Promise<string[]>>();

  /** `server`: a parsed `--dns-server` (null: the system's resolvers). */
  constructor(private readonly server: string | null) {
    if (server) this.resolver.setServers([server]);
  }

  /** The hosts `host` is an alias of, in order (empty: not an alias, or no answer in time). */
  chain(host: string): Promise<string[]> {
    const name = host.toLowerCase();
    let known = this.cache.get(name);
    if (!known) {
      known = this.server || !SPECIAL_USE.test(name) ? this.follow(name) : Promise.resolve([]);
      this.cache.set(name, known);
    }
    return known;
  }

  private async follow(host: string): Promise<string[]> {
    const chain: string[] = [];
    let name = host;
    while (chain.length < MAX_HOPS) {
      const answer = await withTimeout(
        this.resolver.resolveCname(name).catch(() => [] as string[]),
        LOOKUP_TIMEOUT_MS + 500,
        [] as string[],
      );
      const target = answer[0]?.toLowerCase().replace(/\.$/, "");
      if (!target || target === host || chain.includes(target)) break;
      chain.push(target);
      name = target;
    }
    return chain;
  }

  /** The chains of a page's first-party hosts that are aliases. */
  async forPage(page: PageCapture): Promise<CnameChains> {
    const hosts = new Set<string>();
    for (const request of page.requests) {
      if (hosts.size >= MAX_HOSTS_PER_PAGE) break;
      if (!/^(https?|wss?):/.test(request.url) || partyOf(request.url, page.finalUrl) !== "first") continue;
      const host = hostOf(request.url);
      if (host && !isIP(host.replace(/^\[|\]$/g, ""))) hosts.add(host);
    }
    const chains: CnameChains = {};
    await Promise.all(
      [...hosts].map(async (host) => {
        const chain = await this.chain(host);
        if (chain.length > 0) chains[host] = chain;
      }),
    );
    return chains;
  }
}

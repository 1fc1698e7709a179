/**
 * The report's view of a persistent crawl's profiles: per company, every site its identifiers
 * linked, which identifiers, the sensitive pages among them and evidence. Pure.
 */
import type { Profile } from "../derived/types.ts";
import type { ProfileCompany, ProfilesSummary } from "./types.ts";

const PAGES_PER_COMPANY = 30;

export function profilesSummary(
  profiles: readonly Profile[],
  settings: { thirdPartyCookies?: unknown; controlSites?: unknown },
  listed: number,
): ProfilesSummary {
  const byCompany = new Map<string, Profile[]>();
  for (const p of profiles) {
    const own = byCompany.get(p.entity);
    if (own) own.push(p);
    else byCompany.set(p.entity, [p]);
  }
  const companies = [...byCompany.entries()].map(([entity, own]) => companyOf(entity, own));
  return {
    thirdPartyCookies: String(settings.thirdPartyCookies ?? "allow"),
    controlSites: Number(settings.controlSites ?? 0),
    listed,
    companies: companies.sort((a, b) => b.sites.length - a.sites.length || a.entity.localeCompare(b.entity)),
  };
}

function companyOf(entity: string, profiles: Profile[]): ProfileCompany {
  const sites = [...new Set(profiles.flatMap((p) => p.sites))];
  const pages = new Map<string, ProfileCompany["sensitivePages"][number]>();
  for (const p of profiles) for (const page of p.sensitivePages) pages.set(page.url, page);
  const evidence = new Map<string, { site: string; pageUrl: string }>();
  for (const p of profiles) for (const e of p.evidence) if (!evidence.has(e.site)) evidence.set(e.site, e);
  return {
    entity,
    sites,
    identifiers: profiles.map((p) => ({
      name: p.name,
      carrier: p.carrier,
      sites: p.sites.length,
      control: p.control,
    })),
    sensitivePages: [...pages.values()].slice(0, PAGES_PER_COMPANY),
    evidence: sites.flatMap((site) => {
      const e = evidence.get(site);
      return e ? [{ site: e.site, pageUrl: e.pageUrl }] : [];
    }),
  };
}

import { createRequire } from "node:module";
import { MORE_ENTITIES } from "./more-entities.ts";
import { registrableDomain } from "./party.ts";

const require = createRequire(import.meta.url);
const thirdPartyWeb = require("third-party-web") as {
  getEntity(url: string): { name: string; company: string; category: string } | undefined;
};

/** Who is behind a URL: the company (contract short names) and the product. */
export interface Attribution {
  entity: string;
  tracker: string;
  category: string;
}

// third-party-web's company names, mapped to the short names the contract uses.
const COMPANY_NAMES: Record<string, string> = {
  "ByteDance Ltd": "ByteDance",
  Facebook: "Meta",
  Instagram: "Meta",
  "Bing Ads": "Microsoft",
  "Microsoft Clarity": "Microsoft",
  "LinkedIn Ads": "LinkedIn",
  LinkedIn: "LinkedIn",
  Twitter: "X",
  "Twitter Online Conversion Tracking": "X",
  Snapchat: "Snap",
  "Pinterest Conversion Tracking": "Pinterest",
  Reddit: "Reddit",
};

// Legal-form suffixes and well-known parent names, so every source says "Google", "Meta", "ByteDance".
const PARENTS: Array<[RegExp, string]> = [
  [/^(facebook|meta platforms|instagram)\b/i, "Meta"],
  [/^(bytedance|tiktok)\b/i, "ByteDance"],
  [/^(google|alphabet|doubleclick|youtube)\b/i, "Google"],
  [/^(microsoft|bing|linkedin corporation)\b/i, "Microsoft"],
  [/^twitter\b|^x corp/i, "X"],
  [/^(snap|snapchat)\b/i, "Snap"],
  [/^pinterest\b/i, "Pinterest"],
  [/^reddit\b/i, "Reddit"],
  [/^amazon\b/i, "Amazon"],
];

/** A company name in the contract's short form: "Google LLC" → "Google", "Facebook, Inc." → "Meta". */
export function normaliseCompany(name: string): string {
  const direct = COMPANY_NAMES[name];
  if (direct) return direct;
  if (/^linkedin/i.test(name)) return "LinkedIn";
  for (const [pattern, parent] of PARENTS) if (pattern.test(name)) return parent;
  return (
    name
      .replace(/,?\s+(inc\.?|llc|ltd\.?|limited|corp\.?|corporation|gmbh|s\.?a\.?|b\.?v\.?|plc|co\.)$/i, "")
      .trim() || name
  );
}

/** Attributes a URL by its host with third-party-web; null when the host is not in the database. */
export function attributeUrl(url: string): Attribution | null {
  let entity: ReturnType<typeof thirdPartyWeb.getEntity>;
  try {
    entity = thirdPartyWeb.getEntity(url);
  } catch {
    return null;
  }
  if (!entity) {
    const more = MORE_ENTITIES[registrableDomain(url) ?? ""];
    return more ? { ...more } : null;
  }
  return {
    entity: COMPANY_NAMES[entity.company] ?? entity.company,
    tracker: entity.name,
    category: entity.category,
  };
}

import { createRequire } from "node:module";

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

/** Attributes a URL by its host with third-party-web; null when the host is not in the database. */
export function attributeUrl(url: string): Attribution | null {
  let entity: ReturnType<typeof thirdPartyWeb.getEntity>;
  try {
    entity = thirdPartyWeb.getEntity(url);
  } catch {
    return null;
  }
  if (!entity) return null;
  return {
    entity: COMPANY_NAMES[entity.company] ?? entity.company,
    tracker: entity.name,
    category: entity.category,
  };
}

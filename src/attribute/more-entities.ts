/**
 * Trackers third-party-web does not know, found receiving personal data in real requests (Dao and
 * Fukuda's published leak data, `npm run eval:leaks`): each registrable domain with its company,
 * product and category. Add a line here for a receiver the report could only name by its domain.
 */
export const MORE_ENTITIES: Record<string, { entity: string; tracker: string; category: string }> = {
  "oracleinfinity.io": { entity: "Oracle", tracker: "Oracle Infinity", category: "analytics" },
  "yahoo.co.jp": { entity: "LY Corporation", tracker: "Yahoo! JAPAN Ads", category: "ad" },
  "glassboxdigital.io": { entity: "Glassbox", tracker: "Glassbox", category: "analytics" },
  "pxf.io": { entity: "impact.com", tracker: "Impact", category: "ad" },
  "ad.gt": { entity: "Audigent", tracker: "Audigent", category: "ad" },
  "flocktory.com": { entity: "Flocktory", tracker: "Flocktory", category: "marketing" },
  "getblueshift.com": { entity: "Blueshift", tracker: "Blueshift", category: "marketing" },
  "gamooga.com": { entity: "Gamooga", tracker: "Gamooga", category: "marketing" },
  "btg360.com.br": { entity: "BTG360", tracker: "BTG360", category: "marketing" },
  "leadplace.fr": { entity: "LeadPlace", tracker: "LeadPlace", category: "ad" },
  "userdive.com": { entity: "UNCOVER TRUTH", tracker: "USERDIVE", category: "analytics" },
  "cloudiq.com": { entity: "cloud.IQ", tracker: "cloud.IQ", category: "marketing" },
  "datadome.co": { entity: "DataDome", tracker: "DataDome", category: "utility" },
};

/**
 * Challenge and block pages of bot-management services. A crawl that meets one saw the wall, not the
 * site: recording it as an `ok` site with no trackers would count it as clean. Pure: it reads the
 * home page's document response and what the page says.
 */
export interface BotWallInput {
  status: number | null;
  /** The document response's headers, lowercased names. */
  headers: Record<string, string>;
  title: string | null;
  text: string;
  /** Every URL the page requested (challenge scripts give the vendor away). */
  urls: string[];
}

interface Wall {
  vendor: string;
  test(page: BotWallInput, words: string): boolean;
}

const header = (p: BotWallInput, name: string) => p.headers[name] ?? "";
const requested = (p: BotWallInput, pattern: RegExp) => p.urls.some((u) => pattern.test(u));
const blocked = (p: BotWallInput) => p.status === 403 || p.status === 429 || p.status === 503;

const WALLS: Wall[] = [
  {
    vendor: "Cloudflare",
    test: (p, words) =>
      /challenge/i.test(header(p, "cf-mitigated")) ||
      (requested(p, /\/cdn-cgi\/challenge-platform\//) &&
        /just a moment|verify you are human|checking your browser/.test(words)) ||
      (/cloudflare/i.test(header(p, "server")) &&
        blocked(p) &&
        /attention required|just a moment|you have been blocked|ray id/.test(words)),
  },
  {
    vendor: "DataDome",
    test: (p, words) =>
      ((Boolean(header(p, "x-datadome")) || /datadome/i.test(header(p, "server"))) && blocked(p)) ||
      (requested(p, /captcha-delivery\.com/) && (blocked(p) || words.length < 400)),
  },
  {
    vendor: "PerimeterX (HUMAN)",
    test: (p, words) =>
      /access to this page has been denied|press (?:&|and) hold/.test(words) &&
      (requested(p, /px-cdn\.net|perimeterx|px-captcha|\/captcha\/captcha\.js/) || blocked(p)),
  },
  {
    vendor: "Imperva",
    test: (p, words) =>
      (Boolean(header(p, "x-iinfo")) || requested(p, /_Incapsula_Resource/)) &&
      (blocked(p) || /incapsula incident|request unsuccessful/.test(words)),
  },
  {
    vendor: "Akamai",
    test: (p, words) =>
      /akamaighost/i.test(header(p, "server")) && blocked(p) && /access denied|reference #/.test(words),
  },
  {
    vendor: "hCaptcha",
    test: (p, words) =>
      requested(p, /hcaptcha\.com\/1\/api\.js/) &&
      words.length < 600 &&
      /human|robot|verify|captcha/.test(words),
  },
  {
    vendor: "reCAPTCHA",
    test: (p, words) =>
      requested(p, /google\.com\/recaptcha\/|recaptcha\.net\/recaptcha/) &&
      words.length < 600 &&
      /human|robot|verify|unusual traffic|captcha/.test(words),
  },
  {
    vendor: "unknown",
    test: (p, words) =>
      blocked(p) &&
      words.length < 600 &&
      /^(access denied|forbidden|403 forbidden|request blocked|you have been blocked)\b/.test(words),
  },
];

/** The service whose wall this page is, or null for a page of the site itself. */
export function botWallOf(page: BotWallInput): string | null {
  const words = `${page.title ?? ""} ${page.text}`.toLowerCase().replace(/\s+/g, " ").trim();
  return WALLS.find((w) => w.test(page, words))?.vendor ?? null;
}

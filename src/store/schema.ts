/**
 * The crawl database's schema, as numbered migrations. The database records its version in
 * `PRAGMA user_version`; opening an older file applies the missing steps in order.
 * Never edit a released step: add a new one.
 */
/**
 * The same steps for PostgreSQL: ids become BIGSERIAL and integers BIGINT (they hold milliseconds);
 * everything else in the schema is SQL both databases read alike.
 */
export function toPostgresDdl(sql: string): string {
  return sql.replace(/\bINTEGER PRIMARY KEY\b/g, "BIGSERIAL PRIMARY KEY").replace(/\bINTEGER\b/g, "BIGINT");
}

export const MIGRATIONS: string[] = [
  `
  CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

  CREATE TABLE sites (
    id INTEGER PRIMARY KEY,
    site TEXT NOT NULL UNIQUE,
    input_url TEXT NOT NULL,
    rank INTEGER,
    position INTEGER NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending',   -- pending | running | ok | failed
    final_url TEXT,
    error TEXT,
    error_detail TEXT,
    pages INTEGER NOT NULL DEFAULT 0,
    attempts INTEGER NOT NULL DEFAULT 0,
    started_at INTEGER,
    finished_at INTEGER
  );
  CREATE INDEX sites_status ON sites(status, position);

  CREATE TABLE pages (
    id INTEGER PRIMARY KEY,
    site_id INTEGER NOT NULL REFERENCES sites(id),
    depth INTEGER NOT NULL,
    requested_url TEXT NOT NULL,
    url TEXT NOT NULL,
    title TEXT,
    status TEXT NOT NULL,                    -- ok | timeout | failed | crashed
    http_status INTEGER,
    error TEXT,
    started_at INTEGER NOT NULL,
    ended_at INTEGER NOT NULL
  );
  CREATE INDEX pages_site ON pages(site_id);

  CREATE TABLE requests (
    id INTEGER PRIMARY KEY,
    site_id INTEGER NOT NULL REFERENCES sites(id),
    page_id INTEGER NOT NULL REFERENCES pages(id),
    request_id TEXT NOT NULL,
    hop INTEGER NOT NULL,
    target_kind TEXT NOT NULL,
    frame_id TEXT,
    document_url TEXT,
    url TEXT NOT NULL,
    method TEXT NOT NULL,
    resource_type TEXT NOT NULL,
    request_headers TEXT NOT NULL,           -- JSON object
    post_data TEXT,
    post_data_length INTEGER,
    post_data_sha256 TEXT,
    initiator_type TEXT,
    initiator_url TEXT,
    initiator_stack TEXT,
    sent_at INTEGER NOT NULL,
    status INTEGER,
    response_headers TEXT,                   -- JSON object
    remote_ip TEXT,
    mime_type TEXT,
    protocol TEXT,
    from_cache INTEGER NOT NULL,
    encoded_size INTEGER,
    error TEXT,
    redirected_to TEXT
  );
  CREATE INDEX requests_page ON requests(page_id);
  CREATE INDEX requests_site ON requests(site_id);

  CREATE TABLE cookies (
    id INTEGER PRIMARY KEY,
    site_id INTEGER NOT NULL REFERENCES sites(id),
    page_id INTEGER NOT NULL REFERENCES pages(id),
    name TEXT NOT NULL,
    domain TEXT NOT NULL,
    path TEXT NOT NULL,
    value TEXT NOT NULL,
    value_length INTEGER NOT NULL,
    value_sha256 TEXT,
    expires INTEGER,
    http_only INTEGER NOT NULL,
    secure INTEGER NOT NULL,
    same_site TEXT,
    set_by TEXT
  );
  CREATE INDEX cookies_page ON cookies(page_id);

  CREATE TABLE storage_items (
    id INTEGER PRIMARY KEY,
    site_id INTEGER NOT NULL REFERENCES sites(id),
    page_id INTEGER NOT NULL REFERENCES pages(id),
    origin TEXT NOT NULL,
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    value_length INTEGER NOT NULL
  );
  CREATE INDEX storage_page ON storage_items(page_id);

  CREATE TABLE websockets (
    id INTEGER PRIMARY KEY,
    site_id INTEGER NOT NULL REFERENCES sites(id),
    page_id INTEGER NOT NULL REFERENCES pages(id),
    request_id TEXT NOT NULL,
    url TEXT NOT NULL,
    initiator_url TEXT,
    status INTEGER,
    dropped_frames INTEGER NOT NULL,
    error TEXT
  );
  CREATE TABLE websocket_frames (
    id INTEGER PRIMARY KEY,
    websocket_id INTEGER NOT NULL REFERENCES websockets(id),
    direction TEXT NOT NULL,
    opcode INTEGER NOT NULL,
    payload TEXT NOT NULL,
    payload_length INTEGER NOT NULL,
    at INTEGER NOT NULL
  );
  CREATE INDEX websocket_frames_socket ON websocket_frames(websocket_id);

  CREATE TABLE page_events (
    id INTEGER PRIMARY KEY,
    site_id INTEGER NOT NULL REFERENCES sites(id),
    page_id INTEGER NOT NULL REFERENCES pages(id),
    kind TEXT NOT NULL,
    detail TEXT NOT NULL,
    at INTEGER NOT NULL
  );

  -- Filled by analysis (attribution and decoders); derived from the tables above, never the other way.
  CREATE TABLE findings (
    id INTEGER PRIMARY KEY,
    site_id INTEGER NOT NULL REFERENCES sites(id),
    page_id INTEGER NOT NULL REFERENCES pages(id),
    entity TEXT NOT NULL,
    tracker TEXT NOT NULL,
    requests INTEGER NOT NULL,
    pixel_ids TEXT NOT NULL,
    events TEXT NOT NULL,
    data_shared TEXT NOT NULL,
    identifiers TEXT NOT NULL,
    leaks TEXT NOT NULL,
    phase TEXT NOT NULL
  );
  CREATE INDEX findings_page ON findings(page_id);
  `,
  // 2: what a page says (for the sensitive-page classifier) and the classifier's verdict.
  `
  ALTER TABLE pages ADD COLUMN headings TEXT NOT NULL DEFAULT '[]';
  ALTER TABLE pages ADD COLUMN description TEXT;
  ALTER TABLE pages ADD COLUMN text_excerpt TEXT NOT NULL DEFAULT '';
  ALTER TABLE pages ADD COLUMN sensitive TEXT NOT NULL DEFAULT '[]';
  ALTER TABLE pages ADD COLUMN sensitive_evidence TEXT NOT NULL DEFAULT '';
  `,
  // 3: the site's consent banner as of the end of each page (JSON ConsentRecord, or NULL).
  `
  ALTER TABLE pages ADD COLUMN consent TEXT;
  `,
  // 4: which list a site came from (for comparing lists), and each finding's evidence (request row ids).
  `
  ALTER TABLE sites ADD COLUMN list TEXT;
  ALTER TABLE findings ADD COLUMN evidence TEXT NOT NULL DEFAULT '[]';
  `,
  // 5: a shared clock for a fleet-wide page rate limit (one row: when the next page may start, ms).
  `
  CREATE TABLE pacing (id INTEGER PRIMARY KEY, next_at INTEGER NOT NULL);
  INSERT INTO pacing (id, next_at) VALUES (1, 0);
  `,
  // 6: whether a site has a job in the fleet's queue (the sites table is the backlog; the queue holds
  // a bounded window of it, topped up as workers drain it).
  `
  ALTER TABLE sites ADD COLUMN queued INTEGER NOT NULL DEFAULT 0;
  CREATE INDEX sites_queue ON sites(queued, status, position);
  `,
  // 7: which run of the site a page belongs to in a --compare-consent crawl (reject/accept, no_gpc/gpc).
  `
  ALTER TABLE pages ADD COLUMN variant TEXT;
  `,
  // 8: long request bodies stored once, by the SHA-256 of the whole body (requests.post_data_sha256):
  // a session recorder or batching endpoint sends the same large payload from page after page.
  `
  CREATE TABLE bodies (sha256 TEXT PRIMARY KEY, length INTEGER NOT NULL, body TEXT NOT NULL);
  `,
  // 9: what each script did with fingerprintable APIs (canvas, fonts, WebGL, audio, WebRTC,
  // navigator, screen), per document: the facts the fingerprinting heuristics are computed from.
  `
  CREATE TABLE script_facts (
    id INTEGER PRIMARY KEY,
    site_id INTEGER NOT NULL REFERENCES sites(id),
    page_id INTEGER NOT NULL REFERENCES pages(id),
    document_url TEXT NOT NULL,
    script_url TEXT NOT NULL,
    facts TEXT NOT NULL                      -- JSON ScriptFacts
  );
  CREATE INDEX script_facts_page ON script_facts(page_id);
  `,
  // 10: where a page's evidence (screenshot, HTML) was written, relative to the crawl's directory (JSON).
  `
  ALTER TABLE pages ADD COLUMN evidence TEXT;
  `,
  // 11: whether a finding's tracker received data or only had its script downloaded ('script_loaded'):
  // a tag that switches itself off (or waits for consent) must not count as having received data.
  `
  ALTER TABLE findings ADD COLUMN kind TEXT NOT NULL DEFAULT 'data';
  `,
  // 12: what the site's own consent records (TCF, US Privacy, GPP, OneTrust, Cookiebot, Didomi,
  // Usercentrics) say the visitor chose, as of the end of each page (JSON ConsentState).
  `
  ALTER TABLE pages ADD COLUMN consent_state TEXT;
  `,
  // 13: what a site is (a shelter, a clinic, a church: its sensitive categories and evidence, from its
  // home page), and each page's detected language and the site name it gives.
  `
  ALTER TABLE sites ADD COLUMN sensitive TEXT NOT NULL DEFAULT '[]';
  ALTER TABLE sites ADD COLUMN sensitive_evidence TEXT NOT NULL DEFAULT '';
  ALTER TABLE pages ADD COLUMN lang TEXT;
  ALTER TABLE pages ADD COLUMN site_name TEXT;
  `,
  // 14: what collectors without a table of their own gathered on each page, under their name (JSON).
  `
  CREATE TABLE collected (
    id INTEGER PRIMARY KEY,
    site_id INTEGER NOT NULL REFERENCES sites(id),
    page_id INTEGER NOT NULL REFERENCES pages(id),
    collector TEXT NOT NULL,
    data TEXT NOT NULL
  );
  CREATE INDEX collected_page ON collected(page_id);
  `,
  // 15: identifier syncs (one company's identifier for the visitor received by another), derived by
  // analysis like findings (src/analyze/id-sync.ts).
  `
  CREATE TABLE id_syncs (
    id INTEGER PRIMARY KEY,
    site_id INTEGER NOT NULL REFERENCES sites(id),
    page_id INTEGER NOT NULL REFERENCES pages(id),
    source_entity TEXT NOT NULL,
    source_tracker TEXT NOT NULL,
    id_name TEXT NOT NULL,
    id_source TEXT NOT NULL,
    proof TEXT NOT NULL,
    entity TEXT NOT NULL,
    tracker TEXT NOT NULL,
    means TEXT NOT NULL,
    encoding TEXT NOT NULL,
    place TEXT NOT NULL,
    phase TEXT NOT NULL,
    requests INTEGER NOT NULL,
    evidence TEXT NOT NULL,                  -- JSON request row ids
    request_id INTEGER,                      -- the first of them
    value TEXT NOT NULL
  );
  CREATE INDEX id_syncs_page ON id_syncs(page_id);
  `,
  // 16: CNAME cloaking: each page's first-party aliases and their chains (JSON host → names), and the
  // cloaked hosts a finding's tracker was reached at (JSON [{host, chain}]).
  `
  ALTER TABLE pages ADD COLUMN cnames TEXT;
  ALTER TABLE findings ADD COLUMN cloaked TEXT NOT NULL DEFAULT '[]';
  `,
  // 17: what each company could link about the visitor of a persistent crawl (src/analyze/profiles.ts):
  // one identifier sent from several sites, derived from the findings like them.
  `
  CREATE TABLE profiles (
    id INTEGER PRIMARY KEY,
    entity TEXT NOT NULL,
    tracker TEXT NOT NULL,
    name TEXT NOT NULL,
    carrier TEXT NOT NULL,
    value TEXT NOT NULL,
    sites TEXT NOT NULL,                     -- JSON, in the order the crawl visited them
    pages INTEGER NOT NULL,
    sensitive TEXT NOT NULL,                 -- JSON categories
    sensitive_pages TEXT NOT NULL,           -- JSON [{site, url, categories}]
    first_at INTEGER NOT NULL,
    last_at INTEGER NOT NULL,
    evidence TEXT NOT NULL,                  -- JSON [{site, pageUrl, requestId}]
    control TEXT NOT NULL
  );
  `,
];

/** Request bodies longer than this are kept in `bodies`, once each, instead of in their request row. */
export const INLINE_BODY_LIMIT = 2048;

/**
 * The request's body, wherever it is kept: an SQL expression over the requests table (or its alias).
 * Read bodies through this, never `post_data` alone.
 */
export function postDataSql(requests = "requests"): string {
  return `COALESCE(${requests}.post_data, (SELECT b.body FROM bodies b WHERE b.sha256 = ${requests}.post_data_sha256))`;
}

/**
 * One stored page read back in the shapes the crawler produced it, for analysis run again
 * (`earshot analyze`) over the stored capture.
 */
import type { ScriptFacts } from "../capture/fingerprint-script.ts";
import type {
  CapturedCookie,
  CapturedRequest,
  CnameChains,
  ConsentRecord,
  PageForAnalysis,
  PageScriptFacts,
  StorageItem,
  TargetKind,
} from "../capture/types.ts";
import { parseJson } from "../util/json.ts";
import { postDataSql } from "./schema.ts";
import type { Db } from "./write-site.ts";

export async function loadPageFrom(db: Db, pageId: number, pageUrl: string): Promise<PageForAnalysis> {
  const row = await db.get<{
    title: string | null;
    headings: string;
    description: string | null;
    text_excerpt: string;
    consent: string | null;
    site_name: string | null;
    depth: number;
    cnames: string | null;
  }>(
    "SELECT title, headings, description, text_excerpt, consent, site_name, depth, cnames FROM pages WHERE id = ?",
    [pageId],
  );
  let headings: string[] = [];
  try {
    headings = JSON.parse(row?.headings ?? "[]") as string[];
  } catch {
    // A damaged value reads as no headings.
  }
  const content = {
    headings,
    description: row?.description ?? null,
    text: row?.text_excerpt ?? "",
    siteName: row?.site_name ?? null,
  };
  const submitted = await db.get<{ at: number | null }>(
    "SELECT MIN(at) AS at FROM page_events WHERE page_id = ? AND kind = 'form_submitted'",
    [pageId],
  );
  return {
    pageUrl,
    isHome: row?.depth === 0,
    formSubmittedAt: submitted?.at ?? null,
    consent: row?.consent ? (JSON.parse(row.consent) as ConsentRecord) : null,
    title: row?.title ?? null,
    content,
    requests: await requestsOf(db, pageId),
    cookies: await cookiesOf(db, pageId),
    storage: await storageOf(db, pageId),
    scripts: await scriptsOf(db, pageId),
    collected: await collectedOf(db, pageId),
    ...(row?.cnames ? { cnames: parseJson<CnameChains>(row.cnames, {}) } : {}),
  };
}

async function requestsOf(db: Db, pageId: number): Promise<CapturedRequest[]> {
  const rows = await db.all<Record<string, string | number | null>>(
    `SELECT requests.*, ${postDataSql()} AS body FROM requests WHERE page_id = ? ORDER BY id`,
    [pageId],
  );
  return rows.map((r) => ({
    requestId: String(r.request_id),
    hop: Number(r.hop),
    targetKind: r.target_kind as TargetKind,
    frameId: r.frame_id as string | null,
    documentUrl: r.document_url as string | null,
    url: String(r.url),
    method: String(r.method),
    resourceType: String(r.resource_type),
    requestHeaders: parseObject(r.request_headers as string | null) ?? {},
    postData: r.body as string | null,
    postDataLength: r.post_data_length as number | null,
    // Taken when the body was cut; one kept whole in `bodies` reads back as it was captured.
    postDataSha256:
      r.post_data_sha256 !== null && Number(r.post_data_length) > String(r.body ?? "").length
        ? (r.post_data_sha256 as string)
        : null,
    initiatorType: r.initiator_type as string | null,
    initiatorUrl: r.initiator_url as string | null,
    initiatorStack: r.initiator_stack as string | null,
    sentAt: Number(r.sent_at),
    status: r.status as number | null,
    responseHeaders: parseObject(r.response_headers as string | null),
    remoteIp: r.remote_ip as string | null,
    mimeType: r.mime_type as string | null,
    protocol: r.protocol as string | null,
    fromCache: Number(r.from_cache) === 1,
    encodedSize: r.encoded_size as number | null,
    error: r.error as string | null,
    redirectedTo: r.redirected_to as string | null,
  }));
}

async function cookiesOf(db: Db, pageId: number): Promise<CapturedCookie[]> {
  return (
    await db.all<Record<string, string | number | null>>(
      "SELECT * FROM cookies WHERE page_id = ? ORDER BY id",
      [pageId],
    )
  ).map(
    (c): CapturedCookie => ({
      name: String(c.name),
      domain: String(c.domain),
      path: String(c.path),
      value: String(c.value),
      valueLength: Number(c.value_length),
      valueSha256: c.value_sha256 as string | null,
      expires: c.expires as number | null,
      httpOnly: Number(c.http_only) === 1,
      secure: Number(c.secure) === 1,
      sameSite: c.same_site as string | null,
      setBy: c.set_by as string | null,
    }),
  );
}

function storageOf(db: Db, pageId: number): Promise<StorageItem[]> {
  return db.all<StorageItem>(
    `SELECT origin, kind, key, value, value_length AS "valueLength" FROM storage_items WHERE page_id = ? ORDER BY id`,
    [pageId],
  );
}

async function collectedOf(db: Db, pageId: number): Promise<Record<string, unknown>> {
  const rows = await db.all<{ collector: string; data: string }>(
    "SELECT collector, data FROM collected WHERE page_id = ? ORDER BY id",
    [pageId],
  );
  return Object.fromEntries(rows.map((r) => [r.collector, parseJson<unknown>(r.data, null)]));
}

async function scriptsOf(db: Db, pageId: number): Promise<PageScriptFacts[]> {
  return (
    await db.all<{ document_url: string; script_url: string; facts: string }>(
      "SELECT document_url, script_url, facts FROM script_facts WHERE page_id = ? ORDER BY id",
      [pageId],
    )
  ).flatMap((r): PageScriptFacts[] => {
    const facts = parseJson<Omit<ScriptFacts, "script"> | null>(r.facts, null);
    return facts ? [{ ...facts, script: r.script_url, documentUrl: r.document_url }] : [];
  });
}

function parseObject(text: string | null): Record<string, string> | null {
  if (!text) return null;
  try {
    const value = JSON.parse(text) as unknown;
    return value && typeof value === "object" ? (value as Record<string, string>) : null;
  } catch {
    return null;
  }
}

/**
 * Writes a finished site (its capture and its analysis) into the crawl's tables, replacing what an
 * earlier attempt left; the caller runs it in one transaction.
 */

import type { CapturedRequest, PageCapture, SiteResult } from "../capture/types.ts";
import type { Classification } from "../classify/sensitive.ts";
import type { Finding, IdSync, PageAnalysis } from "../derived/types.ts";
import { sha256Hex } from "../util/bound.ts";
import { INLINE_BODY_LIMIT } from "./schema.ts";
import type { Sql } from "./sql.ts";

export type Db = Pick<Sql, "all" | "get" | "run">;

/**
 * `append` keeps what the site already has and adds these pages as another visit of it (an imported
 * capture of a site already in the crawl); otherwise the site's earlier records are replaced.
 */
export async function writeSiteIn(
  tx: Db,
  siteId: number,
  result: SiteResult,
  analysis: PageAnalysis[],
  mode: "replace" | "append" = "replace",
): Promise<void> {
  if (mode === "replace") await clearSite(tx, siteId);
  for (const [index, page] of result.pages.entries()) {
    const derived = analysis[index];
    const pageId = await insertPage(tx, siteId, page, derived);
    if (derived?.site) await writeSiteNature(tx, siteId, derived.site);
    const requestIds = await insertRequests(tx, siteId, pageId, page.requests);
    await insertPageRecords(tx, siteId, pageId, page);
    await insertCollected(tx, siteId, pageId, page);
    await insertFindings(tx, siteId, pageId, derived?.findings ?? [], requestIds);
    await insertSyncs(tx, siteId, pageId, derived?.syncs ?? [], requestIds);
  }
  if (mode === "append") {
    await tx.run(
      `UPDATE sites SET status = ?, final_url = COALESCE(final_url, ?), pages = (SELECT COUNT(*) FROM pages WHERE site_id = ?),
         started_at = CASE WHEN started_at IS NULL OR started_at > ? THEN ? ELSE started_at END,
         finished_at = CASE WHEN finished_at IS NULL OR finished_at < ? THEN ? ELSE finished_at END
       WHERE id = ?`,
      [
        result.status,
        result.finalUrl,
        siteId,
        result.startedAt,
        result.startedAt,
        result.endedAt,
        result.endedAt,
        siteId,
      ],
    );
    return;
  }
  await tx.run(
    `UPDATE sites SET status = ?, final_url = ?, error = ?, error_detail = ?, pages = ?, started_at = ?, finished_at = ?
     WHERE id = ?`,
    [
      result.status,
      result.finalUrl,
      result.error,
      result.errorDetail,
      result.pages.length,
      result.startedAt,
      result.endedAt,
      siteId,
    ],
  );
}

/** What an earlier attempt at the site wrote. */
async function clearSite(tx: Db, siteId: number): Promise<void> {
  for (const table of [
    "page_events",
    "storage_items",
    "cookies",
    "requests",
    "findings",
    "id_syncs",
    "script_facts",
    "collected",
  ]) {
    await tx.run(`DELETE FROM ${table} WHERE site_id = ?`, [siteId]);
  }
  await tx.run(
    "DELETE FROM websocket_frames WHERE websocket_id IN (SELECT id FROM websockets WHERE site_id = ?)",
    [siteId],
  );
  await tx.run("DELETE FROM websockets WHERE site_id = ?", [siteId]);
  await tx.run("DELETE FROM pages WHERE site_id = ?", [siteId]);
}

async function insertPage(
  tx: Db,
  siteId: number,
  page: PageCapture,
  derived: PageAnalysis | undefined,
): Promise<number> {
  const pageRow = await tx.get<{ id: number }>(
    `INSERT INTO pages (site_id, depth, requested_url, url, title, status, http_status, error, started_at, ended_at,
       headings, description, text_excerpt, sensitive, sensitive_evidence, consent, variant, evidence, consent_state,
       lang, site_name, cnames)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
    [
      siteId,
      page.depth,
      page.requestedUrl,
      page.finalUrl,
      page.title,
      page.status,
      page.httpStatus,
      page.error,
      page.startedAt,
      page.endedAt,
      JSON.stringify(page.content.headings),
      page.content.description,
      page.content.text,
      JSON.stringify(derived?.sensitive.categories ?? []),
      derived?.sensitive.evidence ?? "",
      page.consent ? JSON.stringify(page.consent) : null,
      page.variant ?? null,
      page.evidenceFiles ? JSON.stringify(page.evidenceFiles) : null,
      derived?.consentState ? JSON.stringify(derived.consentState) : null,
      derived?.sensitive.lang ?? null,
      page.content.siteName ?? null,
      page.cnames ? JSON.stringify(page.cnames) : null,
    ],
  );
  return Number(pageRow?.id);
}

/** Returns the requests' row ids, in capture order. */
async function insertRequests(
  tx: Db,
  siteId: number,
  pageId: number,
  requests: CapturedRequest[],
): Promise<number[]> {
  const requestIds: number[] = [];
  for (const r of requests) {
    let postData = r.postData;
    let postDataSha256 = r.postDataSha256;
    if (postData !== null && postData.length > INLINE_BODY_LIMIT) {
      // Keyed by the whole body's hash (already taken when the body was cut to its limit).
      postDataSha256 ??= sha256Hex(postData);
      await tx.run(
        "INSERT INTO bodies (sha256, length, body) VALUES (?, ?, ?) ON CONFLICT (sha256) DO NOTHING",
        [postDataSha256, r.postDataLength ?? postData.length, postData],
      );
      postData = null;
    }
    const row = await tx.get<{ id: number }>(
      `INSERT INTO requests (site_id, page_id, request_id, hop, target_kind, frame_id, document_url, url, method,
         resource_type, request_headers, post_data, post_data_length, post_data_sha256, initiator_type, initiator_url,
         initiator_stack, sent_at, status, response_headers, remote_ip, mime_type, protocol, from_cache, encoded_size,
         error, redirected_to)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
      [
        siteId,
        pageId,
        r.requestId,
        r.hop,
        r.targetKind,
        r.frameId,
        r.documentUrl,
        r.url,
        r.method,
        r.resourceType,
        JSON.stringify(r.requestHeaders),
        postData,
        r.postDataLength,
        postDataSha256,
        r.initiatorType,
        r.initiatorUrl,
        r.initiatorStack,
        r.sentAt,
        r.status,
        r.responseHeaders ? JSON.stringify(r.responseHeaders) : null,
        r.remoteIp,
        r.mimeType,
        r.protocol,
        r.fromCache ? 1 : 0,
        r.encodedSize,
        r.error,
        r.redirectedTo,
      ],
    );
    requestIds.push(Number(row?.id));
  }
  return requestIds;
}

/** What collectors without a table of their own gathered, under their names. */
async function insertCollected(tx: Db, siteId: number, pageId: number, page: PageCapture): Promise<void> {
  for (const [collector, data] of Object.entries(page.collected ?? {})) {
    await tx.run("INSERT INTO collected (site_id, page_id, collector, data) VALUES (?, ?, ?, ?)", [
      siteId,
      pageId,
      collector,
      JSON.stringify(data ?? null),
    ]);
  }
}

/** A page's cookies, storage, WebSockets, script facts and events. */
async function insertPageRecords(tx: Db, siteId: number, pageId: number, page: PageCapture): Promise<void> {
  for (const c of page.cookies) {
    await tx.run(
      `INSERT INTO cookies (site_id, page_id, name, domain, path, value, value_length, value_sha256, expires, http_only,
         secure, same_site, set_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        siteId,
        pageId,
        c.name,
        c.domain,
        c.path,
        c.value,
        c.valueLength,
        c.valueSha256,
        c.expires === null ? null : Math.round(c.expires),
        c.httpOnly ? 1 : 0,
        c.secure ? 1 : 0,
        c.sameSite,
        c.setBy,
      ],
    );
  }
  for (const item of page.storage) {
    await tx.run(
      "INSERT INTO storage_items (site_id, page_id, origin, kind, key, value, value_length) VALUES (?, ?, ?, ?, ?, ?, ?)",
      [siteId, pageId, item.origin, item.kind, item.key, item.value, item.valueLength],
    );
  }
  for (const w of page.webSockets) {
    const socket = await tx.get<{ id: number }>(
      `INSERT INTO websockets (site_id, page_id, request_id, url, initiator_url, status, dropped_frames, error)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
      [siteId, pageId, w.requestId, w.url, w.initiatorUrl, w.status, w.droppedFrames, w.error],
    );
    for (const f of w.frames) {
      await tx.run(
        "INSERT INTO websocket_frames (websocket_id, direction, opcode, payload, payload_length, at) VALUES (?, ?, ?, ?, ?, ?)",
        [Number(socket?.id), f.direction, f.opcode, f.payload, f.payloadLength, f.at],
      );
    }
  }
  for (const f of page.scripts ?? []) {
    const { documentUrl, script, ...facts } = f;
    await tx.run(
      "INSERT INTO script_facts (site_id, page_id, document_url, script_url, facts) VALUES (?, ?, ?, ?, ?)",
      [siteId, pageId, documentUrl, script, JSON.stringify(facts)],
    );
  }
  for (const e of page.events) {
    await tx.run("INSERT INTO page_events (site_id, page_id, kind, detail, at) VALUES (?, ?, ?, ?, ?)", [
      siteId,
      pageId,
      e.kind,
      e.detail,
      e.at,
    ]);
  }
}

export /** What a site is (its sensitive categories, from its home page). */
async function writeSiteNature(tx: Db, siteId: number, site: Classification): Promise<void> {
  await tx.run("UPDATE sites SET sensitive = ?, sensitive_evidence = ? WHERE id = ?", [
    JSON.stringify(site.categories),
    site.evidence,
    siteId,
  ]);
}

export /** `requestIds` are the row ids of the page's requests, in capture order (findings point into them). */
async function insertFindings(
  tx: Db,
  siteId: number,
  pageId: number,
  findings: Finding[],
  requestIds: number[],
): Promise<void> {
  for (const f of findings) {
    await tx.run(
      `INSERT INTO findings (site_id, page_id, entity, tracker, requests, pixel_ids, events, data_shared, identifiers, leaks,
         phase, evidence, kind, cloaked)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        siteId,
        pageId,
        f.entity,
        f.tracker,
        f.requests,
        JSON.stringify(f.pixelIds),
        JSON.stringify(f.events),
        JSON.stringify(f.dataShared),
        JSON.stringify(f.identifiers),
        JSON.stringify(f.leaks),
        f.phase,
        JSON.stringify(f.evidence.map((i) => requestIds[i]).filter((id) => id !== undefined)),
        f.kind,
        JSON.stringify(f.cloaked ?? []),
      ],
    );
  }
}

/** A page's identifier syncs; `requestIds` as for findings. */
export async function insertSyncs(
  tx: Db,
  siteId: number,
  pageId: number,
  syncs: IdSync[],
  requestIds: number[],
): Promise<void> {
  for (const s of syncs) {
    const evidence = s.evidence.map((i) => requestIds[i]).filter((id) => id !== undefined);
    await tx.run(
      `INSERT INTO id_syncs (site_id, page_id, source_entity, source_tracker, id_name, id_source, proof, entity, tracker,
         means, encoding, place, phase, requests, evidence, request_id, value)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        siteId,
        pageId,
        s.sourceEntity,
        s.sourceTracker,
        s.idName,
        s.idSource,
        s.proof,
        s.entity,
        s.tracker,
        s.means,
        s.encoding,
        s.where,
        s.phase,
        s.requests,
        JSON.stringify(evidence),
        evidence[0] ?? null,
        s.value,
      ],
    );
  }
}

/**
 * Who received a stored request and what a decoder read of it: the one answer the analysis, every
 * export (tables and HAR) and the report give, from the same inputs (headers included, the user's
 * tracker database first).
 */

import type { CnameChains } from "../capture/types.ts";
import { decodeRequest, decoderInput } from "../decode/index.ts";
import type { Beacon } from "../decode/types.ts";
import { attributeRequest, type RequestAttribution } from "./attribute-request.ts";
import type { TrackerDb } from "./tracker-db.ts";

export interface StoredRequest {
  url: string;
  method: string;
  postData: string | null;
  requestHeaders?: Record<string, string>;
}

export interface Attribution extends RequestAttribution {
  /** What a vendor's decoder read of the request (null: no decoder knows it). */
  beacon: Beacon | null;
}

/** `cnames`: the page's CNAME chains, for first-party hosts that are trackers in disguise. */
export function attributeStored(
  request: StoredRequest,
  pageUrl: string,
  trackerDb: TrackerDb | null = null,
  cnames: CnameChains | null = null,
): Attribution {
  const input = decoderInput(request.url, request.method, request.postData, request.requestHeaders ?? {});
  const beacon = input ? decodeRequest(input) : null;
  return { ...attributeRequest(request.url, pageUrl, beacon, trackerDb, cnames), beacon };
}

import type { CapturedRequest } from "./types.ts";

/** A request record with nothing known yet but what is given: one place that lists every field. */
export function newCapturedRequest(
  known: Pick<CapturedRequest, "requestId" | "targetKind" | "url" | "method" | "resourceType"> &
    Partial<CapturedRequest>,
): CapturedRequest {
  return {
    hop: 0,
    frameId: null,
    documentUrl: null,
    requestHeaders: {},
    postData: null,
    postDataLength: null,
    postDataSha256: null,
    initiatorType: null,
    initiatorUrl: null,
    initiatorStack: null,
    sentAt: Date.now(),
    status: null,
    responseHeaders: null,
    remoteIp: null,
    mimeType: null,
    protocol: null,
    fromCache: false,
    encodedSize: null,
    error: null,
    redirectedTo: null,
    ...known,
  };
}

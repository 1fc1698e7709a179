import { requestBodyText } from "../util/body.ts";
import { bound, boundHeaders, clip } from "../util/bound.ts";
import { LIMITS } from "../util/limits.ts";
import { withTimeout } from "../util/time.ts";
import type { CdpEvent } from "./cdp.ts";
import type { Collector, PageContext, TargetRef, TargetSetup } from "./collector.ts";
import { type Initiator, initiatorUrlOf, topOfStack } from "./initiator.ts";
import { newCapturedRequest } from "./request.ts";
import type { CapturedRequest, PageCapture } from "./types.ts";

interface CdpRequest {
  url: string;
  urlFragment?: string;
  method: string;
  headers: Record<string, string>;
  hasPostData?: boolean;
  postDataEntries?: Array<{ bytes?: string }>;
}

interface CdpResponse {
  url: string;
  status: number;
  headers: Record<string, string>;
  mimeType?: string;
  remoteIPAddress?: string;
  protocol?: string;
  fromDiskCache?: boolean;
  fromServiceWorker?: boolean;
  fromPrefetchCache?: boolean;
}

/**
 * Network events must be on before a target runs. maxPostDataSize inlines request bodies up to our
 * limit; response bodies are never read, so Chromium keeps none for this session (buffers of 0).
 */
export const networkSetup: TargetSetup = async (_target, send) => {
  await send("Network.enable", {
    maxPostDataSize: LIMITS.postBody,
    maxResourceBufferSize: 0,
    maxTotalBufferSize: 0,
  });
};

/** Records every request, response, redirect hop and failure of a page (WebSocket handshakes too), in every target. */
export class NetworkCollector implements Collector {
  readonly name = "network";
  private requests: CapturedRequest[] = [];
  /** Latest hop of each request id, keyed by session and id (ids are only unique per target). */
  private latest = new Map<string, CapturedRequest>();
  /** Every hop of each request id, in order; and the hops whose response's extra info has come. */
  private chains = new Map<string, CapturedRequest[]>();
  private answered = new WeakSet<CapturedRequest>();
  private extraRequestHeaders = new Map<string, Record<string, string>>();
  private pendingBodies: Array<Promise<void>> = [];
  private dropped = 0;
  /** The page targets whose requests are intercepted while a page unloads. */
  private unloadSessions: string[] = [];
  /** Cookie name → URL of the response whose Set-Cookie set it. */
  readonly cookieSetters = new Map<string, string>();

  constructor(private readonly context: PageContext) {}

  onEvent(event: CdpEvent, target: TargetRef): void {
    if (event.method === "Fetch.requestPaused") {
      this.onPaused(event.params, target);
      return;
    }
    const key = `${target.sessionId}:${event.params.requestId as string}`;
    this.handlers[event.method]?.(key, event.params, target);
  }

  /** What each network event changes in the page's requests. */
  private readonly handlers: Record<
    string,
    (key: string, p: Record<string, unknown>, target: TargetRef) => void
  > = {
    "Network.requestWillBeSent": (key, p, target) => this.onRequest(key, p, target),
    "Network.requestWillBeSentExtraInfo": (key, p) => {
      // Carries the headers actually sent, including Cookie, which requestWillBeSent lacks.
      const headers = boundHeaders(
        p.headers as Record<string, string>,
        LIMITS.headersPerMessage,
        LIMITS.headerValue,
      );
      const request = this.latest.get(key);
      if (request) Object.assign(request.requestHeaders, headers);
      else this.extraRequestHeaders.set(key, headers);
    },
    "Network.responseReceived": (key, p) => {
      const request = this.latest.get(key);
      if (request) applyResponse(request, p.response as CdpResponse);
    },
    "Network.responseReceivedExtraInfo": (key, p) => {
      const headers = p.headers as Record<string, string>;
      const request = this.hopAnswered(key, p.statusCode);
      if (request) {
        request.responseHeaders = {
          ...(request.responseHeaders ?? {}),
          ...boundHeaders(headers, LIMITS.headersPerMessage, LIMITS.headerValue),
        };
        if (request.status === null && typeof p.statusCode === "number") request.status = p.statusCode;
      }
      this.noteSetCookies(headers, request?.url ?? null);
    },
    "Network.requestServedFromCache": (key) => {
      const request = this.latest.get(key);
      if (request) request.fromCache = true;
    },
    "Network.loadingFinished": (key, p) => {
      const request = this.latest.get(key);
      if (request && typeof p.encodedDataLength === "number") request.encodedSize = p.encodedDataLength;
    },
    "Network.loadingFailed": (key, p) => {
      const request = this.latest.get(key);
      if (!request) return;
      const reason = (p.blockedReason as string | undefined) ?? (p.canceled ? "canceled" : undefined);
      const text = p.errorText as string;
      request.error = clip(reason ? `${text} (${reason})` : text, LIMITS.errorText);
    },
    // A WebSocket's handshake is a request like any other; its frames are `websockets.ts`'s.
    "Network.webSocketCreated": (key, p, target) => this.onWebSocket(key, p, target),
    "Network.webSocketWillSendHandshakeRequest": (key, p) => {
      const request = this.latest.get(key);
      const sent = p.request as { headers?: Record<string, string> };
      if (request) Object.assign(request.requestHeaders, boundHeaders(sent.headers));
    },
    "Network.webSocketHandshakeResponseReceived": (key, p) => {
      const request = this.latest.get(key);
      const response = p.response as { status?: number; headers?: Record<string, string> };
      if (!request) return;
      request.status = response.status ?? null;
      request.responseHeaders = boundHeaders(response.headers, LIMITS.headersPerMessage, LIMITS.headerValue);
    },
  };

  private onRequest(key: string, p: Record<string, unknown>, target: TargetRef): void {
    const cdpRequest = p.request as CdpRequest;
    const previous = this.latest.get(key);
    if (previous && p.redirectResponse) {
      applyResponse(previous, p.redirectResponse as CdpResponse);
      previous.redirectedTo = clip(cdpRequest.url, LIMITS.url);
    }
    if (this.requests.length >= LIMITS.requestsPerPage) {
      this.dropped++;
      return;
    }
    const initiator = p.initiator as Initiator | undefined;
    const frame = topOfStack(initiator?.stack);
    const url = cdpRequest.url + (cdpRequest.urlFragment ?? "");
    const request = newCapturedRequest({
      requestId: p.requestId as string,
      hop: previous && p.redirectResponse ? previous.hop + 1 : 0,
      targetKind: target.kind,
      frameId: (p.frameId as string | undefined) ?? null,
      documentUrl: clip(p.documentURL as string | undefined, LIMITS.url),
      url: clip(url, LIMITS.url) ?? "",
      method: cdpRequest.method,
      resourceType: ((p.type as string | undefined) ?? "other").toLowerCase(),
      requestHeaders: boundHeaders(cdpRequest.headers, LIMITS.headersPerMessage, LIMITS.headerValue),
      initiatorType: initiator?.type ?? null,
      initiatorUrl: clip(initiator?.url ?? frame?.url ?? null, LIMITS.url),
      initiatorStack: frame
        ? clip(
            `${frame.functionName || "(anonymous)"}@${frame.url}:${frame.lineNumber + 1}:${frame.columnNumber + 1}`,
            2000,
          )
        : null,
      sentAt: typeof p.wallTime === "number" ? Math.round(p.wallTime * 1000) : Date.now(),
    });
    const extra = this.extraRequestHeaders.get(key);
    if (extra) {
      Object.assign(request.requestHeaders, extra);
      this.extraRequestHeaders.delete(key);
    }
    if (cdpRequest.hasPostData) this.readBody(request, cdpRequest, target, p.requestId as string);
    this.requests.push(request);
    this.latest.set(key, request);
    if (request.hop === 0) this.chains.set(key, [request]);
    else this.chains.get(key)?.push(request);
  }

  /**
   * The hop a response's extra info (its Set-Cookie headers) belongs to: the first not yet given
   * one whose status, where known, is the extra info's. A redirect's may come after the next hop's
   * request: given to the latest hop, the redirect's cookies would be the next company's.
   */
  private hopAnswered(key: string, statusCode: unknown): CapturedRequest | undefined {
    const hop = this.chains
      .get(key)
      ?.find(
        (r) =>
          !this.answered.has(r) &&
          (r.status === null || typeof statusCode !== "number" || r.status === statusCode),
      );
    const request = hop ?? this.latest.get(key);
    if (request) this.answered.add(request);
    return request;
  }

  private readBody(
    request: CapturedRequest,
    cdpRequest: CdpRequest,
    target: TargetRef,
    requestId: string,
  ): void {
    const inline = inlineBody(cdpRequest);
    if (inline) {
      this.setBody(request, inline);
      return;
    }
    // Bodies over maxPostDataSize (or made of blobs) are not inlined: ask for them while the request lives.
    this.pendingBodies.push(
      this.context
        .targetCommand<{ postData: string; base64Encoded?: boolean }>(
          target.sessionId,
          "Network.getRequestPostData",
          {
            requestId,
          },
        )
        .then((result) => {
          if (result)
            this.setBody(request, Buffer.from(result.postData, result.base64Encoded ? "base64" : "utf8"));
        }),
    );
  }

  private setBody(request: CapturedRequest, body: Buffer): void {
    const text = requestBodyText(body);
    const kept = bound(text, LIMITS.postBody);
    request.postData = kept.text;
    request.postDataLength = kept.length;
    request.postDataSha256 = kept.sha256;
  }

  /** The handshake of a WebSocket, recorded as a request so it appears with everything else. */
  private onWebSocket(key: string, p: Record<string, unknown>, target: TargetRef): void {
    const initiator = p.initiator as Initiator | undefined;
    const request = newCapturedRequest({
      requestId: p.requestId as string,
      targetKind: target.kind,
      documentUrl: clip(target.url, LIMITS.url),
      url: clip(p.url as string, LIMITS.url) ?? "",
      method: "GET",
      resourceType: "websocket",
      initiatorType: initiator?.type ?? null,
      initiatorUrl: initiatorUrlOf(initiator),
    });
    this.requests.push(request);
    this.latest.set(key, request);
  }

  /**
   * Watches the page targets' requests while a page is unloaded. DevTools' Network events never
   * report what a document sends from its real `pagehide` or `unload` (a goodbye beacon: the
   * server gets it, no event comes), but request interception sees it; it is on only for the
   * unload, so no other request waits on it.
   */
  async watchUnload(): Promise<void> {
    this.unloadSessions = this.context
      .targets()
      .filter((t) => t.kind === "page")
      .map((t) => t.sessionId);
    await Promise.all(
      this.unloadSessions.map((session) =>
        this.context.targetCommand(session, "Fetch.enable", { patterns: [{ urlPattern: "*" }] }),
      ),
    );
  }

  async stopWatchingUnload(): Promise<void> {
    const sessions = this.unloadSessions;
    this.unloadSessions = [];
    await Promise.all(sessions.map((session) => this.context.targetCommand(session, "Fetch.disable")));
  }

  /** A request held by interception during an unload: let go at once, recorded unless Network saw it. */
  private onPaused(p: Record<string, unknown>, target: TargetRef): void {
    void this.context.targetCommand(target.sessionId, "Fetch.continueRequest", { requestId: p.requestId });
    const networkId = p.networkId as string | undefined;
    if (networkId && this.latest.has(`${target.sessionId}:${networkId}`)) return;
    if (this.requests.length >= LIMITS.requestsPerPage) {
      this.dropped++;
      return;
    }
    const sent = p.request as CdpRequest & { postData?: string };
    const request = newCapturedRequest({
      requestId: networkId ?? (p.requestId as string),
      targetKind: target.kind,
      frameId: (p.frameId as string | undefined) ?? null,
      documentUrl: clip(target.url, LIMITS.url),
      url: clip(sent.url + (sent.urlFragment ?? ""), LIMITS.url) ?? "",
      method: sent.method,
      resourceType: ((p.resourceType as string | undefined) ?? "other").toLowerCase(),
      requestHeaders: boundHeaders(sent.headers, LIMITS.headersPerMessage, LIMITS.headerValue),
    });
    const body = inlineBody(sent) ?? (typeof sent.postData === "string" ? Buffer.from(sent.postData) : null);
    if (body) this.setBody(request, body);
    this.requests.push(request);
  }

  private noteSetCookies(headers: Record<string, string>, url: string | null): void {
    if (!url) return;
    for (const [name, value] of Object.entries(headers)) {
      if (name.toLowerCase() !== "set-cookie") continue;
      for (const line of String(value).split("\n")) {
        const cookieName = line.split("=")[0]?.trim();
        if (cookieName) this.cookieSetters.set(cookieName, url);
      }
    }
  }

  /**
   * The top-level document request of the current page that started at `url` (following its
   * redirects), for pages whose navigation did not finish.
   */
  pendingDocument(url: string): CapturedRequest | null {
    let doc = this.requests.find((r) => isPageDocument(r, url));
    while (doc?.redirectedTo) {
      const next = this.requests.find((r) => r.requestId === doc?.requestId && r.hop === (doc?.hop ?? 0) + 1);
      if (!next) break;
      doc = next;
    }
    return doc ?? null;
  }

  /** The latest top-level document request of the current page for `url` (a page that reloaded has several). */
  latestDocument(url: string): CapturedRequest | null {
    return this.requests.findLast((r) => isPageDocument(r, url)) ?? null;
  }

  async finishPage(page: PageCapture): Promise<void> {
    // Bodies still being fetched get a short grace period; a dead target answers null at once.
    await withTimeout(Promise.allSettled(this.pendingBodies), 5000, null);
    page.requests.push(...this.requests);
    if (this.dropped > 0) {
      page.events.push({
        kind: "limit_reached",
        detail: `${this.dropped} requests beyond the ${LIMITS.requestsPerPage}-request limit were not recorded`,
        at: Date.now(),
      });
    }
    this.requests = [];
    this.latest.clear();
    this.chains.clear();
    this.extraRequestHeaders.clear();
    this.pendingBodies = [];
    this.dropped = 0;
  }
}

/** A top-level document request of the page (not a frame's, not a worker's) for `url`. */
function isPageDocument(r: CapturedRequest, url: string): boolean {
  return r.targetKind === "page" && r.resourceType === "document" && r.url === url;
}

/** A request body DevTools gave inline (every entry's bytes present), or null. */
function inlineBody(request: CdpRequest): Buffer | null {
  const entries = request.postDataEntries ?? [];
  if (entries.length === 0 || entries.some((e) => e.bytes === undefined)) return null;
  return Buffer.concat(entries.map((e) => Buffer.from(e.bytes ?? "", "base64")));
}

function applyResponse(request: CapturedRequest, response: CdpResponse): void {
  request.status = response.status;
  request.responseHeaders = {
    ...(request.responseHeaders ?? {}),
    ...boundHeaders(response.headers, LIMITS.headersPerMessage, LIMITS.headerValue),
  };
  request.mimeType = clip(response.mimeType, 200);
  request.remoteIp = clip(response.remoteIPAddress, 100);
  request.protocol = clip(response.protocol, 50);
  if (response.fromDiskCache || response.fromPrefetchCache || response.fromServiceWorker)
    request.fromCache = true;
}

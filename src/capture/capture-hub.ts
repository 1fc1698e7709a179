import { LIMITS } from "../util/limits.ts";
import { sleep, withTimeout } from "../util/time.ts";
import type { CdpEvent, CdpPipe } from "./cdp.ts";
import type { Collector, PageContext, TargetRef } from "./collector.ts";
import { COLLECTORS, TARGET_SETUPS } from "./collectors.ts";
import { NetworkCollector } from "./network.ts";
import type { PageCapture, TargetKind } from "./types.ts";

const COMMAND_TIMEOUT_MS = 5000;

interface TargetInfo {
  targetId: string;
  type: string;
  url: string;
  browserContextId?: string;
}

interface Session {
  ref: TargetRef;
  browserContextId: string | null;
}

function kindOf(type: string): TargetKind | null {
  switch (type) {
    case "page":
    case "iframe":
    case "worker":
    case "shared_worker":
    case "service_worker":
      return type;
    case "browser_ui":
    case "browser":
    case "tab":
      return null;
    default:
      return "other";
  }
}

/**
 * Watches every target of one browser over our own CDP connection (pages, out-of-process frames,
 * dedicated, shared and service workers, popups), holding each new target until capture is set up,
 * and routes its events to the site whose browser context it belongs to.
 */
export class CaptureHub {
  private readonly sessions = new Map<string, Session>();
  private readonly sites = new Map<string, SiteCapture>();

  constructor(private readonly cdp: CdpPipe) {
    cdp.on("event", (event) => this.onEvent(event));
  }

  async start(): Promise<void> {
    await this.cdp.send("Target.setAutoAttach", {
      autoAttach: true,
      waitForDebuggerOnStart: true,
      flatten: true,
    });
  }

  /**
   * Starts capturing a browser context; its targets' events flow to the returned capture. Headers
   * to add to every request of the context (`Sec-GPC`) are set here, on the capture's sessions:
   * Chromium applies a session's extra headers only while it has Network enabled, and Playwright's
   * sessions do not (`devtools-relay.ts`).
   */
  async register(browserContextId: string, extraHeaders: Record<string, string> = {}): Promise<SiteCapture> {
    const targets = () => this.targetsOf(browserContextId);
    const capture = new SiteCapture(browserContextId, this.cdp, targets, extraHeaders);
    this.sites.set(browserContextId, capture);
    if (Object.keys(extraHeaders).length > 0)
      await Promise.all(
        this.targetsOf(browserContextId).map((t) => this.sendHeaders(t.sessionId, extraHeaders)),
      );
    return capture;
  }

  private sendHeaders(sessionId: string, headers: Record<string, string>): Promise<unknown> {
    const sent = this.cdp.trySend("Network.setExtraHTTPHeaders", { headers }, sessionId);
    return withTimeout(sent, COMMAND_TIMEOUT_MS, null);
  }

  unregister(browserContextId: string): void {
    this.sites.delete(browserContextId);
  }

  private targetsOf(browserContextId: string): TargetRef[] {
    const out: TargetRef[] = [];
    for (const session of this.sessions.values()) {
      if (session.browserContextId === browserContextId) out.push(session.ref);
    }
    return out;
  }

  private onEvent(event: CdpEvent): void {
    if (event.method === "Target.attachedToTarget") {
      void this.onAttached(event);
      return;
    }
    if (event.method === "Target.detachedFromTarget") {
      this.sessions.delete(event.params.sessionId as string);
      return;
    }
    if (event.method === "Target.targetInfoChanged") return;
    if (!event.sessionId) return;
    const session = this.sessions.get(event.sessionId);
    if (!session?.browserContextId) return;
    const site = this.sites.get(session.browserContextId);
    if (site) site.onEvent(event, session.ref);
  }

  private async onAttached(event: CdpEvent): Promise<void> {
    const sessionId = event.params.sessionId as string;
    const info = event.params.targetInfo as TargetInfo;
    const kind = kindOf(info.type);
    const resume = () => this.cdp.trySend("Runtime.runIfWaitingForDebugger", {}, sessionId);
    if (!kind) {
      await resume();
      await this.cdp.trySend("Target.detachFromTarget", { sessionId });
      return;
    }
    // A worker can be attached twice, through the browser's auto-attach and its page's. Both sessions
    // hold it paused, and neither can set it up while the other waits: a service worker then never
    // starts while its page is open. One session a target: the second lets go at once.
    if ([...this.sessions.values()].some((s) => s.ref.targetId === info.targetId)) {
      await resume();
      await this.cdp.trySend("Target.detachFromTarget", { sessionId });
      return;
    }
    const ref: TargetRef = { sessionId, targetId: info.targetId, kind, url: info.url };
    this.sessions.set(sessionId, { ref, browserContextId: info.browserContextId ?? null });
    const send = (method: string, params: Record<string, unknown> = {}) =>
      withTimeout(this.cdp.trySend(method, params, sessionId), COMMAND_TIMEOUT_MS, null);
    const headers = this.sites.get(info.browserContextId ?? "")?.extraHeaders ?? {};
    await Promise.all([
      ...TARGET_SETUPS.map((setup) => setup(ref, send)),
      // After Network.enable (sent first, synchronously, by the network set-up).
      Object.keys(headers).length > 0 ? this.sendHeaders(sessionId, headers) : Promise.resolve(),
      // Frames and workers inside this target are attached the same way, paused until set up.
      send("Target.setAutoAttach", { autoAttach: true, waitForDebuggerOnStart: true, flatten: true }),
      kind === "page" ? send("Inspector.enable") : Promise.resolve(),
    ]);
    await resume();
  }
}

/** The capture of one site: its collectors, fed by the hub, drained page by page. */
export class SiteCapture {
  readonly network: NetworkCollector;
  private readonly collectors: Collector[];
  readonly context: PageContext;
  /** Set when a renderer of this site crashed during the current page. */
  rendererCrashed = false;
  /** When this site's last request was seen (ms): how the crawler knows a page has stopped sending. */
  lastRequestAt = 0;

  constructor(
    browserContextId: string,
    cdp: CdpPipe,
    targets: () => TargetRef[],
    /** Added to every request of the site's targets. */
    readonly extraHeaders: Record<string, string>,
  ) {
    this.context = {
      browserContextId,
      browserCommand: (method, params = {}) =>
        withTimeout(cdp.trySend(method, params), COMMAND_TIMEOUT_MS, null),
      targetCommand: (sessionId, method, params = {}) =>
        withTimeout(cdp.trySend(method, params, sessionId), COMMAND_TIMEOUT_MS, null),
      targets,
    };
    this.network = new NetworkCollector(this.context);
    this.collectors = [this.network, ...COLLECTORS.map((kind) => kind.create(this.context, this.network))];
  }

  onEvent(event: CdpEvent, target: TargetRef): void {
    if (event.method === "Inspector.targetCrashed") this.rendererCrashed = true;
    else if (
      event.method === "Network.requestWillBeSent" ||
      event.method === "Network.webSocketCreated" ||
      event.method === "Fetch.requestPaused"
    )
      this.lastRequestAt = Date.now();
    for (const collector of this.collectors) collector.onEvent?.(event, target);
  }

  /**
   * Resolves once no request has started for `quietMs` (counted from the call at the earliest), or
   * after `maxMs`: requests a page sends as it is left show up within milliseconds, and a fixed wait
   * on every page costs throughput.
   */
  async settle(quietMs: number, maxMs: number): Promise<void> {
    const calledAt = Date.now();
    const until = calledAt + maxMs;
    for (;;) {
      const quietFor = Date.now() - Math.max(this.lastRequestAt, calledAt);
      const left = until - Date.now();
      if (quietFor >= quietMs || left <= 0) return;
      await sleep(Math.min(quietMs - quietFor, left));
    }
  }

  /** Reads what leaving the page would destroy; call while it is still open. */
  async beforeLeave(page: PageCapture): Promise<void> {
    for (const collector of this.collectors) {
      try {
        await collector.beforeLeave?.(page, this.context);
      } catch (error) {
        page.events.push({
          kind: "collector_failed",
          detail: `${collector.name} collector failed: ${String(error)}`,
          at: Date.now(),
        });
      }
    }
  }

  /** What the open page has gathered so far, from the collectors that can tell without finishing it. */
  preview(): Partial<PageCapture> {
    const into: Partial<PageCapture> = {};
    for (const collector of this.collectors) collector.preview?.(into);
    return into;
  }

  /** Moves everything gathered since the last page into `page`. */
  async finishPage(page: PageCapture): Promise<void> {
    for (const collector of this.collectors) {
      try {
        await collector.finishPage(page, this.context);
      } catch (error) {
        page.events.push({
          kind: "collector_failed",
          detail: `${collector.name} collector failed: ${String(error)}`,
          at: Date.now(),
        });
      }
    }
    boundCollected(page);
  }
}

/** A collector's output over its limit is replaced by a note of its size: never stored cut mid-JSON. */
export function boundCollected(page: PageCapture): void {
  for (const [name, data] of Object.entries(page.collected ?? {})) {
    const length = JSON.stringify(data ?? null)?.length ?? 0;
    if (length <= LIMITS.collectedBytes) continue;
    (page.collected as Record<string, unknown>)[name] = { truncated: true, length };
    page.events.push({
      kind: "limit_reached",
      detail: `${name}: ${length} characters of output over the ${LIMITS.collectedBytes} limit were not kept`,
      at: Date.now(),
    });
  }
}

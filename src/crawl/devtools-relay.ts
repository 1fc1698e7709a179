/**
 * Playwright's DevTools connection, carried over the pipe Earshot already holds to the browser, so
 * Chromium opens no DevTools TCP port that any local process could connect to and drive. Playwright
 * connects to a WebSocket on a Unix socket (mode 0600, in the crawl's own profile folder: only this
 * account can open it) and gets a browser session of its own (`Target.attachToBrowserTarget`); its
 * commands are relayed onto the pipe and the messages of its sessions come back to it alone.
 */
import { chmodSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { type WebSocket, WebSocketServer } from "ws";
import type { CdpMessage, CdpPipe } from "../capture/cdp.ts";

/** Unix socket paths are limited to about 108 bytes. */
const MAX_SOCKET_PATH = 100;

/**
 * Playwright's commands the relay answers itself, with an empty result. `Network.enable`: Chromium
 * serialises every network event once for each session that enabled Network, and Earshot's own
 * session (the capture) already has them all; Playwright needs none (the document's status comes
 * from the capture), so the browser's work on them is halved and Playwright parses none of them.
 */
const ANSWERED_HERE: ReadonlySet<string> = new Set(["Network.enable"]);
export class DevtoolsRelay {
  private client: WebSocket | null = null;
  private readonly sessions = new Set<string>();

  private constructor(
    private readonly cdp: CdpPipe,
    private readonly server: Server,
    private readonly wss: WebSocketServer,
    private readonly socketPath: string,
    /** Playwright's browser session: what it sends without a session goes there. */
    private readonly root: string,
  ) {
    wss.on("connection", (ws) => this.accept(ws));
    cdp.on("close", () => this.close());
  }

  static async start(cdp: CdpPipe, socketPath: string): Promise<DevtoolsRelay> {
    if (socketPath.length > MAX_SOCKET_PATH)
      throw new Error(`the DevTools socket path is too long (${socketPath}): set TMPDIR to a shorter folder`);
    const { sessionId } = await cdp.send<{ sessionId: string }>("Target.attachToBrowserTarget");
    const server = createServer((_, res) => res.writeHead(404).end());
    const wss = new WebSocketServer({ server, perMessageDeflate: false, maxPayload: 256 << 20 });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(socketPath, () => resolve());
    });
    chmodSync(socketPath, 0o600);
    return new DevtoolsRelay(cdp, server, wss, socketPath, sessionId);
  }

  /** The address to give `chromium.connectOverCDP`. */
  get endpoint(): string {
    return `ws+unix://${this.socketPath}:/devtools/browser`;
  }

  close(): void {
    for (const session of this.sessions) this.cdp.release(session);
    this.sessions.clear();
    this.client?.terminate();
    this.wss.close();
    this.server.close();
  }

  private accept(ws: WebSocket): void {
    // One client, once: Playwright, right after the launch.
    if (this.client) {
      ws.terminate();
      return;
    }
    this.client = ws;
    this.own(this.root);
    ws.on("message", (data) => this.forward(String(data)));
    ws.on("close", () => this.close());
  }

  private own(session: string): void {
    this.sessions.add(session);
    this.cdp.claim(session, (message) => this.deliver(message));
  }

  /** A command from Playwright, onto the pipe; its reply back with Playwright's own id. */
  private forward(text: string): void {
    let command: CdpMessage;
    try {
      command = JSON.parse(text) as CdpMessage;
    } catch {
      return;
    }
    const { id, method, params = {} } = command;
    if (id === undefined || !method) return;
    if (ANSWERED_HERE.has(method)) {
      this.send({ id, result: {}, sessionId: command.sessionId });
      return;
    }
    this.cdp.relay(method, params, command.sessionId ?? this.root, (reply) => {
      const sessionId = reply.result?.sessionId;
      if (typeof sessionId === "string" && method === "Target.attachToTarget") this.own(sessionId);
      this.send({ ...reply, id, sessionId: command.sessionId });
    });
  }

  /** A message of one of Playwright's sessions, as a direct connection would have carried it. */
  private deliver(message: CdpMessage): void {
    const child = (message.params as { sessionId?: string } | undefined)?.sessionId;
    if (child && message.method === "Target.attachedToTarget") this.own(child);
    this.send({ ...message, sessionId: message.sessionId === this.root ? undefined : message.sessionId });
    if (child && message.method === "Target.detachedFromTarget") {
      this.sessions.delete(child);
      this.cdp.release(child);
    }
  }

  private send(message: CdpMessage): void {
    if (this.client?.readyState === 1) this.client.send(JSON.stringify(message));
  }
}

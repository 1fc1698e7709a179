import { EventEmitter } from "node:events";
import type { Readable, Writable } from "node:stream";

/** A CDP event as it arrives: `sessionId` names the target (absent for the browser itself). */
export interface CdpEvent {
  method: string;
  params: Record<string, unknown>;
  sessionId?: string;
}

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  method: string;
  /** A relayed command: its reply is handed over whole, error included, in the pipe's order. */
  relayed?: (reply: CdpMessage) => void;
}

/** A message as the protocol has it (a reply when `id` is set, else an event). */
export interface CdpMessage {
  id?: number;
  method?: string;
  params?: Record<string, unknown>;
  sessionId?: string;
  result?: Record<string, unknown>;
  error?: { message: string; code?: number };
}

/** Another client on the same pipe (Playwright, through a relay): its sessions' messages go to it alone. */
export type SessionOwner = (message: CdpMessage) => void;

/**
 * A minimal Chrome DevTools Protocol client over `--remote-debugging-pipe` (NUL-delimited JSON).
 * The pipe doubles as a lifeline: when this process dies, the pipe closes and Chromium exits,
 * so even `kill -9` of the crawl leaves no browser behind.
 */
export class CdpPipe extends EventEmitter<{ event: [CdpEvent]; close: [] }> {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private buffer: Buffer[] = [];
  private readonly owners = new Map<string, SessionOwner>();
  closed = false;

  constructor(
    input: Readable,
    private readonly output: Writable,
  ) {
    super();
    input.on("data", (chunk: Buffer) => this.onData(chunk));
    input.on("close", () => this.onClose());
    input.on("error", () => this.onClose());
    output.on("error", () => this.onClose());
  }

  send<T = Record<string, unknown>>(
    method: string,
    params: Record<string, unknown> = {},
    sessionId?: string,
  ): Promise<T> {
    if (this.closed) return Promise.reject(new Error(`CDP connection closed (${method})`));
    const id = this.nextId++;
    const message = sessionId ? { id, method, params, sessionId } : { id, method, params };
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject, method });
      this.output.write(`${JSON.stringify(message)}\0`);
    });
  }

  /**
   * Sends another client's command; `onReply` gets Chromium's reply as it came (result or error), at
   * once, so that it keeps its place among the events around it.
   */
  relay(
    method: string,
    params: Record<string, unknown>,
    sessionId: string,
    onReply: (reply: CdpMessage) => void,
  ): void {
    if (this.closed) return;
    const id = this.nextId++;
    const ignore = () => {};
    this.pending.set(id, { resolve: ignore, reject: ignore, method, relayed: onReply });
    this.output.write(`${JSON.stringify({ id, method, params, sessionId })}\0`);
  }

  /** From now on, messages of this session go to `owner` and are not Earshot's events. */
  claim(sessionId: string, owner: SessionOwner): void {
    this.owners.set(sessionId, owner);
  }

  release(sessionId: string): void {
    this.owners.delete(sessionId);
  }

  /** Like `send`, but a failure (target gone, method unknown) resolves to null. */
  async trySend<T = Record<string, unknown>>(
    method: string,
    params: Record<string, unknown> = {},
    sessionId?: string,
  ): Promise<T | null> {
    try {
      return await this.send<T>(method, params, sessionId);
    } catch {
      return null;
    }
  }

  private onData(chunk: Buffer): void {
    let start = 0;
    for (let end = chunk.indexOf(0); end !== -1; end = chunk.indexOf(0, start)) {
      this.buffer.push(chunk.subarray(start, end));
      const text = Buffer.concat(this.buffer).toString("utf8");
      this.buffer = [];
      start = end + 1;
      this.dispatch(text);
    }
    if (start < chunk.length) this.buffer.push(chunk.subarray(start));
  }

  private dispatch(text: string): void {
    let message: CdpMessage;
    try {
      message = JSON.parse(text);
    } catch {
      return;
    }
    if (message.id !== undefined) {
      const pending = this.pending.get(message.id);
      if (!pending) return;
      this.pending.delete(message.id);
      if (pending.relayed) pending.relayed(message);
      else if (message.error) pending.reject(new Error(`${pending.method}: ${message.error.message}`));
      else pending.resolve(message.result ?? {});
      return;
    }
    const owner = message.sessionId === undefined ? undefined : this.owners.get(message.sessionId);
    if (owner) owner(message);
    else if (message.method) {
      this.emit("event", {
        method: message.method,
        params: message.params ?? {},
        sessionId: message.sessionId,
      });
    }
  }

  private onClose(): void {
    if (this.closed) return;
    this.closed = true;
    for (const pending of this.pending.values())
      pending.reject(new Error(`CDP connection closed (${pending.method})`));
    this.pending.clear();
    this.emit("close");
  }
}

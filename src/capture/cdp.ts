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
}

/**
 * A minimal Chrome DevTools Protocol client over `--remote-debugging-pipe` (NUL-delimited JSON).
 * The pipe doubles as a lifeline: when this process dies, the pipe closes and Chromium exits,
 * so even `kill -9` of the crawl leaves no browser behind.
 */
export class CdpPipe extends EventEmitter<{ event: [CdpEvent]; close: [] }> {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private buffer: Buffer[] = [];
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
    let message: {
      id?: number;
      method?: string;
      params?: Record<string, unknown>;
      sessionId?: string;
      result?: unknown;
      error?: { message: string };
    };
    try {
      message = JSON.parse(text);
    } catch {
      return;
    }
    if (message.id !== undefined) {
      const pending = this.pending.get(message.id);
      if (!pending) return;
      this.pending.delete(message.id);
      if (message.error) pending.reject(new Error(`${pending.method}: ${message.error.message}`));
      else pending.resolve(message.result ?? {});
      return;
    }
    if (message.method) {
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

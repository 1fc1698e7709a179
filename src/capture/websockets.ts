/**
 * WebSockets of a page: each socket with its frames (bounded in number and size), as the page sent
 * and received them. The handshake itself is a request, recorded by the network collector.
 */

import { bound, clip } from "../util/bound.ts";
import { LIMITS } from "../util/limits.ts";
import type { CdpEvent } from "./cdp.ts";
import type { Collector, TargetRef } from "./collector.ts";
import { type Initiator, initiatorUrlOf } from "./initiator.ts";
import type { CapturedWebSocket, PageCapture } from "./types.ts";

export class WebSocketCollector implements Collector {
  readonly name = "websockets";
  /** Keyed by session and request id (ids are only unique per target). */
  private sockets = new Map<string, CapturedWebSocket>();

  onEvent(event: CdpEvent, target: TargetRef): void {
    const p = event.params;
    const key = `${target.sessionId}:${p.requestId as string}`;
    if (event.method === "Network.webSocketCreated") {
      this.sockets.set(key, {
        requestId: p.requestId as string,
        url: clip(p.url as string, LIMITS.url) ?? "",
        initiatorUrl: initiatorUrlOf(p.initiator as Initiator | undefined),
        status: null,
        frames: [],
        droppedFrames: 0,
        error: null,
      });
      return;
    }
    const socket = this.sockets.get(key);
    if (!socket) return;
    switch (event.method) {
      case "Network.webSocketHandshakeResponseReceived":
        socket.status = (p.response as { status?: number }).status ?? null;
        break;
      case "Network.webSocketFrameSent":
      case "Network.webSocketFrameReceived":
        addFrame(socket, p.response as { opcode: number; payloadData: string }, event.method);
        break;
      case "Network.webSocketFrameError":
        socket.error = clip(p.errorMessage as string, LIMITS.errorText);
        break;
    }
  }

  async finishPage(page: PageCapture): Promise<void> {
    page.webSockets.push(...this.sockets.values());
    this.sockets.clear();
  }
}

function addFrame(
  socket: CapturedWebSocket,
  frame: { opcode: number; payloadData: string },
  method: string,
): void {
  if (socket.frames.length >= LIMITS.webSocketFramesPerSocket) {
    socket.droppedFrames++;
    return;
  }
  const payload = bound(frame.payloadData ?? "", LIMITS.webSocketFramePayload);
  socket.frames.push({
    direction: method === "Network.webSocketFrameSent" ? "sent" : "received",
    opcode: frame.opcode,
    payload: payload.text,
    payloadLength: payload.length,
    at: Date.now(),
  });
}

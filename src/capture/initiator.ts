/** Who started a request, as DevTools reports it: a parser, a script (with its stack), a preload… */
import { clip } from "../util/bound.ts";
import { LIMITS } from "../util/limits.ts";

export interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}

export interface StackTrace {
  callFrames: CallFrame[];
  parent?: StackTrace;
}

export interface Initiator {
  type: string;
  url?: string;
  lineNumber?: number;
  stack?: StackTrace;
}

/** The innermost frame with a script URL, following async parents. */
export function topOfStack(stack: StackTrace | undefined): CallFrame | null {
  for (let s = stack; s; s = s.parent) {
    const frame = s.callFrames.find((f) => f.url);
    if (frame) return frame;
  }
  return null;
}

/** The initiator's URL, or else its stack's top script. */
export function initiatorUrlOf(initiator: Initiator | undefined): string | null {
  return clip(initiator?.url ?? topOfStack(initiator?.stack)?.url ?? null, LIMITS.url);
}

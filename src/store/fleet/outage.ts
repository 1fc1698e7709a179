/**
 * A fleet worker outlives its database: when PostgreSQL restarts or the network drops, every queue
 * and store operation waits with backoff until the server answers again, instead of failing the
 * crawl. The outage is said once when it starts and once when it ends.
 */

/** Errors that mean "the server is not reachable now", not "the query is wrong". */
const CONNECTION_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
  // PostgreSQL: shutting down, crashed, starting up; connection failures.
  "57P01",
  "57P02",
  "57P03",
  "08000",
  "08001",
  "08003",
  "08004",
  "08006",
]);

const CONNECTION_MESSAGES =
  /Connection terminated|terminating connection|connection error|Client was closed|not queryable|the database system is (starting up|shutting down)/i;

export function isConnectionError(error: unknown, depth = 0): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === "string" && CONNECTION_CODES.has(code)) return true;
  if (error instanceof Error && CONNECTION_MESSAGES.test(error.message)) return true;
  // A refused write (StoreWriteError) carries the connection's error as its cause.
  const cause = (error as { cause?: unknown } | null)?.cause;
  return depth < 3 && cause !== undefined && isConnectionError(cause, depth + 1);
}

export interface OutageOptions {
  /** Where the two lines go (the worker's standard error). */
  say: (line: string) => void;
  /** First wait, doubled after each failure up to `maxDelayMs`. */
  firstDelayMs?: number;
  maxDelayMs?: number;
  /** Give up after this long without the database (the worker then stops; its sites stay queued). */
  giveUpAfterMs?: number;
}

/** One worker's view of its database's availability, shared by all its operations. */
export class Outage {
  private since: number | null = null;
  private endedAt = 0;

  constructor(private readonly options: OutageOptions) {}

  /** Runs `fn`, again and again while the database is unreachable. */
  async retry<T>(fn: () => Promise<T>): Promise<T> {
    let delay = this.options.firstDelayMs ?? 500;
    for (;;) {
      try {
        const result = await fn();
        this.over();
        return result;
      } catch (error) {
        if (!isConnectionError(error)) throw error;
        this.begin(error);
        const down = Date.now() - (this.since ?? Date.now());
        if (down > (this.options.giveUpAfterMs ?? 15 * 60_000)) throw error;
        await new Promise((resolve) => setTimeout(resolve, delay));
        delay = Math.min(delay * 2, this.options.maxDelayMs ?? 10_000);
      }
    }
  }

  private begin(error: unknown): void {
    if (this.since !== null) return;
    this.since = Date.now();
    // A stale connection failing just after the database came back is the same outage's tail.
    if (this.since - this.endedAt < 10_000) return;
    const reason =
      (error as { code?: string }).code ?? (error instanceof Error ? error.message : String(error));
    this.options.say(
      `database unreachable (${reason}); waiting for it and retrying (finished sites are kept, none is lost)`,
    );
  }

  private over(): void {
    if (this.since === null) return;
    const seconds = Math.round((Date.now() - this.since) / 1000);
    const tail = this.since - this.endedAt < 10_000;
    this.since = null;
    this.endedAt = Date.now();
    if (!tail) this.options.say(`database reachable again after ${seconds} s; carrying on`);
  }
}

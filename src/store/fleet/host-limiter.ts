import pg from "pg";
import { isConnectionError } from "./outage.ts";

/**
 * At most `perHost` sites of one registrable domain in flight across the fleet, held with
 * PostgreSQL advisory locks on one connection of this worker (released if the worker dies).
 */
export class HostLimiter {
  private readonly held = new Map<number, { domain: string; slot: number }>();

  constructor(
    private client: pg.Client,
    private readonly perHost: number,
    private readonly url: string,
  ) {}

  private queue: Promise<unknown> = Promise.resolve();

  /** A limiter on its own connection: the locks live as long as it does. */
  static async connect(url: string, perHost: number): Promise<HostLimiter> {
    return new HostLimiter(await HostLimiter.open(url), perHost, url);
  }

  private static async open(url: string): Promise<pg.Client> {
    const client = new pg.Client({ connectionString: url });
    client.on("error", () => {});
    await client.connect();
    return client;
  }

  /**
   * A query on the limiter's connection; a connection the server dropped (a restart) is replaced,
   * and the locks this worker held are taken again on the new one (the restart released them).
   */
  private async query(sql: string, params: unknown[]): Promise<pg.QueryResult> {
    try {
      return await this.client.query(sql, params);
    } catch (error) {
      if (!isConnectionError(error)) throw error;
      await this.client.end().catch(() => {});
      this.client = await HostLimiter.open(this.url);
      for (const lock of this.held.values())
        await this.client.query("SELECT pg_try_advisory_lock(hashtext($1), $2)", [
          `earshot:${lock.domain}`,
          lock.slot,
        ]);
      throw error;
    }
  }

  async close(): Promise<void> {
    await this.client.end().catch(() => {});
  }

  /** One acquisition at a time: the crawler asks from several coroutines, and the session's locks are re-entrant. */
  tryAcquire(siteId: number, domain: string): Promise<boolean> {
    const attempt = this.queue.then(() => this.acquireNow(siteId, domain));
    this.queue = attempt.catch(() => {});
    return attempt;
  }

  private async acquireNow(siteId: number, domain: string): Promise<boolean> {
    for (let slot = 0; slot < this.perHost; slot++) {
      // Advisory locks are re-entrant within a session: a slot this worker holds is taken.
      if ([...this.held.values()].some((h) => h.domain === domain && h.slot === slot)) continue;
      const { rows } = await this.query("SELECT pg_try_advisory_lock(hashtext($1), $2) AS ok", [
        `earshot:${domain}`,
        slot,
      ]);
      if ((rows[0] as { ok?: boolean } | undefined)?.ok) {
        this.held.set(siteId, { domain, slot });
        return true;
      }
    }
    return false;
  }

  async release(siteId: number): Promise<void> {
    const lock = this.held.get(siteId);
    if (!lock) return;
    this.held.delete(siteId);
    await this.query("SELECT pg_advisory_unlock(hashtext($1), $2)", [`earshot:${lock.domain}`, lock.slot]);
  }
}

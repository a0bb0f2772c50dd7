/**
 * The permits this process holds, per bucket, and the heartbeat that renews their leases in
 * Redis while their calls run: a detection page may stream for far longer than a lease, and
 * must not lose its permit to another process meanwhile. A crashed process stops renewing, so
 * its permits expire within one lease. Permits taken from the local fallback store are kept here
 * too, so each goes back where it came from.
 */
import type { ScriptedRedis } from "./connection.js";
import type { BucketKeys } from "./keys.js";

export interface Permit {
  /** The permit id in Redis; empty for a permit of the local fallback store. */
  readonly id: string;
}

export class Leases {
  readonly #held = new Map<string, { keys: BucketKeys; permits: Permit[] }>();
  readonly #leaseMs: number;
  readonly #client: () => ScriptedRedis;
  #timer: NodeJS.Timeout | undefined;

  constructor(leaseMs: number, client: () => ScriptedRedis) {
    this.#leaseMs = leaseMs;
    this.#client = client;
  }

  add(bucket: string, keys: BucketKeys, permit: Permit): void {
    let entry = this.#held.get(bucket);
    if (!entry) this.#held.set(bucket, (entry = { keys, permits: [] }));
    entry.permits.push(permit);
    if (permit.id && !this.#timer) {
      // Three beats per lease: one lost or late beat still leaves the lease standing.
      this.#timer = setInterval(() => this.#beat(), Math.max(10, Math.floor(this.#leaseMs / 3)));
      // The calls themselves keep the process alive; the heartbeat must not.
      this.#timer.unref();
    }
  }

  /** Any permit of `bucket` (they are alike); undefined when none is held. */
  take(bucket: string): Permit | undefined {
    const entry = this.#held.get(bucket);
    const permit = entry?.permits.pop();
    if (entry && !entry.permits.length) this.#held.delete(bucket);
    if (!this.#redisPermits()) this.stop();
    return permit;
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  #redisPermits(): boolean {
    for (const { permits } of this.#held.values()) if (permits.some((p) => p.id)) return true;
    return false;
  }

  #beat(): void {
    const client = this.#client();
    const pipeline = client.pipeline() as unknown as { qtsRenew(permits: string, ...args: (string | number)[]): void; exec(): Promise<unknown> };
    let any = false;
    for (const { keys, permits } of this.#held.values()) {
      const ids = permits.filter((p) => p.id).map((p) => p.id);
      if (!ids.length) continue;
      pipeline.qtsRenew(keys.permits, this.#leaseMs, ...ids);
      any = true;
    }
    // A failed beat is retried by the next one; the lease outlives two misses.
    if (any) pipeline.exec().catch(() => {});
  }
}

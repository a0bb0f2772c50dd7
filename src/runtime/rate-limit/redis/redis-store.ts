/**
 * A RateLimitStore kept in Redis, so every process using one Qualys subscription shares its
 * limits: permits (leases that expire if their process dies), the learned X-RateLimit /
 * X-Concurrency limits, the rolling log of counted calls, and holds after 409/429 answers.
 * Each operation is one Lua script: atomic and one round trip.
 *
 * When Redis cannot be reached, `onUnavailable: "fail"` (default) rejects with
 * RateLimitStoreError; `"local"` keeps going on this process's memory with one warning per
 * outage, and returns to Redis once it answers again.
 */
import { randomBytes } from "node:crypto";
import type { RedisOptions } from "ioredis";
import { ConfigurationError } from "../../errors/configuration-error.js";
import { MissingDependencyError } from "../../errors/missing-dependency-error.js";
import { RateLimitStoreError } from "../../errors/rate-limit-store-error.js";
import type { ObservedLimits } from "../headers.js";
import { MemoryRateLimitStore, resolveDefaults, type DefaultsInput } from "../memory-store.js";
import type { Acquired, AcquiredMany, BucketState, RateLimitStore } from "../store.js";
import { SharedConnection, type ScriptedRedis } from "./connection.js";
import type { SubscriptionIdentity } from "../store.js";
import { bucketKeys, DEFAULT_KEY_PREFIX, subscriptionHash, type BucketKeys } from "./keys.js";
import { Leases } from "./leases.js";

export interface RedisStoreOptions {
  /** redis://[user:password@]host:port[/db] or rediss:// for TLS. */
  readonly url: string;
  /** Prefix of every key. Default "qualys-ts:rl". */
  readonly keyPrefix?: string;
  /** How long a permit outlives a silent process, ms; running calls renew theirs every third of it. Default 30 s. */
  readonly leaseMs?: number;
  /** "fail" (default): RateLimitStoreError while Redis is away. "local": this process's memory meanwhile, with one warning. */
  readonly onUnavailable?: "fail" | "local";
  /** Whose limits these are. createQualysClient fills it in from its platform and credentials. */
  readonly subscription?: SubscriptionIdentity;
  /** Limits assumed until an API's first answer. createQualysClient passes its rateLimit.defaults. */
  readonly defaults?: DefaultsInput;
  /** Where the fallback warning goes. Default: process.emitWarning. */
  readonly onWarning?: (message: string) => void;
  /** Longest wait for one Redis answer before it counts as away, ms. Default 2000. */
  readonly commandTimeoutMs?: number;
  /** More ioredis options (TLS, sentinels…), over the store's. */
  readonly redisOptions?: RedisOptions;
}

/** What every subscription view of one redisStore() shares. */
interface Shared {
  readonly connection: SharedConnection;
  readonly prefix: string;
  readonly leaseMs: number;
  readonly local: boolean;
  readonly warn: (message: string) => void;
  readonly processId: string;
  nextPermit: number;
}

const OK: Acquired = { ok: true };
const MAX_LOG = 10_000;

/** A Redis-backed store; see RedisStoreOptions. The connection opens on first use. */
export function redisStore(options: RedisStoreOptions): RedisRateLimitStore {
  if (typeof options?.url !== "string" || !/^rediss?:\/\/[^/]/.test(options.url)) {
    throw new ConfigurationError('redisStore: "url" must be a redis:// or rediss:// URL.');
  }
  const leaseMs = options.leaseMs ?? 30_000;
  if (!Number.isFinite(leaseMs) || leaseMs < 30) throw new ConfigurationError(`redisStore: "leaseMs" must be a number of milliseconds ≥ 30, not ${leaseMs}.`);
  if (options.onUnavailable !== undefined && options.onUnavailable !== "fail" && options.onUnavailable !== "local") {
    throw new ConfigurationError(`redisStore: "onUnavailable" must be "fail" or "local", not ${JSON.stringify(options.onUnavailable)}.`);
  }
  const shared: Shared = {
    connection: new SharedConnection(options),
    prefix: options.keyPrefix ?? DEFAULT_KEY_PREFIX,
    leaseMs,
    local: options.onUnavailable === "local",
    warn: options.onWarning ?? ((message) => process.emitWarning(message, "QualysRateLimitStoreWarning")),
    processId: randomBytes(6).toString("hex"),
    nextPermit: 0,
  };
  return new RedisRateLimitStore(shared, options.subscription && subscriptionHash(options.subscription), options.defaults ?? {});
}

export class RedisRateLimitStore implements RateLimitStore {
  readonly #shared: Shared;
  /** The hashed subscription; undefined until one is named. */
  readonly #subscription: string | undefined;
  readonly #defaults: DefaultsInput;
  readonly #fallback: MemoryRateLimitStore;
  readonly #leases: Leases;
  #client: ScriptedRedis | undefined;
  #warned = false;
  #closed = false;

  /** @internal Use redisStore(). */
  constructor(shared: Shared, subscription: string | undefined, defaults: DefaultsInput) {
    this.#shared = shared;
    this.#subscription = subscription;
    this.#defaults = defaults;
    this.#fallback = new MemoryRateLimitStore(defaults);
    this.#leases = new Leases(shared.leaseMs, () => this.#redis());
  }

  /** The same Redis connection, keyed for one subscription; createQualysClient calls it. */
  forSubscription(identity: SubscriptionIdentity, defaults?: DefaultsInput): RedisRateLimitStore {
    return new RedisRateLimitStore(this.#shared, subscriptionHash(identity), defaults ?? this.#defaults);
  }

  async tryAcquire(key: string, now: number): Promise<Acquired> {
    const { granted, refusal } = await this.tryAcquireMany(key, now, 1);
    return granted ? OK : refusal!;
  }

  async tryAcquireMany(key: string, now: number, count: number): Promise<AcquiredMany> {
    const keys = this.#keys(key);
    const d = resolveDefaults(this.#defaults, key);
    const prefix = `${this.#shared.processId}:`;
    const first = this.#shared.nextPermit + 1;
    this.#shared.nextPermit += count;
    let reply: [number, number, string, number, string];
    try {
      reply = (await this.#run((r) => r.qtsAcquire(keys.state, keys.permits, keys.log, prefix, this.#shared.leaseMs, d.concurrency, d.limit ?? "", d.windowSec ?? "", d.reserve, count, first))) as typeof reply;
    } catch (err) {
      this.#unavailable("acquire", err);
      let granted = 0;
      for (; granted < count; granted++) {
        const got = this.#fallback.tryAcquire(key, now);
        if (!got.ok) return { granted, refusal: got };
        this.#leases.add(key, keys, { id: "" });
      }
      return { granted };
    }
    const [granted, serverNow, reason, retryAt, code] = reply;
    for (let i = 0; i < granted; i++) this.#leases.add(key, keys, { id: `${prefix}${first + i}` });
    if (!reason) return { granted };
    const refusal: Acquired & { ok: false } = {
      ok: false,
      reason: reason as "hold" | "concurrency" | "quota",
      // Redis's clock, moved onto the caller's.
      ...(retryAt >= 0 ? { retryAt: now + (retryAt - serverNow) } : {}),
      ...(code ? { code } : {}),
    };
    return { granted, refusal };
  }

  async release(key: string, now: number, observed: ObservedLimits | null): Promise<void> {
    const keys = this.#keys(key);
    const permit = this.#leases.take(key);
    if (permit && !permit.id) return this.#fallback.release(key, now, observed);
    const d = resolveDefaults(this.#defaults, key);
    const o = observed ?? {};
    const arg = (n: number | undefined) => (n === undefined ? "" : n);
    try {
      await this.#run((r) =>
        r.qtsRelease(keys.state, keys.permits, keys.log, permit?.id ?? "", observed === null ? "0" : "1", arg(o.concurrencyLimit), arg(o.limit), arg(o.windowSec), arg(o.remaining), arg(o.toWaitSec), d.exhaustedWaitMs, arg(d.limit), arg(d.windowSec), this.#shared.leaseMs, MAX_LOG),
      );
    } catch (err) {
      // The permit's lease runs out on its own; locally there is nothing to give back.
      this.#unavailable("release", err);
    }
  }

  async hold(key: string, until: number, code: string): Promise<void> {
    const keys = this.#keys(key);
    if (this.#shared.local) this.#fallback.hold(key, until, code);
    try {
      await this.#run((r) => r.qtsHold(keys.state, Math.max(0, until - Date.now()), code, this.#shared.leaseMs));
    } catch (err) {
      this.#unavailable("hold", err);
    }
  }

  async snapshot(key: string): Promise<Readonly<BucketState> | undefined> {
    const keys = this.#keys(key);
    let reply: [number, string[], number, string[]];
    try {
      reply = (await this.#run((r) => r.qtsSnapshot(keys.state, keys.permits, keys.log))) as typeof reply;
    } catch (err) {
      this.#unavailable("snapshot", err);
      return this.#fallback.snapshot(key);
    }
    const [serverNow, flat, inFlight, log] = reply;
    if (!flat.length && !inFlight && !log.length) return undefined;
    const h: Record<string, string> = {};
    for (let i = 0; i < flat.length; i += 2) h[flat[i]!] = flat[i + 1]!;
    const d = resolveDefaults(this.#defaults, key);
    const n = (v: string | undefined) => (v === undefined ? undefined : Number(v));
    const local = Date.now();
    const limit = n(h.limit) ?? d.limit;
    const windowSec = n(h.windowSec) ?? d.windowSec;
    const remaining = n(h.remaining);
    return {
      concurrency: n(h.concurrency) ?? d.concurrency,
      inFlight,
      limit,
      windowSec,
      remaining,
      others: n(h.others) ?? 0,
      othersUntil: (n(h.othersUntil) ?? serverNow) - serverNow + local,
      holdUntil: h.holdUntil ? Number(h.holdUntil) - serverNow + local : 0,
      holdCode: h.holdCode,
      probing: (limit === undefined || windowSec === undefined) && remaining !== undefined && remaining <= d.reserve && inFlight > 0,
      counted: log.filter((_, i) => i % 2 === 1).map((score) => Number(score) - serverNow + local),
    };
  }

  /** Stops the heartbeat and lets go of the connection (closed once no view of this store uses it). */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#leases.stop();
    if (this.#client) {
      this.#client = undefined;
      await this.#shared.connection.letGo();
    }
  }

  #keys(bucket: string): BucketKeys {
    if (this.#subscription === undefined) {
      throw new ConfigurationError("redisStore: no subscription to key the limits by: pass the store to createQualysClient, or give redisStore a `subscription`.");
    }
    return bucketKeys(this.#shared.prefix, this.#subscription, bucket);
  }

  #redis(): ScriptedRedis {
    if (this.#closed) throw new ConfigurationError("redisStore: used after close().");
    return (this.#client ??= this.#shared.connection.hold());
  }

  async #run(command: (r: ScriptedRedis) => Promise<unknown>): Promise<unknown> {
    await this.#shared.connection.load();
    const redis = this.#redis();
    // While the connection is down, asking would only wait for the next reconnect attempt to fail.
    if (!this.#shared.connection.up) throw new Error("the connection is down, reconnecting");
    const reply = await command(redis);
    this.#warned = false;
    return reply;
  }

  /** Fails with RateLimitStoreError, or — with the local fallback — warns once per outage and returns. */
  #unavailable(operation: string, err: unknown): void {
    // Not an outage: no fallback would ever end it.
    if (err instanceof ConfigurationError || err instanceof MissingDependencyError) throw err;
    if (!this.#shared.local) throw new RateLimitStoreError({ where: this.#shared.connection.where, operation, cause: err });
    if (this.#warned) return;
    this.#warned = true;
    const detail = (err as { message?: string })?.message ?? String(err);
    this.#shared.warn(
      `The shared rate-limit store (Redis at ${this.#shared.connection.where}) is unavailable (${detail}): limits are kept in this process's memory until it answers again; other processes' calls are not counted meanwhile.`,
    );
  }
}

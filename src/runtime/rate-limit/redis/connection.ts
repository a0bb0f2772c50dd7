/**
 * One ioredis connection shared by every subscription a redisStore serves, opened on first use
 * and closed when the last user lets go. Commands fail fast while Redis is away — nothing is
 * queued for later, since a permit granted late is worse than an error or a local fallback —
 * and the connection keeps trying to come back in the background. ioredis is an optional package,
 * loaded by the first command (`load()`), so `import "qualys-ts/redis"` works without it.
 */
import type { Redis, RedisOptions } from "ioredis";
import { importOptional } from "../../optional-import.js";
import { ACQUIRE, HOLD, RELEASE, RENEW, SNAPSHOT } from "./scripts.js";

let ioredis: Promise<typeof import("ioredis")> | undefined;

/** ioredis, once per process; a missing package is a MissingDependencyError (and is tried again next time). */
function loadIoredis(): Promise<typeof import("ioredis")> {
  const loading = (ioredis ??= importOptional<typeof import("ioredis")>("ioredis", "The Redis rate-limit store (qualys-ts/redis, --redis)"));
  loading.catch(() => {
    if (ioredis === loading) ioredis = undefined;
  });
  return loading;
}

type Reply = Promise<unknown>;

/** The scripts, as ioredis commands (EVALSHA, falling back to EVAL once per connection). */
export interface ScriptedRedis extends Redis {
  qtsAcquire(state: string, permits: string, log: string, ...args: (string | number)[]): Reply;
  qtsRelease(state: string, permits: string, log: string, ...args: (string | number)[]): Reply;
  qtsHold(state: string, ...args: (string | number)[]): Reply;
  qtsRenew(permits: string, ...args: (string | number)[]): Reply;
  qtsSnapshot(state: string, permits: string, log: string): Reply;
}

export interface ConnectionOptions {
  readonly url: string;
  /** Longest wait for one answer before Redis counts as away. Default 2 s. */
  readonly commandTimeoutMs?: number;
  /** More ioredis options (TLS, sentinels…), over ours. */
  readonly redisOptions?: RedisOptions;
}

export class SharedConnection {
  readonly where: string;
  readonly #options: ConnectionOptions;
  #client: ScriptedRedis | undefined;
  #Redis: typeof Redis | undefined;
  #users = 0;

  constructor(options: ConnectionOptions) {
    this.#options = options;
    this.where = whereOf(options.url);
  }

  /** Loads ioredis: before the first hold(). */
  async load(): Promise<void> {
    this.#Redis ??= (await loadIoredis()).Redis;
  }

  /** The client, connecting if needed; pair with `let go()`. */
  hold(): ScriptedRedis {
    this.#users++;
    return (this.#client ??= this.#open());
  }

  async letGo(): Promise<void> {
    if (--this.#users > 0 || !this.#client) return;
    const client = this.#client;
    this.#client = undefined;
    await client.quit().catch(() => client.disconnect());
  }

  /** False while the connection is down and reconnecting: a command now would only fail. */
  get up(): boolean {
    const status = this.#client?.status;
    return status !== "reconnecting" && status !== "close" && status !== "end";
  }

  #open(): ScriptedRedis {
    if (!this.#Redis) throw new Error("SharedConnection.hold() before load()");
    const client = new this.#Redis(this.#options.url, {
      // A command fails as soon as its connection is lost or the next attempt fails, instead of waiting for Redis to return.
      maxRetriesPerRequest: 0,
      commandTimeout: this.#options.commandTimeoutMs ?? 2000,
      connectTimeout: 5000,
      retryStrategy: (times) => Math.min(times * 100, 1000),
      ...this.#options.redisOptions,
    }) as ScriptedRedis;
    // Failures reach callers through their commands; without a listener ioredis would print each reconnect error.
    client.on("error", () => {});
    client.defineCommand("qtsAcquire", { numberOfKeys: 3, lua: ACQUIRE });
    client.defineCommand("qtsRelease", { numberOfKeys: 3, lua: RELEASE });
    client.defineCommand("qtsHold", { numberOfKeys: 1, lua: HOLD });
    client.defineCommand("qtsRenew", { numberOfKeys: 1, lua: RENEW });
    client.defineCommand("qtsSnapshot", { numberOfKeys: 3, lua: SNAPSHOT });
    return client;
  }
}

/** host:port of a redis:// URL, without user or password, for messages. */
export function whereOf(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || "6379"}`;
  } catch {
    return "an unparsable URL";
  }
}

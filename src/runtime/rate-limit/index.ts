/**
 * Everything between auth and the wire, in order: the per-API scheduler (limits learned from
 * headers, blocked calls held and re-sent), retries of idempotent calls, the timeout; and a
 * transport to put beneath them.
 *
 *   const limits = createRateLimitLayers({ onRateLimit: (i) => log(i) });
 *   const handler = compose([auth.layer, ...limits.layers], limits.transport);
 *   …
 *   await limits.close();
 */
import { fetchTransport } from "../pipeline.js";
import { retryLayer, type RetryInfo, type RetryOptions } from "../retry.js";
import { timeoutLayer } from "../timeout.js";
import { undiciTransport, type Transport, type UndiciTransportOptions } from "../transport/index.js";
import type { Handler, Layer } from "../types.js";
import { limitLayer, type LimitLayerOptions } from "./limit-layer.js";
import { MemoryRateLimitStore, type DefaultsInput } from "./memory-store.js";
import { Scheduler } from "./scheduler.js";
import type { RateLimitStore, SubscriptionIdentity } from "./store.js";

export { Scheduler, type AcquireOptions, type SchedulerOptions } from "./scheduler.js";
export { MemoryRateLimitStore, type DefaultsInput } from "./memory-store.js";
export type { Acquired, AcquiredMany, BucketDefaults, BucketState, MaybePromise, RateLimitStore, SubscriptionIdentity } from "./store.js";
export { readLimits, retryAfterMs, type ObservedLimits } from "./headers.js";
export { defaultKeyOf, limitLayer, type LimitLayerOptions, type RateLimitInfo } from "./limit-layer.js";

export interface RateLimitOptions extends LimitLayerOptions {
  /** Where limits and usage live. Default: this process's memory; `redisStore()` from "qualys-ts/redis" shares them between processes. */
  readonly store?: RateLimitStore;
  /** Whose limits these are, for a shared store (createQualysClient fills it in from its platform and credentials). */
  readonly subscription?: SubscriptionIdentity;
  /** Limits assumed until an API's first answer (per bucket key when a function). Default: 2 at once, quota unknown. */
  readonly defaults?: DefaultsInput;
  readonly retry?: RetryOptions;
  /** Same as `retry.onRetry`. */
  readonly onRetry?: (info: RetryInfo) => void;
  /** Per-attempt timeout until response headers, ms; 0 disables. Default 120 s. */
  readonly timeoutMs?: number;
  /** Longest silence inside an answer's body, ms, while it is read; 0 disables. Default 300 s. */
  readonly bodyIdleTimeoutMs?: number;
  /** Poll interval of a shared store when another process holds the permits. Default 250 ms. */
  readonly pollMs?: number;
  /** The transport handed back: "undici" (default) with its options, or "fetch". */
  readonly transport?: "undici" | "fetch" | UndiciTransportOptions;
}

export interface RateLimiting {
  /** [scheduler, retry, timeout]: compose them under auth, above the transport. */
  readonly layers: readonly Layer[];
  /** A transport honouring ctx.timeoutMs, ctx.bodyIdleTimeoutMs and ctx.signal (created on first use). */
  readonly transport: Handler;
  readonly scheduler: Scheduler;
  /** Closes the transport's connections if one was created, and the store's view made for `subscription`. */
  close(): Promise<void>;
}

export function createRateLimitLayers(options: RateLimitOptions = {}): RateLimiting {
  // A shared store serves many subscriptions: this one gets its own view, closed with these layers.
  const view = options.subscription && options.store?.forSubscription ? options.store.forSubscription(options.subscription, options.defaults) : undefined;
  const scheduler = new Scheduler(view ?? options.store ?? new MemoryRateLimitStore(options.defaults), { now: options.now, pollMs: options.pollMs });
  const onRetry = both(options.retry?.onRetry, options.onRetry);
  let transport: Transport | undefined;
  const lazyTransport: Handler =
    options.transport === "fetch"
      ? fetchTransport
      : (request, ctx) => (transport ??= undiciTransport(typeof options.transport === "object" ? options.transport : {}))(request, ctx);
  return {
    scheduler,
    layers: [limitLayer(scheduler, options), retryLayer({ ...options.retry, onRetry }), timeoutLayer(options.timeoutMs, options.bodyIdleTimeoutMs)],
    transport: lazyTransport,
    close: async () => {
      try {
        await transport?.close();
        transport = undefined;
      } finally {
        await view?.close?.();
      }
    },
  };
}

function both<T>(a?: (info: T) => void, b?: (info: T) => void): ((info: T) => void) | undefined {
  if (!a || !b) return a ?? b;
  return (info) => {
    a(info);
    b(info);
  };
}

/**
 * Everything between auth and the wire, in order: the per-API scheduler (limits learned from
 * headers, blocked calls held and re-sent), retries of idempotent calls, and the timeout.
 *
 *   const limits = createRateLimitLayers({ onRateLimit: (i) => log(i) });
 *   const handler = compose([auth.layer, ...limits.layers], fetchTransport);
 */
import { retryLayer, type RetryOptions } from "../retry.js";
import { timeoutLayer } from "../timeout.js";
import type { Layer } from "../types.js";
import { limitLayer, type LimitLayerOptions } from "./limit-layer.js";
import { Scheduler } from "./scheduler.js";
import { MemoryRateLimitStore, type BucketDefaults, type RateLimitStore } from "./store.js";

export { Scheduler } from "./scheduler.js";
export { MemoryRateLimitStore, type RateLimitStore, type BucketState } from "./store.js";
export { readLimits, type ObservedLimits } from "./headers.js";
export type { RateLimitInfo } from "./limit-layer.js";

export interface RateLimitOptions extends LimitLayerOptions {
  readonly store?: RateLimitStore;
  readonly defaults?: Partial<BucketDefaults>;
  readonly retry?: RetryOptions;
  /** Per-attempt timeout until response headers, ms; 0 disables. Default 120 s. */
  readonly timeoutMs?: number;
}

export interface RateLimiting {
  readonly layers: readonly Layer[];
  readonly scheduler: Scheduler;
}

export function createRateLimitLayers(options: RateLimitOptions = {}): RateLimiting {
  const scheduler = new Scheduler(options.store ?? new MemoryRateLimitStore(options.defaults), options.now);
  return {
    scheduler,
    layers: [limitLayer(scheduler, options), retryLayer(options.retry), timeoutLayer(options.timeoutMs)],
  };
}

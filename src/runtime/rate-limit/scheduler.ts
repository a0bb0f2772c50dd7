/**
 * Hands out permits per API in arrival order, as the learned limits allow. Waiting callers are
 * woken when a permit comes back or a hold ends; an aborted caller leaves the queue at once.
 */
import type { ObservedLimits } from "./headers.js";
import { MemoryRateLimitStore, type RateLimitStore } from "./store.js";

interface Waiter {
  readonly resolve: () => void;
  readonly reject: (reason: unknown) => void;
  readonly cleanup: () => void;
}

export class Scheduler {
  readonly store: RateLimitStore;
  readonly #queues = new Map<string, Waiter[]>();
  readonly #timers = new Map<string, { at: number; timer: NodeJS.Timeout }>();
  readonly #now: () => number;

  constructor(store: RateLimitStore = new MemoryRateLimitStore(), now: () => number = Date.now) {
    this.store = store;
    this.#now = now;
  }

  /** Resolves once a call of `key` may start; the caller must `release` it exactly once. */
  acquire(key: string, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    const queue = this.#queues.get(key);
    if (!queue?.length) {
      const got = this.store.tryAcquire(key, this.#now());
      if (got.ok) return Promise.resolve();
      if (got.retryAt) this.#wakeAt(key, got.retryAt);
    }
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        const q = this.#queues.get(key) ?? [];
        const i = q.indexOf(waiter);
        if (i >= 0) q.splice(i, 1);
        if (!q.length) this.#clearTimer(key);
        reject(signal!.reason);
      };
      const waiter: Waiter = { resolve, reject, cleanup: () => signal?.removeEventListener("abort", onAbort) };
      signal?.addEventListener("abort", onAbort, { once: true });
      const q = this.#queues.get(key) ?? [];
      q.push(waiter);
      this.#queues.set(key, q);
    });
  }

  release(key: string, observed?: ObservedLimits): void {
    this.store.release(key, this.#now(), observed);
    this.#pump(key);
  }

  /** Holds every call of `key` until `until` (ms since epoch). */
  hold(key: string, until: number): void {
    this.store.hold(key, until);
    this.#wakeAt(key, until);
  }

  /** Calls waiting for a permit, per key (for progress output and tests). */
  queued(key?: string): number {
    if (key) return this.#queues.get(key)?.length ?? 0;
    let n = 0;
    for (const q of this.#queues.values()) n += q.length;
    return n;
  }

  #pump(key: string): void {
    const queue = this.#queues.get(key);
    while (queue?.length) {
      const got = this.store.tryAcquire(key, this.#now());
      if (!got.ok) {
        if (got.retryAt) this.#wakeAt(key, got.retryAt);
        return;
      }
      const waiter = queue.shift()!;
      waiter.cleanup();
      waiter.resolve();
    }
    this.#clearTimer(key);
  }

  #wakeAt(key: string, at: number): void {
    const existing = this.#timers.get(key);
    if (existing && existing.at <= at) return;
    if (existing) clearTimeout(existing.timer);
    const timer = setTimeout(() => {
      this.#timers.delete(key);
      this.#pump(key);
    }, Math.max(0, at - this.#now()));
    this.#timers.set(key, { at, timer });
  }

  #clearTimer(key: string): void {
    const t = this.#timers.get(key);
    if (t && !this.#queues.get(key)?.length) {
      clearTimeout(t.timer);
      this.#timers.delete(key);
    }
  }
}

/**
 * Where the scheduler keeps each API's limits and usage. In memory for one process now; the
 * interface is the seam for a shared store (Redis) when several processes share a subscription.
 */
import type { ObservedLimits } from "./headers.js";

export interface BucketDefaults {
  /** Calls of one API allowed at once until Qualys says otherwise. Default 2 (the VM default). */
  readonly concurrency: number;
  /** Wait when the quota is used up and Qualys gave no ToWait. Default 5 s. */
  readonly exhaustedWaitMs: number;
}

export type Acquired = { readonly ok: true } | { readonly ok: false; readonly retryAt?: number };

export interface RateLimitStore {
  /** Takes a permit for `key` if the learned limits allow a call now. */
  tryAcquire(key: string, now: number): Acquired;
  /** Returns a permit, with what the response's headers said (if any). */
  release(key: string, now: number, observed?: ObservedLimits): void;
  /** Blocks every call of `key` until `until` (a 409/429 said so). */
  hold(key: string, until: number): void;
  /** For hooks and tests. */
  snapshot(key: string): Readonly<BucketState> | undefined;
}

export interface BucketState {
  concurrency: number;
  inFlight: number;
  /** Calls we may still start in the window; undefined until Qualys tells us. */
  remaining: number | undefined;
  /** No call starts before this time. */
  holdUntil: number;
  /** A single call sent to learn whether the window has refilled. */
  probing: boolean;
  windowSec?: number;
  limit?: number;
  /**
   * When each of our recent calls had certainly been counted (its answer arrived): Qualys's
   * window rolls, so a slot frees `windowSec` after the call that took it, never earlier.
   */
  counted: number[];
}

export class MemoryRateLimitStore implements RateLimitStore {
  readonly #buckets = new Map<string, BucketState>();
  readonly #defaults: BucketDefaults;

  constructor(defaults: Partial<BucketDefaults> = {}) {
    this.#defaults = { concurrency: defaults.concurrency ?? 2, exhaustedWaitMs: defaults.exhaustedWaitMs ?? 5000 };
  }

  #bucket(key: string): BucketState {
    let b = this.#buckets.get(key);
    if (!b) {
      b = { concurrency: this.#defaults.concurrency, inFlight: 0, remaining: undefined, holdUntil: 0, probing: false, counted: [] };
      this.#buckets.set(key, b);
    }
    return b;
  }

  tryAcquire(key: string, now: number): Acquired {
    const b = this.#bucket(key);
    if (now < b.holdUntil) return { ok: false, retryAt: b.holdUntil };
    if (b.inFlight >= b.concurrency) return { ok: false };
    const windowMs = b.windowSec !== undefined ? b.windowSec * 1000 : undefined;
    if (b.limit !== undefined && windowMs !== undefined) {
      // Our own rolling log: never more than `limit` of our calls in any window.
      while (b.counted.length && b.counted[0]! <= now - windowMs) b.counted.shift();
      const used = b.counted.length + b.inFlight;
      if (used >= b.limit) {
        const freeing = b.counted[used - b.limit];
        return freeing === undefined ? { ok: false } : { ok: false, retryAt: freeing + windowMs + 1 };
      }
    } else if (b.remaining !== undefined && b.remaining <= 0) {
      // Quota used up and the window unknown. Calls in flight will say how long to wait; with none, send one probe.
      if (b.inFlight > 0 || b.probing) return { ok: false };
      b.probing = true;
    }
    if (b.remaining !== undefined) b.remaining -= 1;
    b.inFlight += 1;
    return { ok: true };
  }

  release(key: string, now: number, observed: ObservedLimits = {}): void {
    const b = this.#bucket(key);
    b.inFlight = Math.max(0, b.inFlight - 1);
    b.probing = false;
    b.counted.push(now);
    // Only the last `limit` calls can matter to the window.
    if (b.limit !== undefined && b.counted.length > b.limit) b.counted.splice(0, b.counted.length - b.limit);
    if (observed.concurrencyLimit) b.concurrency = observed.concurrencyLimit;
    if (observed.limit !== undefined) b.limit = observed.limit;
    if (observed.windowSec !== undefined) b.windowSec = observed.windowSec;
    if (observed.remaining !== undefined) {
      // Calls still in flight may not be counted in this answer yet: assume they are not.
      b.remaining = observed.remaining - b.inFlight;
      // Used up, no wait given, and no window to reckon with: wait a while before probing.
      if (observed.remaining <= 0 && !(observed.toWaitSec && observed.toWaitSec > 0) && (b.limit === undefined || b.windowSec === undefined)) {
        b.holdUntil = Math.max(b.holdUntil, now + this.#defaults.exhaustedWaitMs);
      }
    }
    if (observed.toWaitSec && observed.toWaitSec > 0) b.holdUntil = Math.max(b.holdUntil, now + observed.toWaitSec * 1000);
  }

  hold(key: string, until: number): void {
    const b = this.#bucket(key);
    b.holdUntil = Math.max(b.holdUntil, until);
  }

  snapshot(key: string): Readonly<BucketState> | undefined {
    const b = this.#buckets.get(key);
    return b ? { ...b, counted: [...b.counted] } : undefined;
  }
}

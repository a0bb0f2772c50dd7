/**
 * Hands out permits per API in arrival order, as the store's learned limits allow. A waiting
 * caller is woken when a permit comes back, a hold ends or a call leaves the quota window; one
 * that aborts leaves the queue at once, and a queue that empties cancels its timer, so nothing
 * keeps the process alive. Works with a synchronous store (memory) and an asynchronous one
 * (shared between processes): with nothing of ours running, it polls the shared store.
 */
import { RateLimitError } from "../errors/rate-limit-error.js";
import type { ObservedLimits } from "./headers.js";
import { MemoryRateLimitStore } from "./memory-store.js";
import type { Acquired, AcquiredMany, RateLimitStore } from "./store.js";

export interface SchedulerOptions {
  readonly now?: () => number;
  /**
   * How often to ask the store again when no call of ours runs and the store names no time:
   * another process holds the permits. Default 250 ms.
   */
  readonly pollMs?: number;
}

export interface AcquireOptions {
  readonly signal?: AbortSignal;
  /** Give up at once if the store says no permit frees before this time (ms since epoch). */
  readonly deadline?: number;
  /** The error to give up with: how long the wait would be, and why (a Qualys code or "quota"). */
  readonly tooLong?: (waitMs: number, code: string) => unknown;
}

interface Waiter {
  readonly resolve: () => void;
  readonly reject: (reason: unknown) => void;
  readonly options: AcquireOptions;
  onAbort?: () => void;
}

interface Lane {
  readonly waiters: Waiter[];
  /** Permits this process holds. */
  inFlight: number;
  timer: NodeJS.Timeout | undefined;
  timerAt: number;
  /** An asynchronous store call is under way: one at a time per lane. */
  busy: boolean;
  again: boolean;
}

const GRANTED = Promise.resolve();
const GRANT: Acquired = { ok: true };
/** Most permits asked of a shared store in one round trip. */
const MAX_BATCH = 64;
const isPromise = <T>(value: T | Promise<T>): value is Promise<T> => typeof (value as Promise<T>)?.then === "function";

export class Scheduler {
  readonly store: RateLimitStore;
  readonly #lanes = new Map<string, Lane>();
  readonly #now: () => number;
  readonly #pollMs: number;

  constructor(store: RateLimitStore = new MemoryRateLimitStore(), options: SchedulerOptions = {}) {
    this.store = store;
    this.#now = options.now ?? Date.now;
    this.#pollMs = options.pollMs ?? 250;
  }

  /** Resolves once a call of `key` may start; the caller must then `release` it exactly once. */
  acquire(key: string, options: AcquireOptions = {}): Promise<void> {
    if (options.signal?.aborted) return Promise.reject(options.signal.reason);
    const lane = this.#lane(key);
    if (lane.waiters.length || lane.busy) return this.#enqueue(key, lane, options);
    const got = this.store.tryAcquire(key, this.#now());
    if (isPromise(got)) {
      const waiting = this.#enqueue(key, lane, options);
      this.#await(key, lane, got);
      return waiting;
    }
    if (got.ok) {
      lane.inFlight++;
      return GRANTED;
    }
    const tooLong = this.#tooLong(got, options);
    if (tooLong !== undefined) return Promise.reject(tooLong);
    const waiting = this.#enqueue(key, lane, options);
    this.#arm(key, lane, got);
    return waiting;
  }

  /**
   * Gives a permit back with what the answer's headers said (`{}`: no answer). `null` returns
   * a permit no call was sent on.
   */
  release(key: string, observed: ObservedLimits | null = {}): void {
    const lane = this.#lane(key);
    lane.inFlight = Math.max(0, lane.inFlight - 1);
    const done = this.store.release(key, this.#now(), observed);
    if (isPromise(done)) done.then(() => this.#pump(key, lane), (err) => this.#failAll(key, lane, err));
    else this.#pump(key, lane);
  }

  /** Holds every call of `key` until `until` (ms since epoch), as a 409/429 asked. */
  hold(key: string, until: number, code: string): void {
    const lane = this.#lane(key);
    const wake = () => {
      if (lane.waiters.length) this.#arm(key, lane, { ok: false, reason: "hold", retryAt: until, code });
    };
    const done = this.store.hold(key, until, code);
    // A store that failed to record the hold fails the next tryAcquire too; the local wake-up still stands.
    if (isPromise(done)) done.then(wake, wake);
    else wake();
  }

  /** Calls waiting for a permit, for one API or all. */
  queued(key?: string): number {
    if (key !== undefined) return this.#lanes.get(key)?.waiters.length ?? 0;
    let n = 0;
    for (const lane of this.#lanes.values()) n += lane.waiters.length;
    return n;
  }

  /** Waiting calls, permits out and pending wake-up timers of this process (all 0 when idle). */
  stats(): { queued: number; inFlight: number; timers: number } {
    let queued = 0;
    let inFlight = 0;
    let timers = 0;
    for (const lane of this.#lanes.values()) {
      queued += lane.waiters.length;
      inFlight += lane.inFlight;
      if (lane.timer) timers++;
    }
    return { queued, inFlight, timers };
  }

  #lane(key: string): Lane {
    let lane = this.#lanes.get(key);
    if (!lane) {
      lane = { waiters: [], inFlight: 0, timer: undefined, timerAt: 0, busy: false, again: false };
      this.#lanes.set(key, lane);
    }
    return lane;
  }

  #enqueue(key: string, lane: Lane, options: AcquireOptions): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = { resolve, reject, options };
      const signal = options.signal;
      if (signal) {
        waiter.onAbort = () => {
          const i = lane.waiters.indexOf(waiter);
          if (i >= 0) lane.waiters.splice(i, 1);
          if (!lane.waiters.length) this.#disarm(lane);
          reject(signal.reason);
        };
        signal.addEventListener("abort", waiter.onAbort, { once: true });
      }
      lane.waiters.push(waiter);
    });
  }

  #pump(key: string, lane: Lane): void {
    if (lane.busy) {
      lane.again = true;
      return;
    }
    while (lane.waiters.length) {
      // A shared store hands a queue its permits in one round trip instead of one per call.
      if (this.store.tryAcquireMany && lane.waiters.length > 1) return this.#awaitMany(key, lane, this.store.tryAcquireMany(key, this.#now(), Math.min(lane.waiters.length, MAX_BATCH)));
      const got = this.store.tryAcquire(key, this.#now());
      if (isPromise(got)) return this.#await(key, lane, got);
      if (!this.#apply(key, lane, got)) return;
    }
    this.#disarm(lane);
  }

  #await(key: string, lane: Lane, pending: Promise<Acquired>): void {
    lane.busy = true;
    pending.then(
      (got) => {
        lane.busy = false;
        const granted = this.#apply(key, lane, got);
        if (granted || lane.again) {
          lane.again = false;
          this.#pump(key, lane);
        }
      },
      (err) => {
        lane.busy = false;
        this.#failAll(key, lane, err);
      },
    );
  }

  #awaitMany(key: string, lane: Lane, pending: Promise<AcquiredMany>): void {
    lane.busy = true;
    pending.then(
      ({ granted, refusal }) => {
        lane.busy = false;
        for (let i = 0; i < granted; i++) this.#apply(key, lane, GRANT);
        // All asked for were granted and more wait, or a permit came back meanwhile: ask again.
        if (refusal) this.#apply(key, lane, refusal);
        if (!refusal || lane.again) {
          lane.again = false;
          this.#pump(key, lane);
        }
      },
      (err) => {
        lane.busy = false;
        this.#failAll(key, lane, err);
      },
    );
  }

  /** Serves the head of the queue if `got` is a permit; else waits. True when a permit was handed out. */
  #apply(key: string, lane: Lane, got: Acquired): boolean {
    if (got.ok) {
      const waiter = lane.waiters.shift();
      if (!waiter) {
        // Its caller left while an asynchronous store was answering.
        lane.inFlight++;
        this.release(key, null);
        return false;
      }
      lane.inFlight++;
      if (waiter.onAbort) waiter.options.signal!.removeEventListener("abort", waiter.onAbort);
      waiter.resolve();
      return true;
    }
    // Whoever cannot be served before their deadline learns it now, not at the deadline.
    if (got.retryAt !== undefined) {
      for (let i = lane.waiters.length - 1; i >= 0; i--) {
        const waiter = lane.waiters[i]!;
        const tooLong = this.#tooLong(got, waiter.options);
        if (tooLong === undefined) continue;
        lane.waiters.splice(i, 1);
        if (waiter.onAbort) waiter.options.signal!.removeEventListener("abort", waiter.onAbort);
        waiter.reject(tooLong);
      }
    }
    if (lane.waiters.length) this.#arm(key, lane, got);
    else this.#disarm(lane);
    return false;
  }

  #tooLong(got: Acquired & { ok: false }, options: AcquireOptions): unknown {
    if (got.retryAt === undefined || options.deadline === undefined || got.retryAt <= options.deadline) return undefined;
    const waitMs = got.retryAt - this.#now();
    const code = got.code ?? "quota";
    return options.tooLong ? options.tooLong(waitMs, code) : new RateLimitError({ code, waitMs, waitedMs: 0, budgetMs: 0 });
  }

  /** Wakes the lane when the store says a permit frees, or polls when nothing of ours will free one. */
  #arm(key: string, lane: Lane, got: Acquired & { ok: false }): void {
    let at = got.retryAt;
    if (at === undefined) {
      if (lane.inFlight > 0) return;
      at = this.#now() + this.#pollMs;
    }
    if (lane.timer && lane.timerAt <= at) return;
    if (lane.timer) clearTimeout(lane.timer);
    lane.timerAt = at;
    lane.timer = setTimeout(() => {
      lane.timer = undefined;
      this.#pump(key, lane);
    }, Math.max(0, Math.ceil(at - this.#now())));
  }

  #disarm(lane: Lane): void {
    if (lane.timer) {
      clearTimeout(lane.timer);
      lane.timer = undefined;
    }
  }

  #failAll(_key: string, lane: Lane, err: unknown): void {
    this.#disarm(lane);
    for (const waiter of lane.waiters.splice(0)) {
      if (waiter.onAbort) waiter.options.signal!.removeEventListener("abort", waiter.onAbort);
      waiter.reject(err);
    }
  }
}

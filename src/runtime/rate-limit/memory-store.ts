/**
 * The rate-limit store of a single process. It keeps a log of when each of our calls was
 * counted, so once Qualys has told us the window it never lets more than the quota into any
 * window, however many calls are queued; Qualys's own count (X-RateLimit-Remaining) adds the
 * calls other clients of the subscription made.
 */
import type { ObservedLimits } from "./headers.js";
import type { Acquired, BucketDefaults, BucketState, RateLimitStore } from "./store.js";

export type DefaultsInput = Partial<BucketDefaults> | ((key: string) => Partial<BucketDefaults> | undefined);

interface Bucket {
  readonly state: BucketState;
  readonly settings: BucketDefaults;
}

const OK: Acquired = { ok: true };
const BUSY: Acquired = { ok: false, reason: "concurrency" };
/** Without a window nothing expires the log; this bounds it. */
const MAX_LOG = 10_000;

export class MemoryRateLimitStore implements RateLimitStore {
  readonly #buckets = new Map<string, Bucket>();
  readonly #defaults: DefaultsInput;

  constructor(defaults: DefaultsInput = {}) {
    this.#defaults = defaults;
  }

  #bucket(key: string): Bucket {
    let bucket = this.#buckets.get(key);
    if (!bucket) {
      const settings = resolveDefaults(this.#defaults, key);
      const state: BucketState = {
        concurrency: settings.concurrency,
        inFlight: 0,
        limit: settings.limit,
        windowSec: settings.windowSec,
        remaining: undefined,
        others: 0,
        othersUntil: 0,
        holdUntil: 0,
        holdCode: undefined,
        probing: false,
        counted: [],
      };
      bucket = { state, settings };
      this.#buckets.set(key, bucket);
    }
    return bucket;
  }

  tryAcquire(key: string, now: number): Acquired {
    const { state: b, settings } = this.#bucket(key);
    if (now < b.holdUntil) return { ok: false, retryAt: b.holdUntil, reason: "hold", code: b.holdCode };
    if (b.inFlight >= b.concurrency) return BUSY;
    if (b.limit !== undefined && b.windowSec !== undefined) {
      const windowMs = b.windowSec * 1000;
      expire(b, now - windowMs);
      if (now >= b.othersUntil) b.others = 0;
      const cap = Math.max(1, b.limit - settings.reserve);
      const used = b.counted.length + b.inFlight + b.others;
      if (used >= cap) return { ok: false, reason: "quota", retryAt: quotaFreesAt(b, used - cap + 1, windowMs) };
    } else if (b.remaining !== undefined && b.remaining <= settings.reserve) {
      // Used up, window unknown: the calls out will tell us more; with none out, one call probes.
      if (b.inFlight > 0 || b.probing) return { ok: false, reason: "quota" };
      b.probing = true;
    }
    if (b.remaining !== undefined) b.remaining -= 1;
    b.inFlight += 1;
    return OK;
  }

  release(key: string, now: number, observed: ObservedLimits | null): void {
    const { state: b, settings } = this.#bucket(key);
    b.inFlight = Math.max(0, b.inFlight - 1);
    b.probing = false;
    if (observed === null) {
      if (b.remaining !== undefined) b.remaining += 1;
      return;
    }
    // Kept in order even if the wall clock steps back.
    b.counted.push(Math.max(now, b.counted[b.counted.length - 1] ?? now));
    if (b.counted.length > MAX_LOG && b.windowSec === undefined) b.counted.splice(0, b.counted.length - MAX_LOG);
    if (observed.concurrencyLimit !== undefined && observed.concurrencyLimit >= 1) b.concurrency = Math.floor(observed.concurrencyLimit);
    if (observed.limit !== undefined) b.limit = observed.limit;
    if (observed.windowSec !== undefined && observed.windowSec > 0) b.windowSec = observed.windowSec;
    const windowKnown = b.limit !== undefined && b.windowSec !== undefined;
    if (observed.remaining !== undefined) {
      // Calls still out may not be in this count yet: assume they are not.
      b.remaining = observed.remaining - b.inFlight;
      if (windowKnown) {
        const windowMs = b.windowSec! * 1000;
        expire(b, now - windowMs);
        // What Qualys counted beyond our own calls came from other clients; their calls leave the window within one window.
        b.others = Math.max(0, b.limit! - observed.remaining - b.counted.length - b.inFlight);
        b.othersUntil = now + windowMs;
      } else if (observed.remaining <= 0 && !(observed.toWaitSec! > 0)) {
        this.#holdUntil(b, now + settings.exhaustedWaitMs, "quota");
      }
    }
    if (observed.toWaitSec !== undefined && observed.toWaitSec > 0) this.#holdUntil(b, now + observed.toWaitSec * 1000, "quota");
  }

  hold(key: string, until: number, code: string): void {
    this.#holdUntil(this.#bucket(key).state, until, code);
  }

  #holdUntil(b: BucketState, until: number, code: string): void {
    if (until <= b.holdUntil) return;
    b.holdUntil = until;
    b.holdCode = code;
  }

  snapshot(key: string): Readonly<BucketState> | undefined {
    const b = this.#buckets.get(key)?.state;
    return b ? { ...b, counted: [...b.counted] } : undefined;
  }
}

/** The limits assumed for `key` until its first answer, filled in where `defaults` says nothing. */
export function resolveDefaults(defaults: DefaultsInput, key: string): BucketDefaults {
  const d = (typeof defaults === "function" ? defaults(key) : defaults) ?? {};
  return {
    concurrency: Math.max(1, d.concurrency ?? 2),
    limit: d.limit,
    windowSec: d.windowSec,
    reserve: Math.max(0, d.reserve ?? 0),
    exhaustedWaitMs: d.exhaustedWaitMs ?? 5000,
  };
}

function expire(b: BucketState, before: number): void {
  let n = 0;
  while (n < b.counted.length && b.counted[n]! <= before) n++;
  if (n) b.counted.splice(0, n);
}

/**
 * When `needed` more units of the quota are free: our counted calls leave the window one by one,
 * other clients' calls all by `othersUntil`. Undefined when only calls still out hold the quota
 * (their answers will say more).
 */
function quotaFreesAt(b: BucketState, needed: number, windowMs: number): number | undefined {
  let at = needed <= b.counted.length ? b.counted[needed - 1]! + windowMs : undefined;
  if (b.others > 0) {
    const rest = needed - b.others;
    const withOthers = rest <= 0 ? b.othersUntil : rest <= b.counted.length ? Math.max(b.othersUntil, b.counted[rest - 1]! + windowMs) : undefined;
    if (withOthers !== undefined && (at === undefined || withOthers < at)) at = withOthers;
  }
  // A hair past the boundary: the slot frees once the call is strictly older than the window.
  return at === undefined ? undefined : at + 1;
}

/**
 * Where the scheduler keeps each API's limits and usage. MemoryRateLimitStore serves one
 * process; the interface is the seam for a shared store (Redis, say) when several processes use
 * one subscription. Every method may answer synchronously or with a promise; a shared store's
 * `tryAcquire` must take the permit atomically (check and count in one step).
 */
import type { ObservedLimits } from "./headers.js";
import type { DefaultsInput } from "./memory-store.js";

export type MaybePromise<T> = T | Promise<T>;

export type Acquired =
  | { readonly ok: true }
  | {
      readonly ok: false;
      /** When a permit can next be free (a hold ends, a call leaves the window); absent when a running call must finish first. */
      readonly retryAt?: number;
      /** Why not now: a 409/429 hold (with its code), the concurrency limit, or the quota. */
      readonly reason: "hold" | "concurrency" | "quota";
      /** The Qualys code behind a hold ("1965", "1960", "429"…). */
      readonly code?: string;
    };

/** What tryAcquireMany took: `granted` permits, and why not more (absent when all were granted). */
export interface AcquiredMany {
  readonly granted: number;
  readonly refusal?: Acquired & { ok: false };
}

export interface RateLimitStore {
  /** Takes a permit for `key` if the learned limits allow a call now. */
  tryAcquire(key: string, now: number): MaybePromise<Acquired>;
  /**
   * Takes up to `count` permits at once, as many as the limits allow now. A shared store offers it
   * so that a queue of calls costs one round trip, not one each; the scheduler uses it when several
   * calls wait.
   */
  tryAcquireMany?(key: string, now: number, count: number): Promise<AcquiredMany>;
  /**
   * Returns a permit with what the answer's headers said (`{}` when there was no answer, as
   * after a network fault: the call may still have counted). `null`: no call went out on it.
   */
  release(key: string, now: number, observed: ObservedLimits | null): MaybePromise<void>;
  /** Blocks every call of `key` until `until` (a 409/429 said so). */
  hold(key: string, until: number, code: string): MaybePromise<void>;
  /** The bucket as it stands, for hooks, progress output and tests. */
  snapshot(key: string): MaybePromise<Readonly<BucketState> | undefined>;
  /**
   * A shared store's view of one subscription's limits (Qualys counts per subscription and API).
   * createRateLimitLayers calls it when given a `subscription`, with its `defaults`.
   */
  forSubscription?(identity: SubscriptionIdentity, defaults?: DefaultsInput): RateLimitStore;
  /** Lets go of connections and timers; createRateLimitLayers' close() calls it on the view it made. */
  close?(): Promise<void>;
}

/** Who the limits belong to. createQualysClient derives it from its platform and credentials. */
export interface SubscriptionIdentity {
  /** The platform's API server or gateway URL (or a name you choose). */
  readonly platform: string;
  /** The user name or OAuth client id (never a password or token). */
  readonly user: string;
}

/** Limits assumed for an API until its first answer says otherwise. */
export interface BucketDefaults {
  /** Calls of one API at once. Default 2 (the VM default). */
  readonly concurrency: number;
  /** Calls per window, if you know it (VM standard: 300 per 3600 s). Default: unknown. */
  readonly limit?: number;
  readonly windowSec?: number;
  /** Calls of each window left for other tools of the subscription. Default 0. */
  readonly reserve: number;
  /** Wait when the quota is used up and Qualys gives neither ToWait nor a window. Default 5 s. */
  readonly exhaustedWaitMs: number;
}

export interface BucketState {
  concurrency: number;
  /** Permits out now. */
  inFlight: number;
  limit: number | undefined;
  windowSec: number | undefined;
  /** Calls left by Qualys's last count, less our calls since; only used while the window is unknown. */
  remaining: number | undefined;
  /** Calls of other clients in the window, by Qualys's last count; forgotten at `othersUntil`. */
  others: number;
  othersUntil: number;
  /** No call starts before this time. */
  holdUntil: number;
  holdCode: string | undefined;
  /** A single call is out to learn whether a used-up quota has refilled. */
  probing: boolean;
  /**
   * When each of our recent calls was certainly counted (its answer arrived). Qualys's window
   * rolls, so a call's slot frees `windowSec` after it, never earlier.
   */
  counted: number[];
}

/**
 * What the observation layers learn about one call, carried down the pipeline on its context
 * under a symbol (layers that copy the context with a spread keep it).
 */
import type { CallContext } from "../types.js";

export const CALL_RECORD: unique symbol = Symbol("qualys-ts.callRecord");

export interface CallRecord {
  /** When the call (or its last attempt's answer) was ready for the next attempt, performance.now(). */
  readyAt: number;
  /** Attempts sent so far (retries and rate-limit re-sends included). */
  attempts: number;
  /** Time spent waiting before attempts: scheduler queue, rate-limit holds, retry backoff, ms. */
  waitMs: number;
  status?: number;
  /** X-RateLimit-Remaining of the last answer. */
  remaining?: number;
}

export type RecordedContext = CallContext & { readonly [CALL_RECORD]?: CallRecord };

export const recordOf = (ctx: CallContext): CallRecord | undefined => (ctx as RecordedContext)[CALL_RECORD];

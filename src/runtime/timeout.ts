/**
 * Per-attempt timeouts until the response headers arrive, and an idle limit inside the body. A
 * detection page may stream for many minutes, so the body has no overall limit; it fails only
 * when it stays silent for bodyIdleTimeoutMs while its reader waits (default 300 s: see
 * transport/faults.ts). This layer settles each call's limits (its own, else the defaults) and
 * its abort signal (the context's, else the Request's own) in the context; the transports
 * enforce them, with `withTimeout` when they have no timer of their own.
 */
import { TimeoutError } from "./errors/timeout-error.js";
import { DEFAULT_BODY_IDLE_TIMEOUT_MS } from "./transport/faults.js";
import type { CallContext, Layer } from "./types.js";

export function timeoutLayer(defaultMs = 120_000, defaultBodyIdleMs = DEFAULT_BODY_IDLE_TIMEOUT_MS): Layer {
  return (next) => (request, ctx) => {
    const timeoutMs = ctx.timeoutMs ?? defaultMs;
    // Left unset for the transports' own default: the context is then not copied for it.
    const bodyIdleTimeoutMs = ctx.bodyIdleTimeoutMs ?? (defaultBodyIdleMs === DEFAULT_BODY_IDLE_TIMEOUT_MS ? undefined : defaultBodyIdleMs);
    // A transport told of a timeout may replace the Request's signal with its own: hand it the caller's.
    const signal = ctx.signal ?? request.signal;
    const same = timeoutMs === ctx.timeoutMs && bodyIdleTimeoutMs === ctx.bodyIdleTimeoutMs && signal === ctx.signal;
    return next(request, same ? ctx : { ...ctx, timeoutMs, bodyIdleTimeoutMs, signal });
  };
}

/** For transports without a timeout of their own: aborts the attempt when no headers came in time. */
export async function withTimeout<T>(ctx: CallContext, send: (signal: AbortSignal | undefined) => Promise<T>): Promise<T> {
  const ms = ctx.timeoutMs;
  if (!ms) return send(ctx.signal);
  const timer = new AbortController();
  const handle = setTimeout(() => timer.abort(new TimeoutError(ms, ctx.operationId, { outcomeUnknown: !ctx.idempotent })), ms);
  const signal = ctx.signal ? AbortSignal.any([ctx.signal, timer.signal]) : timer.signal;
  try {
    return await send(signal);
  } catch (err) {
    if (timer.signal.aborted && !ctx.signal?.aborted) throw timer.signal.reason;
    throw err;
  } finally {
    clearTimeout(handle);
  }
}

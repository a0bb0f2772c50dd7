/**
 * Per-attempt timeouts until the response headers arrive. The body is not under it: a detection
 * page may stream for many minutes, and a stalled body still ends with the caller's own signal
 * or the server closing. This layer settles each call's limit (its own, else the default) and
 * its abort signal (the context's, else the Request's own) in the context; the transports
 * enforce both, with `withTimeout` when they have no timer of their own.
 */
import { TimeoutError } from "./errors/timeout-error.js";
import type { CallContext, Layer } from "./types.js";

export function timeoutLayer(defaultMs = 120_000): Layer {
  return (next) => (request, ctx) => {
    const timeoutMs = ctx.timeoutMs ?? defaultMs;
    // A transport told of a timeout may replace the Request's signal with its own: hand it the caller's.
    const signal = ctx.signal ?? request.signal;
    return next(request, timeoutMs === ctx.timeoutMs && signal === ctx.signal ? ctx : { ...ctx, timeoutMs, signal });
  };
}

/** For transports without a timeout of their own: aborts the attempt when no headers came in time. */
export async function withTimeout<T>(ctx: CallContext, send: (signal: AbortSignal | undefined) => Promise<T>): Promise<T> {
  const ms = ctx.timeoutMs;
  if (!ms) return send(ctx.signal);
  const timer = new AbortController();
  const handle = setTimeout(() => timer.abort(new TimeoutError(ms, ctx.operationId)), ms);
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

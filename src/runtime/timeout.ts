/**
 * A per-attempt timeout until the response headers arrive. The body is not under it: a
 * detection page may stream for many minutes, and a stalled body still ends with the caller's
 * own signal or the server closing.
 */
import { TimeoutError } from "./errors/timeout-error.js";
import type { Layer } from "./types.js";

export function timeoutLayer(defaultMs = 120_000): Layer {
  return (next) => async (request, ctx) => {
    const ms = ctx.timeoutMs ?? defaultMs;
    if (!ms) return next(request, ctx);
    const timer = new AbortController();
    const handle = setTimeout(() => timer.abort(new TimeoutError(ms, ctx.operationId)), ms);
    // The caller's signal travels in ctx (the fetchers put it there); AbortSignal.any costs
    // enough per call to skip when there is none.
    const signal = ctx.signal ? AbortSignal.any([ctx.signal, timer.signal]) : timer.signal;
    try {
      // The transport sends with ctx.signal: cheaper than rebuilding the Request around it.
      return await next(request, { ...ctx, signal });
    } catch (err) {
      if (timer.signal.aborted && !ctx.signal?.aborted) throw timer.signal.reason;
      throw err;
    } finally {
      clearTimeout(handle);
    }
  };
}

/**
 * Retries of calls that may safely run twice: GETs and POSTs the spec marks `x-idempotent`.
 * Network faults, 5xx and 408 are retried with exponential backoff and full jitter; a write
 * (scan launch, script create) is never sent twice, whatever happened to the first attempt.
 */
import { NetworkError } from "./errors/network-error.js";
import { TimeoutError } from "./errors/timeout-error.js";
import { resendable } from "./pipeline.js";
import { sleep } from "./sleep.js";
import type { Layer } from "./types.js";

export interface RetryInfo {
  readonly operationId: string | undefined;
  readonly method: string;
  readonly path: string;
  readonly attempt: number;
  readonly delayMs: number;
  readonly reason: string;
}

export interface RetryOptions {
  /** Attempts in all, the first included. Default 3. */
  readonly attempts?: number;
  /** First backoff; doubles each retry, with full jitter. Default 500 ms. */
  readonly baseDelayMs?: number;
  readonly maxDelayMs?: number;
  readonly onRetry?: (info: RetryInfo) => void;
  /** Jitter source, for tests. */
  readonly random?: () => number;
}

const retriableStatus = (status: number) => status === 408 || status >= 500;

export function retryLayer(options: RetryOptions = {}): Layer {
  const attempts = Math.max(1, options.attempts ?? 3);
  const base = options.baseDelayMs ?? 500;
  const max = options.maxDelayMs ?? 8000;
  const random = options.random ?? Math.random;
  return (next) => async (request, ctx) => {
    const signal = ctx.signal ?? request.signal;
    for (let attempt = 1; ; attempt++) {
      const canRetry = ctx.idempotent && attempt < attempts;
      const delay = () => Math.min(max, base * 2 ** (attempt - 1)) * (0.5 + random() / 2);
      let response: Response;
      try {
        response = await next(canRetry ? resendable(request) : request, ctx);
      } catch (err) {
        if (signal?.aborted) throw signal.reason;
        const timedOut = err instanceof TimeoutError;
        if (!canRetry || (!timedOut && !isNetworkError(err))) {
          if (timedOut || !isNetworkError(err)) throw err;
          throw new NetworkError(err, { operationId: ctx.operationId, host: new URL(request.url).host, attempts: attempt });
        }
        const delayMs = delay();
        options.onRetry?.({ operationId: ctx.operationId, method: request.method, path: new URL(request.url).pathname, attempt, delayMs, reason: timedOut ? "timeout" : "network error" });
        await sleep(delayMs, signal);
        continue;
      }
      if (!canRetry || !retriableStatus(response.status)) return response;
      await response.body?.cancel().catch(() => {});
      const delayMs = delay();
      options.onRetry?.({ operationId: ctx.operationId, method: request.method, path: new URL(request.url).pathname, attempt, delayMs, reason: `HTTP ${response.status}` });
      await sleep(delayMs, signal);
    }
  };
}

/** fetch reports connection faults as a TypeError ("fetch failed") with the socket error as cause. */
export function isNetworkError(err: unknown): boolean {
  return err instanceof TypeError || (err as { code?: string })?.code === "ECONNRESET" || (err as { code?: string })?.code === "ECONNREFUSED";
}

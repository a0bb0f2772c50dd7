/**
 * Retries of calls that may safely run twice: GETs and POSTs the spec marks `x-idempotent`.
 * Network faults, timeouts, 5xx and 408 are retried with exponential backoff and jitter; so is a
 * body that fails before the caller got anything from it (what ctx.settle reads inside the loop).
 * A write (scan launch, script create) is never sent twice, whatever happened to the first
 * attempt: a timeout or a 502 does not mean the server did not act, and a connection lost after
 * the request went out is an OutcomeUnknownError, not "could not reach".
 */
import { AbortError } from "./errors/abort-error.js";
import { isConnectFailure, NetworkError } from "./errors/network-error.js";
import { OutcomeUnknownError } from "./errors/outcome-unknown-error.js";
import { QualysError } from "./errors/qualys-error.js";
import { TimeoutError } from "./errors/timeout-error.js";
import { resendable } from "./pipeline.js";
import { retryAfterMs } from "./rate-limit/headers.js";
import { hostOf, pathOf } from "./rate-limit/url-path.js";
import { sleep } from "./sleep.js";
import type { CallContext, Layer } from "./types.js";

export interface RetryInfo {
  readonly operationId: string | undefined;
  readonly method: string;
  /** URL path, never the query (filters, ids). */
  readonly path: string;
  /** The attempt that failed (1 = the first). */
  readonly attempt: number;
  readonly delayMs: number;
  /** "HTTP 503", "network error", "timeout", or "network error in the body" / "timeout in the body" (before the caller got any of it). */
  readonly reason: string;
}

export interface RetryOptions {
  /** Attempts in all, the first included. Default 3. */
  readonly attempts?: number;
  /** First backoff; doubles each retry, with jitter (half fixed, half random). Default 500 ms. */
  readonly baseDelayMs?: number;
  /** Longest backoff; a Retry-After longer than this is not waited for (the answer is returned). Default 8 s. */
  readonly maxDelayMs?: number;
  readonly onRetry?: (info: RetryInfo) => void;
  /** Jitter source, for tests. */
  readonly random?: () => number;
}

/**
 * Lets a layer above lend retry its per-attempt resources. The scheduler uses it to give its
 * permit back while retry sleeps and take a new one before the next attempt: every attempt is
 * counted against the quota, and no slot idles through a backoff.
 */
export interface AttemptGate {
  /** The attempt is over (`response` is its answer, if any): give its resources back. */
  release(response: Response | undefined): void;
  /** Take resources for the next attempt; may wait, and rejects on abort or when the wait is too long. */
  acquire(): Promise<void>;
}

export const ATTEMPT_GATE: unique symbol = Symbol("qualys-ts.attemptGate");
export type GatedContext = CallContext & { readonly [ATTEMPT_GATE]?: AttemptGate };

const retriableStatus = (status: number) => status === 408 || (status >= 500 && status !== 501 && status !== 505);

export function retryLayer(options: RetryOptions = {}): Layer {
  const attempts = Math.max(1, options.attempts ?? 3);
  const base = options.baseDelayMs ?? 500;
  const max = options.maxDelayMs ?? 8000;
  const random = options.random ?? Math.random;
  return (next) => async (request, ctx) => {
    const settle = ctx.settle;
    if (!ctx.idempotent || attempts === 1) {
      try {
        const response = await next(request, ctx);
        return settle ? await settle(response) : response;
      } catch (err) {
        throw finalError(err, request, ctx, 1);
      }
    }
    const signal = ctx.signal ?? request.signal;
    const gate = (ctx as GatedContext)[ATTEMPT_GATE];
    for (let attempt = 1; ; attempt++) {
      const last = attempt >= attempts;
      let response: Response | undefined;
      let reason: string;
      let delayMs = Math.min(max, base * 2 ** (attempt - 1)) * (0.5 + random() / 2);
      try {
        response = await next(last ? request : resendable(request), ctx);
      } catch (err) {
        if (last || signal?.aborted || !isRetriable(err)) throw finalError(err, request, ctx, attempt);
        reason = err instanceof TimeoutError ? "timeout" : "network error";
      }
      if (response) {
        if (last || !retriableStatus(response.status)) {
          if (!settle) return response;
          try {
            return await settle(response);
          } catch (err) {
            if (last || signal?.aborted || !isRetriable(err)) throw finalError(err, request, ctx, attempt);
            reason = err instanceof TimeoutError ? "timeout in the body" : "network error in the body";
          }
        } else {
          const asked = retryAfterMs(response.headers, Date.now());
          if (asked !== undefined) {
            if (asked > max) return settle ? settle(response) : response;
            delayMs = asked;
          }
          reason = `HTTP ${response.status}`;
          await response.body?.cancel().catch(() => {});
        }
      }
      options.onRetry?.({ operationId: ctx.operationId, method: request.method, path: pathOf(request.url), attempt, delayMs, reason: reason! });
      gate?.release(response);
      try {
        await sleep(delayMs, signal);
        await gate?.acquire();
      } catch (err) {
        throw AbortError.wrap(err, signal, ctx.operationId);
      }
    }
  };
}

/** What a failed attempt that will not be retried surfaces as. */
function finalError(err: unknown, request: Request, ctx: CallContext, attempts: number): unknown {
  const signal = ctx.signal ?? request.signal;
  if (signal?.aborted) return AbortError.wrap(err, signal, ctx.operationId);
  // Typed by the transport (a body fault) on this attempt; it knows nothing of the earlier ones.
  if (err instanceof NetworkError) return attempts > 1 ? err.with({ attempts }) : err;
  if (err instanceof QualysError || !isNetworkError(err)) return err;
  const init = { operationId: ctx.operationId, host: hostOf(request.url), attempts };
  // Only a failure to connect proves the server never saw the request.
  return ctx.idempotent || isConnectFailure(err) ? new NetworkError(err, init) : new OutcomeUnknownError(err, init);
}

/** A fault that a second attempt of an idempotent call may not meet. */
const isRetriable = (err: unknown) => err instanceof TimeoutError || isNetworkError(err);

const NETWORK_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ECONNABORTED",
  "EPIPE",
  "ETIMEDOUT",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "UND_ERR_SOCKET",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_CLOSED",
]);

/**
 * A fault on the way, not an answer: fetch and the undici transport report these as
 * `TypeError("fetch failed")` with the socket error as cause (before the headers) or as a
 * NetworkError (inside the body); bare socket errors carry a code. A write's OutcomeUnknownError
 * is not one to retry.
 */
export function isNetworkError(err: unknown): boolean {
  if (err instanceof NetworkError) return !(err instanceof OutcomeUnknownError) && !err.final;
  const code = (err as { code?: unknown })?.code;
  if (typeof code === "string" && NETWORK_CODES.has(code)) return true;
  return err instanceof TypeError && err.message === "fetch failed";
}


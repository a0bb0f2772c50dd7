/**
 * The rate-limit layer: every attempt waits for a permit of its API's bucket; the answer's
 * headers teach the bucket its limits; a blocked call (409 1960/1965, 429) holds the whole
 * bucket for the advertised wait and is sent again, within a wait budget.
 */
import { RateLimitError } from "../errors/rate-limit-error.js";
import { resendable } from "../pipeline.js";
import type { CallContext, Layer } from "../types.js";
import { blockedBy } from "./blocked.js";
import { readLimits } from "./headers.js";
import { releaseOnBodyEnd } from "./release-on-end.js";
import type { Scheduler } from "./scheduler.js";

export interface RateLimitInfo {
  readonly operationId: string | undefined;
  readonly method: string;
  /** URL path, never the query (filters, ids). */
  readonly path: string;
  readonly code: string;
  readonly waitMs: number;
  readonly attempt: number;
}

export interface LimitLayerOptions {
  /** Total time a call may spend held by blocks before RateLimitError. Default 15 minutes. */
  readonly waitBudgetMs?: number;
  /** Wait after a block that names no wait (first block; doubles each time). Default 2 s. */
  readonly blockedBackoffMs?: number;
  /** Which limit bucket a call belongs to. Default: the VM endpoint path, or the gateway operation. */
  readonly keyOf?: (request: Request, ctx: CallContext) => string;
  readonly onRateLimit?: (info: RateLimitInfo) => void;
  readonly now?: () => number;
}

/**
 * Qualys limits each API separately. On the VM API an API is an endpoint path (its actions share
 * it); on the gateway it is an operation, whose path may carry ids (`/scripts/{id}/execute`).
 */
export const defaultKeyOf = (request: Request, ctx: CallContext): string =>
  ctx.family === "gateway" && ctx.operationId ? `gateway:${ctx.module}.${ctx.operationId}` : `${ctx.family}:${new URL(request.url).pathname}`;

export function limitLayer(scheduler: Scheduler, options: LimitLayerOptions = {}): Layer {
  const budget = options.waitBudgetMs ?? 15 * 60_000;
  const now = options.now ?? Date.now;
  const keyOf = options.keyOf ?? defaultKeyOf;
  return (next) => async (request, ctx) => {
    if (ctx.exemptFromRateLimit) return next(request, ctx);
    const key = keyOf(request, ctx);
    const signal = ctx.signal ?? request.signal;
    let waited = 0;
    for (let attempt = 1; ; attempt++) {
      await scheduler.acquire(key, signal);
      let response: Response;
      try {
        response = await next(resendable(request), ctx);
      } catch (err) {
        scheduler.release(key);
        throw err;
      }
      const observed = readLimits(response.headers);
      // Only 409 and 429 can be blocks; everything else skips the body check.
      const blocked = response.status === 409 || response.status === 429 ? await blockedBy(response, now()).catch(() => undefined) : undefined;
      if (!blocked) return releaseOnBodyEnd(response, () => scheduler.release(key, observed));
      await response.body?.cancel().catch(() => {});
      const waitMs = blocked.waitMs ?? (options.blockedBackoffMs ?? 2000) * 2 ** Math.min(attempt - 1, 6);
      // The block holds every queued call of this API, not just this one.
      scheduler.hold(key, now() + waitMs);
      scheduler.release(key, { ...observed, toWaitSec: undefined, remaining: undefined });
      if (waited + waitMs > budget) {
        throw new RateLimitError({ code: blocked.code, waitMs, operationId: ctx.operationId, waitedMs: waited, budgetMs: budget });
      }
      waited += waitMs;
      options.onRateLimit?.({ operationId: ctx.operationId, method: request.method, path: new URL(request.url).pathname, code: blocked.code, waitMs, attempt });
    }
  };
}

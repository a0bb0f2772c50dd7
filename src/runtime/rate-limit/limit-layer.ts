/**
 * The rate-limit layer: every attempt waits for a permit of its API's bucket; the answer's
 * headers teach the bucket its limits; a blocked call (409 1960/1965, 429) holds the whole
 * bucket for the advertised wait and is sent again — it was not executed, so this is safe for
 * writes too — within a wait budget, past which the call fails with RateLimitError.
 */
import { AbortError } from "../errors/abort-error.js";
import { RateLimitError } from "../errors/rate-limit-error.js";
import { resendable } from "../pipeline.js";
import { ATTEMPT_GATE, type AttemptGate, type GatedContext } from "../retry.js";
import type { CallContext, Layer } from "../types.js";
import { blockedBy } from "./blocked.js";
import { readLimits } from "./headers.js";
import { releaseOnBodyEnd } from "./release-on-end.js";
import type { Scheduler } from "./scheduler.js";
import { pathOf } from "./url-path.js";

export interface RateLimitInfo {
  readonly operationId: string | undefined;
  readonly method: string;
  /** URL path, never the query (filters, ids). */
  readonly path: string;
  /** "1960", "1965", "1920" or "429". */
  readonly code: string;
  /** How long the call (and every other call of its API) now waits, ms. */
  readonly waitMs: number;
  /** The blocked attempt (1 = the first). */
  readonly attempt: number;
}

export interface LimitLayerOptions {
  /**
   * Longest a call may wait for its API's limits — held after blocks, or queued behind a used-up
   * quota — before RateLimitError. Default 15 minutes; Infinity waits as long as Qualys says.
   */
  readonly waitBudgetMs?: number;
  /** Wait after a block that names no wait (first block; doubles each time, up to 64×). Default 2 s. */
  readonly blockedBackoffMs?: number;
  /** Which limit bucket a call belongs to. Default: `defaultKeyOf`. */
  readonly keyOf?: (request: Request, ctx: CallContext) => string;
  readonly onRateLimit?: (info: RateLimitInfo) => void;
  readonly now?: () => number;
}

/**
 * Qualys limits each API separately. On the VM XML API an API is an endpoint path (its actions
 * share it). Elsewhere (the gateway, WAS on the API server) it is an operation, whose path may
 * carry ids (`/scripts/{id}/execute`, `/get/was/webapp/{id}`), so the module and operation id
 * stand for it; the path when there is no operation id.
 */
export const defaultKeyOf = (request: Request, ctx: CallContext): string =>
  (ctx.family === "gateway" || ctx.module !== "vm") && ctx.operationId
    ? `${ctx.family}:${ctx.module}.${ctx.operationId}`
    : `${ctx.family}:${ctx.family === "gateway" ? `${ctx.module}:` : ""}${pathOf(request.url)}`;

export function limitLayer(scheduler: Scheduler, options: LimitLayerOptions = {}): Layer {
  const budget = options.waitBudgetMs ?? 15 * 60_000;
  const now = options.now ?? Date.now;
  const keyOf = options.keyOf ?? defaultKeyOf;
  return (next) => async (request, ctx) => {
    if (ctx.exemptFromRateLimit) return next(request, ctx);
    const key = keyOf(request, ctx);
    const signal = ctx.signal ?? request.signal;
    const started = now();
    const tooLong = (waitMs: number, code: string) => new RateLimitError({ code, waitMs, operationId: ctx.operationId, waitedMs: now() - started, budgetMs: budget });
    const acquireOptions = { signal, deadline: started + budget, tooLong };
    let held = false;
    // Only idempotent calls are retried below: they alone need a permit per retry attempt.
    const gate: AttemptGate | undefined = ctx.idempotent
      ? {
          release(response) {
            if (!held) return;
            held = false;
            scheduler.release(key, response ? readLimits(response.headers) : {});
          },
          async acquire() {
            await scheduler.acquire(key, acquireOptions);
            held = true;
          },
        }
      : undefined;
    const attemptCtx: GatedContext = gate ? { ...ctx, [ATTEMPT_GATE]: gate } : ctx;
    try {
      for (let attempt = 1; ; attempt++) {
        await scheduler.acquire(key, acquireOptions);
        held = true;
        const response = await next(resendable(request), attemptCtx);
        const observed = readLimits(response.headers);
        // Only 409 and 429 can be blocks; everything else skips the body check.
        const blocked = response.status === 409 || response.status === 429 ? await blockedBy(response, now()).catch(() => undefined) : undefined;
        if (!blocked) {
          held = false;
          return releaseOnBodyEnd(response, () => scheduler.release(key, observed));
        }
        await response.body?.cancel().catch(() => {});
        const waitMs = blocked.waitMs ?? (options.blockedBackoffMs ?? 2000) * 2 ** Math.min(attempt - 1, 6);
        // The block holds every queued call of this API, not just this one.
        scheduler.hold(key, now() + waitMs, blocked.code);
        held = false;
        scheduler.release(key, { ...observed, toWaitSec: undefined, remaining: undefined });
        if (now() + waitMs > started + budget) throw tooLong(waitMs, blocked.code);
        options.onRateLimit?.({ operationId: ctx.operationId, method: request.method, path: pathOf(request.url), code: blocked.code, waitMs, attempt });
      }
    } catch (err) {
      if (held) {
        held = false;
        scheduler.release(key, {});
      }
      throw AbortError.wrap(err, signal, ctx.operationId);
    }
  };
}


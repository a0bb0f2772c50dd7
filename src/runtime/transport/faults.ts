/**
 * Faults met while an answer's body arrives, typed where they happen: the body stream errors
 * with them, so whoever reads it (openapi-fetch's `response.json()`, the XML decoder, a caller's
 * own reader) meets a NetworkError or TimeoutError instead of undici's bare `TypeError: terminated`.
 * A write's fault is an OutcomeUnknownError: the server had the whole request.
 */
import { NetworkError } from "../errors/network-error.js";
import { OutcomeUnknownError } from "../errors/outcome-unknown-error.js";
import { TimeoutError } from "../errors/timeout-error.js";
import { hostOf } from "../rate-limit/url-path.js";
import type { CallContext } from "../types.js";

/**
 * How long a body may stay silent (no byte while the reader waits for one) before the call fails.
 * Five minutes: Qualys builds host detection lists while it sends them and may go quiet between
 * hosts for minutes on big subscriptions (no Qualys source states a bound). It is also what undici
 * enforced until now (its bodyTimeout), so no stream that worked before is cut now.
 */
export const DEFAULT_BODY_IDLE_TIMEOUT_MS = 300_000;

/** What the transport knows of its call when a body fault happens. */
export interface BodySite {
  readonly url: string;
  readonly ctx: CallContext;
}

/** A broken connection, short body or corrupt encoding while the body was read. */
export function bodyFault(cause: unknown, site: BodySite, bytes: number): NetworkError {
  const init = { operationId: site.ctx.operationId, host: hostOf(site.url), attempts: 1, phase: "body" as const, bytes };
  return site.ctx.idempotent ? new NetworkError(cause, init) : new OutcomeUnknownError(cause, init);
}

/** The body went quiet for `ms`. */
export function bodyIdle(ms: number, site: BodySite, bytes: number): TimeoutError {
  return new TimeoutError(ms, site.ctx.operationId, { phase: "body", bytes, outcomeUnknown: !site.ctx.idempotent });
}

/** No headers within the call's timeout. */
export function headersTimeout(ctx: CallContext, requestSent: boolean): TimeoutError {
  return new TimeoutError(ctx.timeoutMs!, ctx.operationId, { outcomeUnknown: requestSent && !ctx.idempotent });
}

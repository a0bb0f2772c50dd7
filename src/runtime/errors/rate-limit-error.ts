import { QualysError } from "./qualys-error.js";

/**
 * A call could not be sent within its wait budget: Qualys kept blocking it (409 with 1960/1965,
 * or 429), or the API's learned quota would only let it go after the budget runs out.
 * `waitMs` says how long to wait before trying again.
 */
export class RateLimitError extends QualysError {
  override name = "RateLimitError";
  /**
   * "1960" (concurrency), "1965" (rate), "1920" (older form), "429" (gateway), or "quota" when
   * no call was sent because the quota learned from X-RateLimit headers is used up.
   */
  readonly code: string;
  /** How long to wait before the call could go, in ms (when known). */
  readonly waitMs: number | undefined;
  readonly operationId: string | undefined;

  constructor(init: { code: string; waitMs?: number; operationId?: string; waitedMs: number; budgetMs: number }) {
    const what =
      init.code === "1960"
        ? "is blocked by the Qualys concurrency limit (code 1960)"
        : init.code === "429"
          ? "is blocked by the Qualys rate limit (HTTP 429)"
          : init.code === "quota"
            ? "cannot be sent: the API's call quota is used up"
            : `is blocked by the Qualys rate limit (code ${init.code})`;
    super(
      `${init.operationId ?? "The call"} ${what}; waited ${seconds(init.waitedMs)} s of a ${seconds(init.budgetMs)} s budget` +
        (init.waitMs !== undefined ? `; wait ${Math.ceil(init.waitMs / 1000)} s more before trying again` : "") +
        ".",
    );
    this.code = init.code;
    this.waitMs = init.waitMs;
    this.operationId = init.operationId;
  }
}

const seconds = (ms: number) => (Number.isFinite(ms) ? Math.round(ms / 1000) : "∞");

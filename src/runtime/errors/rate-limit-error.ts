import { QualysError } from "./qualys-error.js";

/** Qualys kept blocking a call (409 with 1960/1965, or 429) for longer than the wait budget allows. */
export class RateLimitError extends QualysError {
  override name = "RateLimitError";
  /** "1960" (concurrency), "1965" (rate), "1920" or "429". */
  readonly code: string;
  /** How long Qualys said to wait before trying again, in ms (when it said). */
  readonly waitMs: number | undefined;
  readonly operationId: string | undefined;

  constructor(init: { code: string; waitMs?: number; operationId?: string; waitedMs: number; budgetMs: number }) {
    const what = init.code === "1960" ? "concurrency limit" : init.code === "429" ? "rate limit (HTTP 429)" : "rate limit";
    super(
      `${init.operationId ?? "The call"} is blocked by the Qualys ${what} (code ${init.code}); waited ${Math.round(init.waitedMs / 1000)} s of a ${Math.round(init.budgetMs / 1000)} s budget` +
        (init.waitMs !== undefined ? `; Qualys asks to wait ${Math.ceil(init.waitMs / 1000)} s more` : "") +
        ".",
    );
    this.code = init.code;
    this.waitMs = init.waitMs;
    this.operationId = init.operationId;
  }
}

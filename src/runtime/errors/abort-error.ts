import { QualysError } from "./qualys-error.js";

/**
 * The caller aborted the call (its AbortSignal fired) while it waited for a rate-limit permit,
 * slept between retries, or was on the wire. Named `AbortError` like the DOM's, so code that
 * checks `err.name === "AbortError"` keeps working; the signal's reason is the `cause`.
 */
export class AbortError extends QualysError {
  override name = "AbortError";
  readonly operationId: string | undefined;

  constructor(operationId: string | undefined, reason: unknown) {
    const why = reason instanceof Error && reason.name !== "AbortError" ? `: ${reason.message}` : "";
    super(`${operationId ?? "The call"} was aborted${why}.`, { cause: reason });
    this.operationId = operationId;
  }

  /**
   * What to throw for `err` once `signal` has fired: our own typed errors (a TimeoutError that
   * came first, say) stay as they are; the signal's reason becomes an AbortError.
   */
  static wrap(err: unknown, signal: AbortSignal | undefined, operationId: string | undefined): unknown {
    if (!signal?.aborted || err instanceof QualysError) return err;
    return new AbortError(operationId, signal.reason);
  }
}

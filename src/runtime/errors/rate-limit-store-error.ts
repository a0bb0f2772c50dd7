import { QualysError } from "./qualys-error.js";

/**
 * The shared rate-limit store (Redis) could not be reached or refused a command, and the store
 * was told to fail rather than fall back to this process's memory (`onUnavailable: "fail"`). No
 * call was sent on it. `where` names the server without its credentials.
 */
export class RateLimitStoreError extends QualysError {
  override name = "RateLimitStoreError";
  /** host:port of the store. */
  readonly where: string;
  /** What was being done: "acquire", "release", "hold", "snapshot". */
  readonly operation: string;

  constructor(init: { where: string; operation: string; cause: unknown }) {
    const detail = (init.cause as { message?: string })?.message ?? String(init.cause);
    super(`The shared rate-limit store (Redis at ${init.where}) is unavailable during ${init.operation}: ${detail}`, { cause: init.cause });
    this.where = init.where;
    this.operation = init.operation;
  }
}

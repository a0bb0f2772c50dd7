import { QualysError } from "./qualys-error.js";

/**
 * The database could not be opened or queried, or does not hold what was asked of it (no export
 * schema, a value out of range). `url` is redacted; `sql` is the statement that failed, if any.
 */
export class DatabaseError extends QualysError {
  override name = "DatabaseError";
  readonly url: string | undefined;
  readonly sql: string | undefined;

  constructor(message: string, init: { url?: string; sql?: string; cause?: unknown } = {}) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.url = init.url;
    this.sql = init.sql;
  }
}

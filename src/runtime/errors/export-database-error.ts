import { QualysError } from "./qualys-error.js";

/**
 * The export database failed: it cannot be opened or reached, is locked by another writer, was
 * written by a newer qualys-ts (schema version), or a write failed. The message says which
 * database (its URL without the password) and what went wrong; nothing of the batch under way
 * was committed.
 */
export class ExportDatabaseError extends QualysError {
  override name = "ExportDatabaseError";
  /** `sqlite` or `postgres`. */
  readonly dialect: string;

  constructor(message: string, dialect: string, cause?: unknown) {
    super(message, { cause });
    this.dialect = dialect;
  }
}

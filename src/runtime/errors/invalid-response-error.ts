import { QualysError } from "./qualys-error.js";

/** A success status whose body is not what the spec promises (e.g. a proxy's HTML page with 200). */
export class InvalidResponseError extends QualysError {
  override name = "InvalidResponseError";
  readonly operationId: string | undefined;

  constructor(message: string, operationId: string | undefined, cause: unknown) {
    super(message, { cause });
    this.operationId = operationId;
  }
}

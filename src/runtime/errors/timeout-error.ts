import { QualysError } from "./qualys-error.js";

/** No response headers arrived within the call's timeout. */
export class TimeoutError extends QualysError {
  override name = "TimeoutError";
  readonly timeoutMs: number;
  readonly operationId: string | undefined;

  constructor(timeoutMs: number, operationId?: string) {
    super(`${operationId ?? "The call"} got no response within ${timeoutMs} ms.`);
    this.timeoutMs = timeoutMs;
    this.operationId = operationId;
  }
}

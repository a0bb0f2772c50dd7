import { QualysError } from "./qualys-error.js";

/** The request never got an HTTP answer: DNS, refused or reset connection, TLS failure. */
export class NetworkError extends QualysError {
  override name = "NetworkError";
  readonly operationId: string | undefined;
  readonly attempts: number;

  /** `detail` says what went wrong when the cause's code would not (a proxy's refusal, say). */
  constructor(cause: unknown, init: { operationId?: string; host: string; attempts: number; detail?: string }) {
    const c = cause as { message?: string; cause?: { code?: string; message?: string } };
    const detail = init.detail ?? c?.cause?.code ?? c?.cause?.message ?? c?.message ?? String(cause);
    super(`${init.operationId ?? "The call"} could not reach ${init.host} (${detail}) after ${init.attempts} attempt${init.attempts === 1 ? "" : "s"}.`, { cause });
    this.operationId = init.operationId;
    this.attempts = init.attempts;
  }
}

import { QualysError } from "./qualys-error.js";

/**
 * Where the connection failed: before it was made ("connect": nothing reached the server), after
 * the request went out but before an answer ("request"), or while the answer's body arrived ("body").
 */
export type NetworkFaultPhase = "connect" | "request" | "body";

export interface NetworkErrorInit {
  readonly operationId?: string;
  readonly host: string;
  readonly attempts: number;
  /** Default: "connect" when the cause is a failure to connect, else "request". */
  readonly phase?: NetworkFaultPhase;
  /** Bytes of the answer's body received before the fault ("body" phase). */
  readonly bytes?: number;
  /** Records the decoder or pager had handed to the caller before the fault, when it counts them. */
  readonly records?: number;
  /** What went wrong, when the cause's code would not say (a proxy's refusal, say). */
  readonly detail?: string;
  /** A repeat would meet the same refusal (a proxy's 407): never retried. */
  readonly final?: boolean;
}

/** The connection failed: no answer, or only part of one (DNS, refused, reset, TLS, truncated body). */
export class NetworkError extends QualysError {
  override name = "NetworkError";
  readonly operationId: string | undefined;
  readonly host: string;
  readonly attempts: number;
  readonly phase: NetworkFaultPhase;
  readonly bytes: number | undefined;
  readonly records: number | undefined;
  readonly detail: string | undefined;
  readonly final: boolean;

  constructor(cause: unknown, init: NetworkErrorInit, message?: string) {
    const phase = init.phase ?? (isConnectFailure(cause) ? "connect" : "request");
    super(message ?? describe(phase, cause, init), { cause });
    this.operationId = init.operationId;
    this.host = init.host;
    this.attempts = init.attempts;
    this.phase = phase;
    this.bytes = init.bytes;
    this.records = init.records;
    this.detail = init.detail;
    this.final = init.final ?? false;
  }

  protected get init(): NetworkErrorInit {
    return { operationId: this.operationId, host: this.host, attempts: this.attempts, phase: this.phase, bytes: this.bytes, records: this.records, detail: this.detail, final: this.final };
  }

  /** The same fault, told with what the caller's pager or decoder knows: records received, attempts made. */
  with(extra: { readonly records?: number; readonly attempts?: number }): NetworkError {
    const Same = this.constructor as new (cause: unknown, init: NetworkErrorInit) => NetworkError;
    return new Same(this.cause, { ...this.init, ...extra });
  }
}

/** Error codes (of the error or its cause) that mean no connection was made, so no request was sent. */
const CONNECT_FAILURES = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH", "UND_ERR_CONNECT_TIMEOUT"]);

export function isConnectFailure(err: unknown): boolean {
  for (let e = err as { code?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 4; e = e.cause as typeof e, depth++) {
    if (typeof e.code === "string" && CONNECT_FAILURES.has(e.code)) return true;
  }
  return false;
}

export function faultDetail(cause: unknown): string {
  const c = cause as { message?: string; code?: string; cause?: { code?: string; message?: string } };
  return c?.cause?.code ?? c?.code ?? c?.cause?.message ?? c?.message ?? String(cause);
}

const times = (n: number) => `${n} attempt${n === 1 ? "" : "s"}`;

function describe(phase: NetworkFaultPhase, cause: unknown, init: NetworkErrorInit): string {
  const who = init.operationId ?? "The call";
  const detail = init.detail ?? faultDetail(cause);
  if (phase === "connect") return `${who} could not reach ${init.host} (${detail}) after ${times(init.attempts)}.`;
  if (phase === "request") return `${who} lost its connection to ${init.host} before an answer came (${detail}) after ${times(init.attempts)}.`;
  return `${who} lost its connection to ${init.host} while reading the answer: ${progress(init)} (${detail})${init.attempts > 1 ? ` after ${times(init.attempts)}` : ""}.`;
}

/** "1234 bytes of the body received, 5 records handed over" */
export function progress(init: { readonly bytes?: number; readonly records?: number }): string {
  const bytes = `${init.bytes ?? 0} bytes of the body received`;
  return init.records === undefined ? bytes : `${bytes}, ${init.records} record${init.records === 1 ? "" : "s"} handed over`;
}

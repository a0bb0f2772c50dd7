import { QualysError } from "./qualys-error.js";
import { progress } from "./network-error.js";

export interface TimeoutDetails {
  /** "headers": no answer in time; "body": the answer's body went quiet for the whole limit. */
  readonly phase?: "headers" | "body";
  /** Bytes of the body received before it went quiet ("body" phase). */
  readonly bytes?: number;
  /** Records the decoder or pager had handed over before it went quiet, when it counts them. */
  readonly records?: number;
  /** The call was a write: the server may have carried it out. */
  readonly outcomeUnknown?: boolean;
}

/** No response headers arrived within the call's timeout, or its body stopped for the idle limit. */
export class TimeoutError extends QualysError {
  override name = "TimeoutError";
  readonly timeoutMs: number;
  readonly operationId: string | undefined;
  readonly phase: "headers" | "body";
  readonly bytes: number | undefined;
  readonly records: number | undefined;
  readonly outcomeUnknown: boolean;

  constructor(timeoutMs: number, operationId?: string, details: TimeoutDetails = {}) {
    const who = operationId ?? "The call";
    const what =
      details.phase === "body"
        ? `${who} received no data for ${timeoutMs} ms while reading the answer (${progress(details)}).`
        : `${who} got no response within ${timeoutMs} ms.`;
    super(details.outcomeUnknown ? `${what} The request may have been carried out; check before retrying.` : what);
    this.timeoutMs = timeoutMs;
    this.operationId = operationId;
    this.phase = details.phase ?? "headers";
    this.bytes = details.bytes;
    this.records = details.records;
    this.outcomeUnknown = details.outcomeUnknown ?? false;
  }

  /** The same timeout, told with the records the caller's pager or decoder had received. */
  with(extra: { readonly records?: number }): TimeoutError {
    return new TimeoutError(this.timeoutMs, this.operationId, { phase: this.phase, bytes: this.bytes, records: this.records, outcomeUnknown: this.outcomeUnknown, ...extra });
  }
}

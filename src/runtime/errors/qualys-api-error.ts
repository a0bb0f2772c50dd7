import { QualysError } from "./qualys-error.js";

/**
 * Qualys answered with an error document: a SIMPLE_RETURN with a CODE (also under HTTP 200, as
 * with 2001 "account expired" and 7001 "report not ready"), or a QPS ServiceResponse whose
 * responseCode is not SUCCESS.
 */
export class QualysApiError extends QualysError {
  override name = "QualysApiError";
  readonly code: string;
  readonly text: string;
  readonly httpStatus: number | undefined;
  readonly operation: string | undefined;
  readonly resolution: string | undefined;

  constructor(init: { code: string; text: string; httpStatus?: number; operation?: string; resolution?: string }) {
    super(
      `${init.operation ?? "Qualys API"} failed with code ${init.code}: ${init.text}` +
        (init.httpStatus !== undefined ? ` (HTTP ${init.httpStatus})` : "") +
        (init.resolution ? ` — ${init.resolution}` : ""),
    );
    this.code = init.code;
    this.text = init.text;
    this.httpStatus = init.httpStatus;
    this.operation = init.operation;
    this.resolution = init.resolution;
  }
}

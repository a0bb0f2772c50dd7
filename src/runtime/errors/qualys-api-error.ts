import { QualysError } from "./qualys-error.js";

/**
 * Qualys answered with an error document instead of (or as) the expected answer: a SIMPLE_RETURN
 * with a numeric CODE (also under HTTP 200, as with 2001 "account expired" and 7001 "report not
 * ready"), a QPS ServiceResponse whose responseCode is not SUCCESS (always HTTP 200), or a v1
 * GENERIC_RETURN / ERROR.
 */
export class QualysApiError extends QualysError {
  override name = "QualysApiError";
  /** "1905", "2001", "INVALID_REQUEST"…: Qualys codes are not always numeric. */
  readonly code: string;
  readonly text: string;
  readonly httpStatus: number | undefined;
  readonly operation: string | undefined;
  /** QPS errorResolution, when given. */
  readonly resolution: string | undefined;
  /** Root element of the error document (SIMPLE_RETURN, ServiceResponse, GENERIC_RETURN, ERROR). */
  readonly root: string | undefined;

  constructor(init: { code: string; text: string; httpStatus?: number; operation?: string; resolution?: string; root?: string }) {
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
    this.root = init.root;
  }
}

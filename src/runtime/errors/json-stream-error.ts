import { QualysError } from "./qualys-error.js";
import { progress } from "./network-error.js";

/** What was wrong with a streamed JSON body. */
export type JsonStreamProblem =
  /** The gzip data stopped before its end (the connection closed cleanly, the body did not). */
  | "truncated-gzip"
  /** The bytes start like gzip but do not decode. */
  | "corrupt-gzip"
  /** The JSON stopped before its closing bracket. */
  | "truncated-json"
  /** Not valid JSON at some point. */
  | "malformed-json"
  /** An HTML page (a proxy, a login or maintenance page) instead of JSON. */
  | "html"
  /** JSON, but not the array the operation sends (an error object, say). */
  | "not-array"
  /** A success status with no body at all. */
  | "empty";

export interface JsonStreamErrorInit {
  readonly operationId?: string;
  readonly problem: JsonStreamProblem;
  /** Bytes of the (decompressed) body read before the problem. */
  readonly bytes: number;
  /** Records handed over before the problem. */
  readonly records: number;
  /** A short piece of the body where it went wrong (never the whole body). */
  readonly excerpt?: string;
}

/**
 * A streamed JSON answer (PCRS posture) that could not be read to its end: truncated or corrupt
 * gzip, truncated or malformed JSON, an HTML page, another JSON shape, or nothing. Says how far
 * the body got, so a caller knows what it has and what it lacks.
 */
export class JsonStreamError extends QualysError {
  override name = "JsonStreamError";
  readonly operationId: string | undefined;
  readonly problem: JsonStreamProblem;
  readonly bytes: number;
  readonly records: number;
  readonly excerpt: string | undefined;

  constructor(reason: string, init: JsonStreamErrorInit, options?: ErrorOptions) {
    const excerpt = init.excerpt ? ` near ${JSON.stringify(init.excerpt)}` : "";
    super(`${init.operationId ?? "The call"} answered with ${reason}${excerpt}: ${progress(init)}.`, options);
    this.operationId = init.operationId;
    this.problem = init.problem;
    this.bytes = init.bytes;
    this.records = init.records;
    this.excerpt = init.excerpt;
  }
}

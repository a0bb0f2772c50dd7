import { QualysError } from "./qualys-error.js";
import { stripQuery } from "./http-error.js";

/**
 * Qualys (or whatever answered) refused the API version a call was sent to: HTTP 404 or 410 on a
 * versioned path, an HTML or other non-API page instead of the answer, or an error document that
 * says the version is gone. Qualys retires old versions of an endpoint after their End-of-Life,
 * and has not published what a retired version answers, so every plausible form lands here. The
 * SDK never falls back to another version on its own: the answers' shapes differ.
 */
export class ApiVersionError extends QualysError {
  override name = "ApiVersionError";
  /** The SDK function (VM action or gateway operationId). */
  readonly operation: string;
  /** The path that was refused, without query. */
  readonly path: string;
  /** The API version that was refused ("2.0", "v1"). */
  readonly version: string;
  /** The version to use instead ("5.0"), or for a gateway operation the operation to call ("createScript"); undefined when none is known. */
  readonly use: string | undefined;
  /** Whether the refused version is the SDK's default (then the platform may not offer it yet). */
  readonly current: boolean;
  /** The other versions the SDK knows for this call. */
  readonly available: readonly string[];
  /** Qualys's End-of-Life date for the refused version, when known (`YYYY-MM`). */
  readonly endOfLife: string | undefined;
  /** The status of the refusal; undefined when the body could not be read as the API's format. */
  readonly httpStatus: number | undefined;
  /** What the refusal looked like: "HTTP 404", "an HTML page", the error document's code and text. */
  readonly answer: string;

  constructor(init: {
    operation: string;
    method: string;
    url: string;
    version: string;
    use?: string;
    current: boolean;
    available: readonly string[];
    endOfLife?: string;
    httpStatus: number | undefined;
    answer: string;
    cause?: unknown;
  }) {
    const path = safePath(init.url);
    const refused = `${init.operation}: ${init.current ? "the server" : "Qualys"} refused API ${init.version} (${init.method} ${path}: ${init.answer})`;
    let advice: string;
    if (!init.current) {
      const gone = init.endOfLife ? `it is past its end of life (${init.endOfLife}) and retired` : "it is an older version, which Qualys may have retired";
      advice = init.use ? `${gone}. Use ${init.use} instead (the SDK's default).` : `${gone}.`;
    } else {
      advice =
        `this is the SDK's default, the newest version Qualys documents; the platform may not offer it yet, or a proxy answered` +
        (init.available.length ? `. To call an older version explicitly, pass apiVersion (${init.available.join(", ")}).` : ".");
    }
    super(`${refused}: ${advice}`, init.cause === undefined ? undefined : { cause: init.cause });
    this.operation = init.operation;
    this.path = path;
    this.version = init.version;
    this.use = init.use;
    this.current = init.current;
    this.available = init.available;
    this.endOfLife = init.endOfLife;
    this.httpStatus = init.httpStatus;
    this.answer = init.answer;
  }
}

function safePath(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return stripQuery(url);
  }
}

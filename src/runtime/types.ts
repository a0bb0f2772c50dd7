/**
 * The shared vocabulary of the runtime. Every behaviour below openapi-fetch (auth, rate limits,
 * retries, timeouts, transport) is a Layer: a function that wraps the next Handler. openapi-fetch
 * calls the composed Handler as its `fetch`, so its middleware loop runs once per logical call while
 * the layers may send several attempts (retries, 401 replays) underneath it.
 */

/**
 * Sends one request and resolves with its response. `ctx` says which operation the request is.
 * A transport (the innermost handler) honours `ctx.signal` and `ctx.timeoutMs` (see withTimeout).
 */
export type Handler = (request: Request, ctx: CallContext) => Promise<Response>;

/** Wraps the next handler with one concern (auth, rate limit, retry, timeout…). */
export type Layer = (next: Handler) => Handler;

/** Which API family a request belongs to: decides auth style and the rate-limit bucket. */
export type ApiFamily = "gateway" | "vm";

/** Per-call facts the layers need. Built by the generated fetchers from the spec. */
export interface CallContext {
  /** Module name as in `specs/<module>.yaml` ("car", "etm", "vm"…). */
  readonly module: string;
  /** Operation id from the spec, when the call came through a generated fetcher. */
  readonly operationId?: string;
  readonly family: ApiFamily;
  /**
   * True when a repeat cannot change server state (GET, or a POST the spec marks `x-idempotent`).
   * Only idempotent calls are retried after network faults, 5xx or 408.
   */
  readonly idempotent: boolean;
  /** Per-call timeout override in milliseconds (0 disables the timeout). */
  readonly timeoutMs?: number;
  /** Longest silence inside the answer's body, ms, while the reader waits for bytes (0: none). */
  readonly bodyIdleTimeoutMs?: number;
  /**
   * What must be read of an answer before the call counts as answered, run by the retry layer on
   * each answer it is about to return (a small JSON body is read whole; a VM record stream up to
   * its first record). A NetworkError or TimeoutError it throws fails that attempt, which is then
   * retried like a failure before the headers, if the call is idempotent.
   */
  readonly settle?: (response: Response) => Response | Promise<Response>;
  /** Caller's abort signal (also present on the Request; kept here so layers can wait on it). */
  readonly signal?: AbortSignal;
  /** Set on the auth calls themselves (gateway /auth, VM session login/logout): no auth header, no 401 replay. */
  readonly skipAuth?: boolean;
  /** Qualys exempts the auth API and session login/logout from rate limits: the scheduler lets them pass. */
  readonly exemptFromRateLimit?: boolean;
}

/** Static description of one operation, emitted by the generator from the spec. */
export interface OperationMeta {
  readonly operationId: string;
  readonly method: "get" | "put" | "post" | "delete" | "patch" | "head" | "options";
  readonly path: string;
  readonly idempotent: boolean;
  /** Content-Type of the request body when it is not JSON (form-encoded auth calls). */
  readonly requestContentType?: string;
  /** Request/response bodies that are not JSON (XML, text, zip) are returned unparsed. */
  readonly parseAs?: "json" | "text" | "stream" | "arrayBuffer";
  readonly deprecated?: DeprecationInfo;
  readonly pagination?: PaginationSpec;
  /** The spec gives the operation no security (the auth endpoints): send no credentials. */
  readonly skipAuth?: boolean;
  /** The spec says Qualys does not count this operation against the rate limit (`x-rate-limit-exempt`). */
  readonly exemptFromRateLimit?: boolean;
  /** `Accept` to send unless the caller sets one (`x-accept`): WAS answers XML without it. */
  readonly accept?: string;
  /** Where a JSON answer says whether it succeeded, even under HTTP 200 (`x-response-status`). */
  readonly responseStatus?: ResponseStatusSpec;
  /** Time filters the API honours only so far back (`x-max-age-days`), moved up by the runtime. */
  readonly maxAge?: readonly { readonly in: "query"; readonly name: string; readonly days: number }[];
  /** Integers past 2^53 in the JSON answer are kept exact, as decimal strings (`x-exact-integers`: CSAM's 64-bit software ids). */
  readonly exactIntegers?: boolean;
}

/**
 * A JSON answer's own success flag (CSAM `responseCode`, WAS `ServiceResponse.responseCode`):
 * dotted paths into the body, and the codes that mean success. Another code is a QualysApiError;
 * an answer without the code passes (an empty 204, or an API that only sets it on some answers).
 */
export interface ResponseStatusSpec {
  readonly code: string;
  readonly success: readonly string[];
  readonly message?: string;
  readonly resolution?: string;
}

export interface DeprecationInfo {
  readonly endOfSupport?: string;
  readonly endOfLife?: string;
  readonly replacement?: string;
}

/** How a paged operation pages, from its `x-pagination` extension. */
export type PaginationSpec =
  | {
      /** CAR: `pageNumber` (from 0) and `pageSize` in the JSON body; `{body: {totalCount, list}}`. */
      readonly style: "pageNumber";
      readonly in: "body" | "query";
      readonly pageParam: string;
      readonly sizeParam: string;
      readonly firstPage: number;
      /** Dotted path to the item array in the response, e.g. "body.list". */
      readonly items: string;
      /** Dotted path to the total count, e.g. "body.totalCount". */
      readonly total?: string;
      readonly defaultPageSize?: number;
    }
  | {
      /** CAR v2: `sort` + `searchAfter`; each item's `sortValues` becomes the next `searchAfter`. */
      readonly style: "searchAfter";
      readonly cursorParam: string;
      readonly cursorField: string;
      readonly sizeParam: string;
      readonly items: string;
      readonly total?: string;
      readonly defaultPageSize?: number;
    }
  | {
      /**
       * CSAM: the answer names the next cursor (`nextCursor`, e.g. `lastSeenAssetId`) and whether
       * more follow (`hasMore`: 0/1, true/false, "1"); the cursor goes out as `cursorParam`.
       * An empty answer (204) ends the walk.
       */
      readonly style: "lastSeenId";
      readonly in: "body" | "query";
      readonly cursorParam: string;
      readonly nextCursor: string;
      readonly hasMore: string;
      readonly sizeParam: string;
      readonly maxPageSize?: number;
      readonly items: string;
    }
  | {
      /**
       * QPS (WAS): `hasMoreRecords` + `lastId`; the next request repeats the criteria plus
       * `id GREATER <lastId>`. Paths into the JSON body are dotted (`ServiceRequest.preferences.limitResults`).
       */
      readonly style: "qpsLastId";
      readonly items: string;
      /** Each item is `{"<unwrap>": record}`; `items()` yields the record. */
      readonly unwrap?: string;
      readonly hasMore: string;
      readonly lastId: string;
      readonly count?: string;
      readonly sizeParam: string;
      readonly maxPageSize?: number;
      readonly criteria: string;
      readonly idField: string;
    };

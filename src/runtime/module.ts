import createClient, { type FetchOptions } from "openapi-fetch";
import type {
  MediaType,
  Readable,
  RequiredKeysOf,
  ResponseObjectMap,
  SuccessResponse,
} from "openapi-typescript-helpers";
import { CONTEXT_KEY, contextOf } from "./context.js";
import { pathVersion } from "./api-versions.js";
import { warnDeprecatedOnce } from "./deprecation.js";
import { ApiVersionError } from "./errors/api-version-error.js";
import { clampToMaxAge } from "./max-age.js";
import { HttpError } from "./errors/http-error.js";
import { InvalidResponseError } from "./errors/invalid-response-error.js";
import { tracedWalk } from "./observe/tracing.js";
import { pageIterator, itemIterator } from "./paging/index.js";
import { checkResponseStatus } from "./response-status.js";
import { parseExactJson } from "./exact-json.js";
import { readWhole } from "./transport/index.js";
import type { Runtime } from "./runtime.js";
import type { ApiFamily, CallContext, OperationMeta } from "./types.js";

/** Options every generated fetcher accepts besides the operation's own params and body. */
export interface CallOptions {
  /** Abort the call (and any wait in the scheduler or between retries). */
  signal?: AbortSignal;
  /** Per-call timeout in ms; overrides the client default; 0 disables it. */
  timeoutMs?: number;
  /** Longest silence inside the answer's body, ms; overrides the client default (300 s); 0 disables it. */
  bodyIdleTimeoutMs?: number;
}

type Init<Op> = Omit<FetchOptions<Op>, "parseAs" | "middleware" | "fetch" | "baseUrl" | "signal"> & CallOptions;

/** What a successful call resolves with: the decoded 2xx body. */
export type DataOf<Op> =
  ResponseObjectMap<Op> extends Record<string | number, any>
    ? Readable<SuccessResponse<ResponseObjectMap<Op>, MediaType>>
    : never;

export type Fetcher<Op> =
  RequiredKeysOf<Init<Op>> extends never
    ? (init?: Init<Op>) => Promise<DataOf<Op>>
    : (init: Init<Op>) => Promise<DataOf<Op>>;

/** A fetcher whose 2xx body is binary (a ZIP download): it resolves with the unread body stream. */
export type StreamFetcher<Op> =
  RequiredKeysOf<Init<Op>> extends never
    ? (init?: Init<Op>) => Promise<ReadableStream<Uint8Array>>
    : (init: Init<Op>) => Promise<ReadableStream<Uint8Array>>;

/** Walks a tuple of keys into a type, dropping null/undefined on the way (items of a page). */
export type At<T, P extends readonly string[]> = P extends readonly [infer K extends string, ...infer Rest extends string[]]
  ? At<K extends keyof NonNullable<T> ? NonNullable<T>[K] : never, Rest>
  : NonNullable<T>;

export type ItemOf<Op, P extends readonly string[]> = At<DataOf<Op>, P> extends readonly (infer I)[] ? I : never;

/** The record inside a wrapped list item (`{"Finding": {...}}` → the finding). */
export type UnwrapItem<W, K extends string> = K extends keyof NonNullable<W> ? NonNullable<NonNullable<W>[K]> : never;

/** A fetcher whose operation pages: call it for one page, or iterate every page or item. */
export type PagedFetcher<Op, Item> = Fetcher<Op> & {
  /** Every page, fetched lazily as the loop asks for it. */
  pages(init?: Init<Op>): AsyncIterableIterator<DataOf<Op>>;
  /** Every item of every page. */
  items(init?: Init<Op>): AsyncIterableIterator<Item>;
};

export type OperationTable = Readonly<Record<string, OperationMeta>>;

/**
 * Builds one function per operation of a module on top of openapi-fetch. The functions return the
 * typed 2xx body and throw typed errors, so callers never branch on `{data, error}`.
 */
export function defineModule(
  runtime: Runtime,
  module: string,
  family: ApiFamily,
  operations: OperationTable,
): Record<string, unknown> {
  // The base URL is looked up per call: a client for VM only must not need a gateway URL.
  const client = createClient<Record<string, never>>({
    fetch: (request) => runtime.handler(request, contextOf(request, { module, family })),
  });

  const out: Record<string, unknown> = {};
  for (const meta of Object.values(operations)) {
    const replacement = meta.deprecated?.replacement ? operations[meta.deprecated.replacement] : undefined;
    /**
     * A deprecated operation with a replacement (CAR v1 script writes) refused by Qualys — 404/410,
     * or a page that is not JSON — is past its end of life: say so, and which operation to call.
     */
    const versionRefused = (httpStatus: number | undefined, answer: string, url: string, cause?: unknown) =>
      replacement
        ? new ApiVersionError({
            operation: meta.operationId,
            method: meta.method.toUpperCase(),
            url,
            version: pathVersion(meta.path) ?? "unversioned",
            use: `${replacement.operationId} (${replacement.method.toUpperCase()} ${replacement.path})`,
            current: false,
            available: [],
            endOfLife: meta.deprecated?.endOfLife,
            httpStatus,
            answer,
            cause,
          })
        : undefined;
    const redacted = (err: unknown) => {
      throw runtime.redact ? runtime.redact(err) : err;
    };
    /** One call as given: what each page of a walk sends. */
    const raw = (init: Record<string, unknown> = {}) => send(init).catch(redacted);
    /** Time filters past their limit are moved up once per call or walk, so every page of a walk asks for the same window. */
    const limited = (init: Record<string, unknown> = {}) => clampToMaxAge(runtime, module, meta, init);
    const call = (init: Record<string, unknown> = {}) => {
      let adjusted: Record<string, unknown>;
      try {
        adjusted = limited(init);
      } catch (err) {
        return Promise.reject(err).catch(redacted);
      }
      return raw(adjusted);
    };
    const send = async (init: Record<string, unknown> = {}) => {
      const { signal, timeoutMs, bodyIdleTimeoutMs, ...rest } = init as Init<unknown> & Record<string, unknown>;
      if (meta.deprecated) warnDeprecatedOnce(runtime, module, meta);
      const ctx: CallContext = {
        module,
        family,
        operationId: meta.operationId,
        idempotent: meta.idempotent,
        timeoutMs: timeoutMs ?? runtime.timeoutMs,
        bodyIdleTimeoutMs,
        signal,
        // Bodies read whole are read inside the retry loop: a fault in them is retried like one before the headers.
        settle: meta.parseAs === "stream" ? undefined : readWhole,
        skipAuth: meta.skipAuth,
        exemptFromRateLimit: meta.exemptFromRateLimit,
      };
      const fixed = { ...(meta.requestContentType && { "Content-Type": meta.requestContentType }), ...(meta.accept && { Accept: meta.accept }) };
      const headers = Object.keys(fixed).length ? { ...fixed, ...(rest.headers as Record<string, string> | undefined) } : rest.headers;
      let result: { data?: unknown; error?: unknown; response: Response };
      try {
        result = await (client.request as Function)(meta.method, meta.path, {
          ...rest,
          baseUrl: runtime.baseUrl(family, module),
          headers,
          signal,
          // Exact integers: read as text, parsed below so 64-bit ids keep every digit.
          parseAs: meta.exactIntegers ? "text" : (meta.parseAs ?? "json"),
          [CONTEXT_KEY]: ctx,
        });
      } catch (err) {
        if (err instanceof SyntaxError) {
          const refused = versionRefused(undefined, "a body that is not JSON (an HTML or notice page?)", `${runtime.baseUrl(family, module)}${meta.path}`, err);
          if (refused) throw refused;
          throw new InvalidResponseError(`${meta.operationId} answered with a body that is not the JSON its spec describes (${err.message.slice(0, 120)})`, meta.operationId, err);
        }
        throw err;
      }
      const { error, response } = result;
      let data = result.data;
      if (response.ok && meta.exactIntegers) data = exactData(data, meta.operationId);
      if (response.ok) {
        if (meta.responseStatus) checkResponseStatus(meta.responseStatus, data, meta.operationId, response.status);
        return data;
      }
      const refused = response.status === 404 || response.status === 410 ? versionRefused(response.status, `HTTP ${response.status}`, response.url || meta.path) : undefined;
      if (refused) throw refused;
      throw new HttpError({
        status: response.status,
        statusText: response.statusText,
        method: meta.method.toUpperCase(),
        url: response.url || meta.path,
        operationId: meta.operationId,
        body: typeof error === "object" ? error : undefined,
        bodyText: typeof error === "string" ? error : JSON.stringify(error ?? ""),
        redact: runtime.redactText,
      });
    };
    if (meta.pagination) {
      const spec = meta.pagination;
      // One parent span per walk: the calls for its pages become its children.
      const traced = (kind: string, walk: AsyncIterableIterator<unknown>) =>
        runtime.tracing === false ? walk : tracedWalk(`${module}.${meta.operationId}.${kind}`, { "qualys.module": module, "qualys.operation": meta.operationId, "qualys.paging": spec.style }, walk);
      Object.assign(call, {
        pages: (init?: Record<string, unknown>) => traced("pages", pageIterator(spec, raw, limited(init))),
        items: (init?: Record<string, unknown>) => traced("items", itemIterator(spec, raw, limited(init))),
      });
    }
    out[meta.operationId] = call;
  }
  return out;
}

/** An answer read as text for exact integers, parsed; an empty body is no data, as a 204 is. */
function exactData(text: unknown, operationId: string): unknown {
  if (typeof text !== "string" || text.trim() === "") return undefined;
  try {
    return parseExactJson(text);
  } catch (err) {
    throw new InvalidResponseError(`${operationId} answered with a body that is not the JSON its spec describes (${(err as Error).message.slice(0, 120)})`, operationId, err);
  }
}

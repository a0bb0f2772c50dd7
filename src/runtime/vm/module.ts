/**
 * The runtime behind the generated VM action functions: builds the form (or query, or QPS
 * ServiceRequest), sends it through the client's handler (auth, rate limits, retries), checks
 * that the answer is XML, decodes it as a stream, and follows truncation pages (WARNING 1980 +
 * next URL) and QPS pages (hasMoreRecords / lastId) so the caller sees one iterator over every
 * record.
 */
import { warnDeprecatedOnce } from "../deprecation.js";
import { ConfigurationError } from "../errors/configuration-error.js";
import { HttpError } from "../errors/http-error.js";
import { NetworkError } from "../errors/network-error.js";
import { TimeoutError } from "../errors/timeout-error.js";
import { PagingError } from "../errors/paging-error.js";
import { tracedWalk } from "../observe/tracing.js";
import type { Runtime } from "../runtime.js";
import type { CallContext, DeprecationInfo } from "../types.js";
import { withRecords } from "../paging/progress.js";
import { readAhead, readWhole } from "../transport/index.js";
import { decodeXml, decodeXmlDocument, type DecodeOptions, type XmlDecodeStream } from "../xml/decode.js";
import { charsetOf } from "../xml/encoding.js";
import type { XmlRoot } from "../xml/descriptor.js";
import { encodeForm } from "./form.js";
import { nextQpsPage, nextTruncationPage, pageKey, type PageRequest } from "./paging.js";
import { checkRawBody, rawResult, type RawAs } from "./raw-body.js";
import { xmlBody, type ResponseCheckContext } from "./response-check.js";
import { checkQpsSearch, serviceRequest } from "./service-request.js";
import { pathFor } from "./versions.js";

export interface VmAction {
  readonly function: string;
  readonly path: string;
  readonly method: "get" | "post";
  readonly action?: string;
  readonly kind: "form" | "query" | "qps";
  readonly idempotent: boolean;
  readonly paging: "truncation" | "qps" | "none";
  readonly output: "records" | "document" | "raw";
  readonly descriptor?: string;
  readonly example: string;
  readonly skipAuth?: boolean;
  readonly exemptFromRateLimit?: boolean;
  /** Applies to the documented `path` only; another version of the endpoint is not deprecated by it. */
  readonly deprecated?: DeprecationInfo;
  /** Every API version of this endpoint known to the spec, the documented one included: version → path. */
  readonly versions?: Readonly<Record<string, string>>;
}

export type VmActionTable = Readonly<Record<string, VmAction>>;

export interface VmCallOptions<Version extends string = string> {
  signal?: AbortSignal;
  timeoutMs?: number;
  /** Longest silence inside the answer's body, ms; overrides the client default (300 s); 0 disables it. */
  bodyIdleTimeoutMs?: number;
  /** Extra request headers (e.g. `Prefer: example=…` against the Prism mock). */
  headers?: Record<string, string>;
  /** Told after each page of a paged action: its number and its rest-of-document. */
  onPage?: (page: { readonly number: number; readonly document: unknown }) => void;
  /** Which Qualys API version of the endpoint to call (e.g. "5.0"); default: the client's, else the documented path. */
  apiVersion?: Version;
  /**
   * Decodes each page's checked XML body instead of the built-in decoder — e.g. in a worker
   * thread (`qualys export`) — and yields whatever it yields. Its `document` must settle like
   * decodeXml's: paging reads the WARNING from it.
   */
  decodePage?: PageDecoder;
}

/** A replacement page decoder: same contract as decodeXml. */
export type PageDecoder = (body: ReadableStream<Uint8Array>, root: XmlRoot, options: DecodeOptions) => XmlDecodeStream<unknown, unknown>;

/** Options of actions that return a file (report, scan results, CSV): how to hand it over. */
export interface VmRawCallOptions<Version extends string = string> extends VmCallOptions<Version> {
  /** "response" (default): the checked Response; "text": its text; "stream": its body stream. */
  as?: RawAs;
}

/** Client-wide settings of a VM module. */
export interface VmModuleOptions {
  /** Default API version per action function name (a call's `apiVersion` wins). */
  readonly apiVersions?: Readonly<Record<string, string | undefined>>;
}

/** Every record of every page; iterate once. */
export interface RecordStream<R, D> extends AsyncIterable<R> {
  /** The rest-of-document of each page read so far (DATETIME, WARNING…), in order. */
  readonly pages: readonly D[];
}

export function defineVmModule(
  runtime: Runtime,
  module: string,
  actions: VmActionTable,
  descriptors: Readonly<Record<string, XmlRoot>>,
  moduleOptions: VmModuleOptions = {},
): Record<string, unknown> {
  const base = () => runtime.baseUrl("vm", module).replace(/\/+$/, "");
  const out: Record<string, unknown> = {};
  for (const [name, version] of Object.entries(moduleOptions.apiVersions ?? {})) {
    const meta = actions[name];
    if (!meta) throw new ConfigurationError(`apiVersions names ${name}, which is not a ${module} action`);
    // Fails at set-up, not on the first call, when the version does not exist.
    pathFor(name, meta.path, meta.versions, version);
  }

  for (const meta of Object.values(actions)) {
    const root = meta.descriptor ? descriptors[meta.descriptor] : undefined;
    if (meta.descriptor && !root) throw new ConfigurationError(`no XML descriptor ${meta.descriptor} for ${module}.${meta.function}`);
    const method = meta.method.toUpperCase();

    const send = async (page: PageRequest, options: VmCallOptions, settle?: CallContext["settle"]): Promise<Response> => {
      const headers = new Headers(options.headers);
      if (meta.kind === "qps") headers.set("Content-Type", "text/xml");
      // Decoded answers are XML; raw ones (reports, CSV, JSON scan results) take what comes.
      if (meta.output !== "raw" && !headers.has("Accept")) headers.set("Accept", "application/xml, text/xml");
      const request = new Request(page.url, { method, headers, body: page.body, signal: options.signal });
      const ctx: CallContext = {
        module,
        family: "vm",
        operationId: meta.function,
        idempotent: meta.idempotent,
        timeoutMs: options.timeoutMs ?? runtime.timeoutMs,
        bodyIdleTimeoutMs: options.bodyIdleTimeoutMs,
        signal: options.signal,
        settle,
        skipAuth: meta.skipAuth,
        exemptFromRateLimit: meta.exemptFromRateLimit,
      };
      return runtime.handler(request, ctx);
    };

    /** Validates the parameters and builds the first request; nothing is sent when they are wrong. */
    const firstRequest = (params: unknown, options: VmCallOptions): PageRequest => {
      const path = pathFor(meta.function, meta.path, meta.versions, options.apiVersion ?? moduleOptions.apiVersions?.[meta.function]);
      if (meta.deprecated && path === meta.path) {
        warnDeprecatedOnce(runtime, module, { operationId: meta.function, method: meta.method, path, idempotent: meta.idempotent, deprecated: meta.deprecated });
      }
      const url = new URL(base() + path);
      if (meta.kind === "qps") return { url, body: serviceRequest(checkQpsSearch(params, meta.function)) };
      const form = encodeForm(params, meta.function);
      // Set last: a JS caller's own `action` must not turn a list into a delete.
      if (meta.action) form.set("action", meta.action);
      if (meta.kind === "query") {
        url.search = form.toString();
        return { url, body: undefined };
      }
      return { url, body: form };
    };

    const checkContext = (page: PageRequest): ResponseCheckContext => ({ operation: meta.function, method, url: page.url.href });

    /**
     * Reads a page up to its first record (or its end) inside the retry loop: until a record has
     * reached the caller, a fault in the body of an idempotent action is retried like one before
     * the headers. After that, a retry would repeat records, so the fault is the caller's. Only
     * connection faults and timeouts count here; anything else the look-ahead meets (an error
     * document, HTML) is left for the decode proper, after the auth layer has seen the answer.
     */
    const untilFirstRecord = (response: Response) =>
      readAhead(response, async (chunks) => {
        const records = decodeXml(chunks, root!, { operation: meta.function })[Symbol.asyncIterator]();
        try {
          await records.next();
        } catch (err) {
          if (err instanceof NetworkError || err instanceof TimeoutError) throw err;
        }
      });

    let fn: (params?: unknown, options?: VmCallOptions) => unknown;
    if (meta.output === "raw") {
      fn = async (params, options: VmRawCallOptions = {}) => {
        const page = firstRequest(params, options);
        return rawResult(await checkRawBody(await send(page, options), checkContext(page)), options.as);
      };
    } else if (meta.output === "document") {
      fn = async (params, options = {}) => {
        const page = firstRequest(params, options);
        // Read whole inside the retry loop: a fault in the body is retried like one before the headers.
        const response = await send(page, options, readWhole);
        const document = await decodeXmlDocument(await xmlBody(response, checkContext(page)), root!, {
          httpStatus: response.status,
          operation: meta.function,
          signal: options.signal,
          charset: charsetOf(response.headers.get("content-type")),
        });
        failOnStatus(response, page, meta.function, method);
        return document;
      };
    } else {
      fn = (params, options = {}) => {
        // Bad parameters throw here, at the call, not at the first iteration.
        const first = firstRequest(params, options);
        const search = meta.kind === "qps" ? checkQpsSearch(params, meta.function) : {};
        const pages: unknown[] = [];
        let used = false;
        async function* walk(): AsyncGenerator<unknown> {
          if (used) throw new PagingError(`${meta.function}: a record stream can be read only once; call ${meta.function} again`, { problem: "usage" });
          used = true;
          const seen = new Set<string>();
          let received = 0;
          let page: PageRequest | undefined = first;
          for (let number = 1; page; number++) {
            seen.add(pageKey(page));
            const response = await send(page, options, untilFirstRecord);
            const body = await xmlBody(response, checkContext(page));
            const stream = (options.decodePage ?? decodeXml)(body, root!, {
              httpStatus: response.status,
              operation: meta.function,
              signal: options.signal,
              charset: charsetOf(response.headers.get("content-type")),
            });
            try {
              for await (const record of stream) {
                received++;
                yield record;
              }
            } catch (err) {
              throw withRecords(err, received);
            }
            const document: unknown = await stream.document;
            failOnStatus(response, page, meta.function, method);
            pages.push(document);
            options.onPage?.({ number, document });
            const at = { operation: meta.function, page: number, received };
            page =
              meta.paging === "truncation"
                ? nextTruncationPage(document, root!, page, meta.method, at)
                : meta.paging === "qps"
                  ? nextQpsPage(document, root!, page, search, at)
                  : undefined;
            if (page && seen.has(pageKey(page))) {
              throw new PagingError(`${meta.function}: the next-page request repeats one already made; stopping instead of looping`, { problem: "stalled", page: number, received });
            }
          }
        }
        return {
          pages,
          // One parent span per walk: the calls for its pages become its children.
          [Symbol.asyncIterator]: () =>
            runtime.tracing === false ? walk() : tracedWalk(`${module}.${meta.function}.records`, { "qualys.module": module, "qualys.operation": meta.function, "qualys.paging": meta.paging ?? "none" }, walk()),
        };
      };
    }
    out[meta.function] = redacting(fn, runtime);
  }
  return out;
}

/**
 * The action with its errors scrubbed of the client's secrets: thrown at the call, rejected by a
 * promise, or thrown while a record stream is read.
 */
function redacting(fn: (params?: unknown, options?: VmCallOptions) => unknown, runtime: Runtime) {
  const redact = runtime.redact;
  if (!redact) return fn;
  return (params?: unknown, options?: VmCallOptions) => {
    let result: unknown;
    try {
      result = fn(params, options);
    } catch (err) {
      throw redact(err);
    }
    if (result instanceof Promise) {
      return result.catch((err: unknown) => {
        throw redact(err);
      });
    }
    const stream = result as RecordStream<unknown, unknown>;
    return {
      get pages() {
        return stream.pages;
      },
      async *[Symbol.asyncIterator]() {
        try {
          yield* stream;
        } catch (err) {
          throw redact(err);
        }
      },
    };
  };
}

/** A failure status whose XML held no Qualys error code is still a failure. */
function failOnStatus(response: Response, page: PageRequest, operation: string, method: string): void {
  if (response.ok) return;
  throw new HttpError({ status: response.status, statusText: response.statusText, method, url: page.url.href, operationId: operation, bodyText: "" });
}

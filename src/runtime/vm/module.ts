/**
 * The runtime behind the generated VM action functions: builds the form (or query, or QPS
 * ServiceRequest), sends it through the client's handler (auth, rate limits, retries), checks
 * that the answer is XML, decodes it as a stream, and follows truncation pages (WARNING 1980 +
 * next URL) and QPS pages (hasMoreRecords / lastId) so the caller sees one iterator over every
 * record.
 */
import { warnOlderVersionOnce } from "../deprecation.js";
import { ConfigurationError } from "../errors/configuration-error.js";
import { HttpError } from "../errors/http-error.js";
import { NetworkError } from "../errors/network-error.js";
import { TimeoutError } from "../errors/timeout-error.js";
import { PagingError } from "../errors/paging-error.js";
import { tracedWalk } from "../observe/tracing.js";
import type { Runtime } from "../runtime.js";
import type { CallContext } from "../types.js";
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
import { checkVersionRefusal, versionRefusalOf, type RefusalContext } from "./version-refusal.js";
import { chooseVersion, type ChosenVersion, type VmVersion } from "./versions.js";

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
  /** The current API version (the one `path` is on), when the spec gives the action a version history. */
  readonly version?: string;
  /** Every API version of this action known to the spec, the current one included: version → path and dates. */
  readonly versions?: Readonly<Record<string, VmVersion>>;
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
  /** Which Qualys API version of the endpoint to call (e.g. "2.0"); default: the client's, else the current one. */
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
    chooseVersion(meta, version);
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

    /** The API version a call goes to (an unknown one throws); an older one is told once per process. */
    const versionFor = (options: VmCallOptions): ChosenVersion => {
      const chosen = chooseVersion(meta, options.apiVersion ?? moduleOptions.apiVersions?.[meta.function]);
      if (!chosen.current && chosen.version && meta.version) warnOlderVersionOnce(runtime, module, meta.function, { version: chosen.version, ...chosen.info! }, meta.version);
      return chosen;
    };

    /** Validates the parameters and builds the first request; nothing is sent when they are wrong. */
    const firstRequest = (params: unknown, options: VmCallOptions, chosen: ChosenVersion): PageRequest => {
      const url = new URL(base() + chosen.path);
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

    const checkContext = (page: PageRequest): ResponseCheckContext => ({ operation: meta.function, method, url: page.url.href, redact: runtime.redactText });
    const refusalContext = (page: PageRequest, chosen: ChosenVersion): RefusalContext => ({ meta, chosen, method, url: page.url.href, redact: runtime.redactText });
    /** On a versioned action, a refusal of the version becomes an ApiVersionError; other answers pass. */
    const versionChecked = (response: Response, page: PageRequest, chosen: ChosenVersion) => (meta.versions ? checkVersionRefusal(response, refusalContext(page, chosen)) : response);
    const asVersionError = (err: unknown, page: PageRequest, chosen: ChosenVersion) => (meta.versions ? versionRefusalOf(err, refusalContext(page, chosen)) : err);

    /**
     * Reads a page up to its first record (or its end) inside the retry loop: until a record has
     * reached the caller, a fault in the body of an idempotent action is retried like one before
     * the headers. After that, a retry would repeat records, so the fault is the caller's. Only
     * connection faults and timeouts count here; anything else the look-ahead meets (an error
     * document, HTML) is left for the decode proper, after the auth layer has seen the answer.
     */
    const untilFirstRecord = (response: Response) =>
      readAhead(response, async (chunks) => {
        // A look-ahead: the decode proper reports the answer's warnings.
        const records = decodeXml(chunks, root!, { operation: meta.function, onWarning: () => {} })[Symbol.asyncIterator]();
        try {
          await records.next();
        } catch (err) {
          if (err instanceof NetworkError || err instanceof TimeoutError) throw err;
        }
      });

    let fn: (params?: unknown, options?: VmCallOptions) => unknown;
    if (meta.output === "raw") {
      fn = async (params, options: VmRawCallOptions = {}) => {
        const chosen = versionFor(options);
        const page = firstRequest(params, options, chosen);
        try {
          return rawResult(await checkRawBody(await versionChecked(await send(page, options), page, chosen), checkContext(page)), options.as);
        } catch (err) {
          throw asVersionError(err, page, chosen);
        }
      };
    } else if (meta.output === "document") {
      fn = async (params, options = {}) => {
        const chosen = versionFor(options);
        const page = firstRequest(params, options, chosen);
        try {
          // Read whole inside the retry loop: a fault in the body is retried like one before the headers.
          const response = await versionChecked(await send(page, options, readWhole), page, chosen);
          const document = await decodeXmlDocument(await xmlBody(response, checkContext(page)), root!, {
            httpStatus: response.status,
            operation: meta.function,
            signal: options.signal,
            charset: charsetOf(response.headers.get("content-type")),
            redact: runtime.redactText,
          });
          failOnStatus(response, page, meta.function, method);
          return document;
        } catch (err) {
          throw asVersionError(err, page, chosen);
        }
      };
    } else {
      fn = (params, options = {}) => {
        // Bad parameters (and an unknown version) throw here, at the call, not at the first iteration.
        const chosen = versionFor(options);
        const first = firstRequest(params, options, chosen);
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
            const current: PageRequest = page;
            let stream: XmlDecodeStream<unknown, unknown>;
            let response: Response;
            try {
              response = await versionChecked(await send(page, options, untilFirstRecord), page, chosen);
              const body = await xmlBody(response, checkContext(page));
              stream = (options.decodePage ?? decodeXml)(body, root!, {
                httpStatus: response.status,
                operation: meta.function,
                signal: options.signal,
                charset: charsetOf(response.headers.get("content-type")),
                redact: runtime.redactText,
                redactForms: runtime.redactForms,
              });
            } catch (err) {
              throw withRecords(asVersionError(err, current, chosen), received);
            }
            try {
              for await (const record of stream) {
                received++;
                yield record;
              }
            } catch (err) {
              throw withRecords(asVersionError(err, current, chosen), received);
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

/**
 * The runtime behind the generated VM action functions: builds the form (or query, or QPS
 * ServiceRequest), sends it through the client's handler (auth, rate limits, retries), decodes
 * the XML as a stream, and follows truncation pages (WARNING 1980 + next URL) and QPS pages
 * (hasMoreRecords / lastId) so the caller sees one iterator over every record.
 */
import { warnDeprecatedOnce } from "../deprecation.js";
import { ConfigurationError } from "../errors/configuration-error.js";
import { PagingError } from "../errors/paging-error.js";
import type { Runtime } from "../runtime.js";
import type { CallContext, DeprecationInfo } from "../types.js";
import { decodeXml, decodeXmlDocument } from "../xml/decode.js";
import type { XmlRoot } from "../xml/descriptor.js";
import { encodeForm, type FormValue } from "./form.js";
import { checkRawBody } from "./raw-body.js";
import { serviceRequest, type QpsSearch } from "./service-request.js";

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
  readonly deprecated?: DeprecationInfo;
}

export type VmActionTable = Readonly<Record<string, VmAction>>;

export interface VmCallOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
  /** Extra request headers (e.g. `Prefer: example=…` against the Prism mock). */
  headers?: Record<string, string>;
  /** Told after each page of a paged action: its number and its rest-of-document. */
  onPage?: (page: { readonly number: number; readonly document: unknown }) => void;
}

/** Every record of every page; iterate once. */
export interface RecordStream<R, D> extends AsyncIterable<R> {
  /** The rest-of-document of each page read so far (DATETIME, WARNING…), in order. */
  readonly pages: readonly D[];
}

type Params = Record<string, FormValue> | QpsSearch | undefined;

export function defineVmModule(
  runtime: Runtime,
  module: string,
  actions: VmActionTable,
  descriptors: Readonly<Record<string, XmlRoot>>,
): Record<string, unknown> {
  const base = () => runtime.baseUrl("vm", module).replace(/\/+$/, "");
  const out: Record<string, unknown> = {};

  for (const meta of Object.values(actions)) {
    const root = meta.descriptor ? descriptors[meta.descriptor] : undefined;
    if (meta.descriptor && !root) throw new ConfigurationError(`no XML descriptor ${meta.descriptor} for ${module}.${meta.function}`);

    const send = async (url: URL, body: string | URLSearchParams | undefined, options: VmCallOptions): Promise<Response> => {
      if (meta.deprecated) warnDeprecatedOnce(runtime, module, { operationId: meta.function, method: meta.method, path: meta.path, idempotent: meta.idempotent, deprecated: meta.deprecated });
      const headers = new Headers(options.headers);
      if (meta.kind === "qps") headers.set("Content-Type", "text/xml");
      // Decoded answers are XML; raw ones (reports, CSV, JSON scan results) take what comes.
      if (meta.output !== "raw" && !headers.has("Accept")) headers.set("Accept", "application/xml, text/xml");
      const request = new Request(url, { method: meta.method.toUpperCase(), headers, body, signal: options.signal });
      const ctx: CallContext = {
        module,
        family: "vm",
        operationId: meta.function,
        idempotent: meta.idempotent,
        timeoutMs: options.timeoutMs ?? runtime.timeoutMs,
        signal: options.signal,
        skipAuth: meta.skipAuth,
        exemptFromRateLimit: meta.exemptFromRateLimit,
      };
      return runtime.handler(request, ctx);
    };

    const firstRequest = (params: Params): { url: URL; body: string | URLSearchParams | undefined } => {
      const url = new URL(base() + meta.path);
      if (meta.kind === "qps") return { url, body: serviceRequest((params ?? {}) as QpsSearch) };
      const form = encodeForm({ ...(params as Record<string, FormValue>), ...(meta.action ? { action: meta.action } : {}) });
      if (meta.kind === "query") {
        url.search = form.toString();
        return { url, body: undefined };
      }
      return { url, body: form };
    };

    let fn: (params?: Params, options?: VmCallOptions) => unknown;
    if (meta.output === "raw") {
      fn = async (params, options = {}) => {
        const { url, body } = firstRequest(params);
        return checkRawBody(await send(url, body, options), meta.function);
      };
    } else if (meta.output === "document") {
      fn = async (params, options = {}) => {
        const { url, body } = firstRequest(params);
        const response = await send(url, body, options);
        return decodeXmlDocument(response.body ?? [], root!, { httpStatus: response.status, operation: meta.function });
      };
    } else {
      fn = (params, options = {}) => {
        const pages: unknown[] = [];
        return {
          pages,
          async *[Symbol.asyncIterator]() {
            let next: { url: URL; body: string | URLSearchParams | undefined } | undefined = firstRequest(params);
            for (let number = 1; next; number++) {
              const response = await send(next.url, next.body, options);
              const stream = decodeXml(response.body ?? [], root!, { httpStatus: response.status, operation: meta.function });
              yield* stream;
              const document = await stream.document;
              pages.push(document);
              options.onPage?.({ number, document });
              next = nextPage(meta, document, next, params, base());
            }
          },
        };
      };
    }
    out[meta.function] = fn;
  }
  return out;
}

/** The request for the page after `document`, or undefined on the last page. */
function nextPage(
  meta: VmAction,
  document: unknown,
  current: { url: URL; body: string | URLSearchParams | undefined },
  params: Params,
  baseUrl: string,
): { url: URL; body: string | URLSearchParams | undefined } | undefined {
  if (meta.paging === "truncation") {
    const warning = findWarning(document);
    if (!warning || warning.code !== "1980") return undefined;
    if (!warning.url) throw new PagingError(`${meta.function}: a truncation WARNING (1980) came without a next-page URL`);
    let next: URL;
    try {
      next = new URL(warning.url);
    } catch {
      throw new PagingError(`${meta.function}: the next-page URL is not a URL: ${warning.url.slice(0, 200)}`);
    }
    const ours = new URL(baseUrl);
    // The URL comes from the response body: never send credentials to a host we were not set up for.
    if (next.host !== ours.host) {
      throw new PagingError(`${meta.function}: the next-page URL points at ${next.host}, not the configured ${ours.host}; refusing to follow it`);
    }
    // Qualys hands back a GET URL; its query becomes the next POST form (URL-length limits).
    const url = new URL(next.pathname, ours.origin);
    if (meta.method === "get") {
      url.search = next.search;
      return { url, body: undefined };
    }
    if (String(current.body ?? "") === next.searchParams.toString()) {
      throw new PagingError(`${meta.function}: the next-page URL repeats the current request; stopping instead of looping`);
    }
    return { url, body: next.searchParams };
  }
  if (meta.paging === "qps") {
    const doc = document as { hasMoreRecords?: boolean; lastId?: number };
    if (!doc.hasMoreRecords) return undefined;
    if (typeof doc.lastId !== "number") throw new PagingError(`${meta.function}: hasMoreRecords is true but lastId is missing`);
    return { url: current.url, body: serviceRequest((params ?? {}) as QpsSearch, doc.lastId) };
  }
  return undefined;
}

function findWarning(document: unknown): { code?: string; url?: string } | undefined {
  const doc = document as { response?: { warning?: { code?: string; url?: string } }; warning?: { code?: string; url?: string } };
  return doc?.response?.warning ?? doc?.warning;
}

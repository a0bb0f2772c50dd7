/**
 * The request for the next page of a paged VM action. Truncation pages (v2 "fo"): the RESPONSE
 * ends with WARNING CODE 1980 and a GET URL for the next page. QPS pages: hasMoreRecords and
 * lastId, continued with an `id GREATER lastId` criterion.
 */
import { PagingError } from "../errors/paging-error.js";
import { serviceRequest, type QpsSearch } from "./service-request.js";

export interface PageRequest {
  readonly url: URL;
  readonly body: string | URLSearchParams | undefined;
}

interface Warning {
  readonly code?: string;
  readonly url?: string;
}

function findWarning(document: unknown): Warning | undefined {
  const doc = document as { response?: { warning?: Warning }; warning?: Warning } | undefined;
  return doc?.response?.warning ?? doc?.warning;
}

/**
 * The page after `document`, or undefined on the last page. The URL comes from the response
 * body, so only its query is used: it is sent to the path of the current request on our own
 * configured host (the API version the caller chose stays chosen), and a URL naming another
 * host is refused — following it would send our credentials there.
 */
export function nextTruncationPage(operation: string, document: unknown, current: PageRequest, method: "get" | "post"): PageRequest | undefined {
  const warning = findWarning(document);
  if (!warning || warning.code !== "1980") return undefined;
  if (!warning.url) throw new PagingError(`${operation}: a truncation WARNING (1980) came without a next-page URL`);
  let next: URL;
  try {
    next = new URL(warning.url);
  } catch {
    throw new PagingError(`${operation}: the next-page URL is not a URL: ${warning.url.slice(0, 200)}`);
  }
  if (next.host !== current.url.host) {
    throw new PagingError(`${operation}: the next-page URL points at ${next.host}, not the configured ${current.url.host}; refusing to follow it`);
  }
  const url = new URL(current.url.href);
  url.search = "";
  if (method === "get") {
    url.search = next.search;
    return { url, body: undefined };
  }
  // Qualys hands back a GET URL; its query becomes the next POST form (URL-length limits).
  return { url, body: next.searchParams };
}

export function nextQpsPage(operation: string, document: unknown, current: PageRequest, search: QpsSearch): PageRequest | undefined {
  const doc = document as { hasMoreRecords?: boolean; lastId?: number } | undefined;
  if (!doc?.hasMoreRecords) return undefined;
  if (typeof doc.lastId !== "number") throw new PagingError(`${operation}: hasMoreRecords is true but lastId is missing`);
  return { url: current.url, body: serviceRequest(search, doc.lastId) };
}

/**
 * Identity of a page request, to stop when Qualys points back at a page already read. Parameter
 * order does not count: our first form and Qualys's next-page URL list the same ones differently.
 */
export function pageKey(request: PageRequest): string {
  const sorted = (params: URLSearchParams) => {
    const copy = new URLSearchParams(params);
    copy.sort();
    return copy.toString();
  };
  const body = request.body instanceof URLSearchParams ? sorted(request.body) : String(request.body ?? "");
  return `${request.url.pathname}?${sorted(request.url.searchParams)}\n${body}`;
}

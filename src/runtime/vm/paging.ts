/**
 * The request for the next page of a paged VM action. Truncation pages (v2 "fo"): the RESPONSE
 * ends with WARNING CODE 1980 and a GET URL for the next page. QPS pages: hasMoreRecords and
 * lastId, continued with an `id GREATER lastId` criterion. The signals are read by element name
 * through the descriptor (src/runtime/xml/paging.ts), whatever the spec named the fields.
 */
import { PagingError } from "../errors/paging-error.js";
import type { XmlRoot } from "../xml/descriptor.js";
import { qpsPagingOf, truncationWarningOf } from "../xml/paging.js";
import { serviceRequest, type QpsSearch } from "./service-request.js";

export interface PageRequest {
  readonly url: URL;
  readonly body: string | URLSearchParams | undefined;
}

/** Where the walk is, for the errors: the page just read and the records yielded so far. */
export interface PagePosition {
  readonly operation: string;
  readonly page: number;
  readonly received: number;
}

/**
 * The page after `document`, or undefined on the last page. The URL comes from the response
 * body, so only its query is used: it is sent to the path of the current request on our own
 * configured host (the API version the caller chose stays chosen), and a URL naming another
 * host is refused — following it would send our credentials there.
 */
export function nextTruncationPage(document: unknown, root: XmlRoot, current: PageRequest, method: "get" | "post", at: PagePosition): PageRequest | undefined {
  const warning = truncationWarningOf(document, root);
  if (warning?.code !== "1980") return undefined;
  const details = { page: at.page, received: at.received };
  if (!warning.url) throw new PagingError(`${at.operation}: a truncation WARNING (1980) came without a next-page URL`, { problem: "bad-page", ...details });
  let next: URL;
  try {
    next = new URL(warning.url);
  } catch {
    throw new PagingError(`${at.operation}: the next-page URL is not a URL: ${warning.url.slice(0, 200)}`, { problem: "bad-page", ...details });
  }
  if (next.host !== current.url.host) {
    throw new PagingError(`${at.operation}: the next-page URL points at ${next.host}, not the configured ${current.url.host}; refusing to follow it`, {
      problem: "other",
      ...details,
    });
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

export function nextQpsPage(document: unknown, root: XmlRoot, current: PageRequest, search: QpsSearch, at: PagePosition): PageRequest | undefined {
  const paging = qpsPagingOf(document, root);
  if (!paging.hasMoreRecords) return undefined;
  if (paging.lastId === undefined) {
    throw new PagingError(`${at.operation}: hasMoreRecords is true but lastId is missing`, { problem: "bad-page", page: at.page, received: at.received });
  }
  return { url: current.url, body: serviceRequest(search, paging.lastId) };
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

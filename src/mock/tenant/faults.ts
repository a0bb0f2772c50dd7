import type { ServerResponse } from "node:http";

/**
 * Faults a test can inject into chosen calls: an HTTP error page (the 503 HTML a load balancer
 * sends), a connection reset (before the answer or after N records of it), or a stall (the
 * answer stops for a while, or until the client gives up, after N records).
 */

export interface FaultCall {
  /** API path, e.g. `/api/5.0/fo/asset/host/vm/detection/`. */
  readonly path: string;
  /** Query and form parameters together. */
  readonly params: URLSearchParams;
  /** The request body of a gateway or WAS JSON call (PCRS posture names its hosts there); the VM API's form fields are in `params`. */
  readonly body?: string;
  /** 1-based: the nth admitted call of this path, and of all paths. */
  readonly nth: number;
  readonly nthOverall: number;
}

export type Fault =
  /** An error page instead of the answer. Default 503 with an HTML body. */
  | { readonly kind: "status"; readonly status?: number; readonly body?: string; readonly contentType?: string }
  /** The connection drops: before the answer (no afterRecords), or after that many records of it. */
  | { readonly kind: "reset"; readonly afterRecords?: number }
  /** After that many records (default 0: right after the headers), nothing more for `ms` (default: until the client closes). */
  | { readonly kind: "stall"; readonly afterRecords?: number; readonly ms?: number }
  /** Not a fault: the admitted call waits (holding its concurrency slot) until `until` settles, then is answered as usual. */
  | { readonly kind: "hold"; readonly until: Promise<unknown> }
  /**
   * The connection is fine, the text is not: each record of the answer goes out as the bytes
   * `encode` makes of it (text stored in another encoding, bytes not valid UTF-8) under the
   * answer's usual UTF-8 charset.
   */
  | { readonly kind: "encode"; readonly encode: (record: string) => Uint8Array };

/** Decides, per admitted call, whether it fails and how. */
export type FaultPlan = (call: FaultCall) => Fault | undefined | null | false;

export const SERVICE_UNAVAILABLE_HTML =
  "<!DOCTYPE HTML PUBLIC \"-//IETF//DTD HTML 2.0//EN\">\n<html><head>\n<title>503 Service Unavailable</title>\n</head><body>\n<h1>Service Unavailable</h1>\n<p>The server is temporarily unable to service your\nrequest due to maintenance downtime or capacity\nproblems. Please try again later.</p>\n</body></html>\n";

/** A plan failing the nth calls of a path (every path when omitted) with `fault`. */
export function failCalls(fault: Fault, nth: readonly number[], path?: string): FaultPlan {
  const wanted = new Set(nth);
  return (call) => (path === undefined || call.path === path) && wanted.has(path === undefined ? call.nthOverall : call.nth) && fault;
}

/** Carries out a fault that replaces the whole answer (an error page, a reset before it); true when the answer is done. */
export function answerEarlyFault(fault: Fault | undefined, res: ServerResponse, headers: Readonly<Record<string, string>>): boolean {
  if (fault?.kind === "status") {
    res.writeHead(fault.status ?? 503, { "Content-Type": fault.contentType ?? "text/html", ...headers });
    res.end(fault.body ?? SERVICE_UNAVAILABLE_HTML);
    return true;
  }
  if (fault?.kind === "reset" && fault.afterRecords === undefined) {
    res.destroy();
    return true;
  }
  return false;
}

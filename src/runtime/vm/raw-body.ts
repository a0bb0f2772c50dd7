/**
 * Some actions return a file, not an XML answer (report fetch: PDF/CSV/XML/HTML; scan fetch: JSON
 * or CSV; the activity log: CSV; policy export: the policy's XML). Qualys still answers failures —
 * even "report not ready" (7001, HTTP 200) — with a small SIMPLE_RETURN, so the first bytes are
 * checked before the body is handed over, untouched. An HTML report is a legitimate answer here,
 * so HTML is only an error under a failure status.
 */
import { HttpError } from "../errors/http-error.js";
import { SECRET_MARGIN } from "../redact/cut.js";
import { decodeXmlDocument } from "../xml/decode.js";
import { SIMPLE_RETURN } from "../xml/builtin.js";
import { peekBody, rootTagSeen } from "./peek.js";
import type { ResponseCheckContext } from "./response-check.js";

const PEEK = 4096;
const ERROR_TEXT = 2000;
const SIMPLE_RETURN_MAX = 1024 * 1024;

/** How a raw answer is handed over: the Response itself, its text, or its body stream. */
export type RawAs = "response" | "text" | "stream";

export async function checkRawBody(response: Response, call: ResponseCheckContext): Promise<Response> {
  const peeked = await peekBody(response, PEEK, rootTagSeen);
  if (rootIsSimpleReturn(peeked.head)) {
    // Small by nature; throws QualysApiError when it has a CODE, else it is handed over as it came.
    const text = await peeked.text(SIMPLE_RETURN_MAX);
    await decodeXmlDocument([text], SIMPLE_RETURN, { httpStatus: response.status, operation: call.operation, redact: call.redact });
    if (!response.ok) throw new HttpError({ status: response.status, statusText: response.statusText, method: call.method, url: call.url, operationId: call.operation, bodyText: text, redact: call.redact });
    return new Response(text, { status: response.status, statusText: response.statusText, headers: response.headers });
  }
  if (!response.ok) {
    // Read past the kept slice, so a secret it cuts through is redacted whole.
    const text = await peeked.text(ERROR_TEXT + SECRET_MARGIN);
    throw new HttpError({ status: response.status, statusText: response.statusText, method: call.method, url: call.url, operationId: call.operation, bodyText: text, redact: call.redact });
  }
  return new Response(peeked.body, { status: response.status, statusText: response.statusText, headers: response.headers });
}

/** The first element after the XML declaration, DOCTYPE and comments is SIMPLE_RETURN. */
function rootIsSimpleReturn(head: string): boolean {
  const rest = head.replace(/^\uFEFF?(\s+|<\?[\s\S]*?\?>|<!DOCTYPE[^>]*>|<!--[\s\S]*?-->)*/, "");
  return /^<SIMPLE_RETURN[\s>]/.test(rest);
}

export async function rawResult(response: Response, as: RawAs | undefined): Promise<Response | string | ReadableStream<Uint8Array>> {
  if (as === "text") return response.text();
  if (as === "stream") return response.body ?? new ReadableStream<Uint8Array>({ start: (c) => c.close() });
  return response;
}

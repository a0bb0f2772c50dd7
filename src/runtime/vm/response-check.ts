/**
 * What a VM answer is, before decoding. Qualys puts its own errors in XML (SIMPLE_RETURN, QPS
 * ServiceResponse), under any HTTP status, and the decoder raises those as QualysApiError. What
 * is not XML came from something else on the way (a proxy's or load balancer's page, an empty
 * 503): that is an HttpError with its status when the status says failure, and an
 * InvalidResponseError when a success status carries it — the same errors gateway calls raise.
 */
import { HttpError } from "../errors/http-error.js";
import { InvalidResponseError } from "../errors/invalid-response-error.js";
import { SECRET_MARGIN } from "../redact/cut.js";
import { looksLikeHtml, looksLikeMarkup, peekBody } from "./peek.js";

/** Enough bytes to get past an XML declaration, a DOCTYPE and leading comments. */
const HEAD_BYTES = 1024;
/** How much of an error page is kept on the error. */
const ERROR_TEXT = 2000;

export interface ResponseCheckContext {
  readonly operation: string;
  readonly method: string;
  readonly url: string;
  /** The client's redactor: what the error quotes of the body is redacted before it is cut. */
  readonly redact?: (text: string) => string;
}

/** The body to decode as XML, or a thrown error when it is not a Qualys XML document. */
export async function xmlBody(response: Response, call: ResponseCheckContext): Promise<ReadableStream<Uint8Array>> {
  const peeked = await peekBody(response, HEAD_BYTES);
  // The body decides; a text/html label only condemns a body that does not even start like markup.
  const labelledHtml = /html/i.test(response.headers.get("content-type") ?? "");
  const html = looksLikeHtml(peeked.head) || (labelledHtml && !looksLikeMarkup(peeked.head));
  if (html || (!response.ok && !looksLikeMarkup(peeked.head))) {
    // Read past the kept slice, so a secret it cuts through is redacted whole.
    const read = await peeked.text(ERROR_TEXT + SECRET_MARGIN);
    const text = call.redact ? call.redact(read) : read;
    if (!response.ok) {
      throw new HttpError({ status: response.status, statusText: response.statusText, method: call.method, url: call.url, operationId: call.operation, bodyText: text });
    }
    throw new InvalidResponseError(
      `${call.operation}: Qualys answered HTTP ${response.status} with an HTML page, not XML (a proxy, maintenance or login page?)${title(text)}`,
      call.operation,
      undefined,
    );
  }
  return peeked.body;
}

function title(html: string): string {
  const t = /<title[^>]*>([^<]{1,120})/i.exec(html)?.[1]?.trim();
  return t ? `: "${t}"` : "";
}

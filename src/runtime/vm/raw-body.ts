/**
 * Some actions return a file, not an XML answer (report fetch: PDF/CSV/XML; scan fetch: JSON or
 * CSV; the activity log: CSV). Qualys still answers failures — even "report not ready" (7001,
 * HTTP 200) — with a small SIMPLE_RETURN, so the first bytes are checked before the body is
 * handed over, untouched.
 */
import { decodeXmlDocument } from "../xml/decode.js";
import { SIMPLE_RETURN } from "../xml/builtin.js";

const PEEK = 4096;

export async function checkRawBody(response: Response, operation: string): Promise<Response> {
  if (!response.body) return response;
  const reader = response.body.getReader();
  const head: Uint8Array[] = [];
  let size = 0;
  let done = false;
  while (size < PEEK) {
    const next = await reader.read();
    if (next.done) {
      done = true;
      break;
    }
    head.push(next.value);
    size += next.value.length;
  }
  const start = new TextDecoder().decode(head.length === 1 ? head[0] : Buffer.concat(head)).slice(0, PEEK);
  if (/<SIMPLE_RETURN[\s>]/.test(start) || !response.ok) {
    const all = [...head];
    while (!done) {
      const next = await reader.read();
      if (next.done) break;
      all.push(next.value);
    }
    // Throws QualysApiError for a CODE, XmlParseError for a non-XML error page.
    await decodeXmlDocument(all, SIMPLE_RETURN, { httpStatus: response.status, operation });
    return new Response(Buffer.concat(all), { status: response.status, statusText: response.statusText, headers: response.headers });
  }
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of head) controller.enqueue(chunk);
      if (done) controller.close();
    },
    async pull(controller) {
      const next = await reader.read();
      if (next.done) controller.close();
      else controller.enqueue(next.value);
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
  return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
}

/**
 * Qualys refuses some VM calls for the account's sake under HTTP 200: an expired account answers
 * any call with a SIMPLE_RETURN CODE 2001 (j1_simple_return_2001_account_expired.xml came from a
 * plain activity-log list). With Basic auth there is no login to catch that, so the auth layer
 * looks at the head of each XML answer: an account code (20xx) becomes an AuthenticationError,
 * anything else is handed on unchanged, the bytes read so far included.
 */
import { isAccountCode, readSimpleReturn, type SimpleReturn } from "./simple-return.js";

/** Enough for an XML declaration, a DOCTYPE and leading comments before the root element. */
const HEAD_BYTES = 2048;
/** A SIMPLE_RETURN is small; with echo_request its REQUEST part comes first, so allow some room. */
const SIMPLE_RETURN_BYTES = 64 * 1024;

export interface Checked {
  /** The answer to hand on (a new Response over the same bytes when the head was read). */
  readonly response: Response;
  /** Set when the answer is a SIMPLE_RETURN with an account code (its body was consumed). */
  readonly refusal?: SimpleReturn;
}

export async function checkAccountRefusal(response: Response): Promise<Checked> {
  const type = response.headers.get("content-type");
  // Raw report outputs (CSV, PDF…) and empty bodies cannot be a SIMPLE_RETURN.
  if (!response.body || (type !== null && !/xml/i.test(type))) return { response };
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  const decoder = new TextDecoder();
  let text = "";
  let done = false;
  const more = async (): Promise<void> => {
    const next = await reader.read();
    if (next.done) {
      done = true;
      text += decoder.decode();
      return;
    }
    chunks.push(next.value);
    text += decoder.decode(next.value, { stream: true });
  };
  try {
    let root = rootElement(text);
    while (root === undefined && !done && text.length < HEAD_BYTES) {
      await more();
      root = rootElement(text);
    }
    if (root === "SIMPLE_RETURN") {
      while (!done && text.length < SIMPLE_RETURN_BYTES && !/<\/RESPONSE>|<\/SIMPLE_RETURN>/.test(text)) await more();
      const answer = readSimpleReturn(text);
      if (isAccountCode(answer?.code)) {
        await reader.cancel().catch(() => {});
        return { response, refusal: answer };
      }
    }
  } catch (err) {
    // A body that breaks off in its first bytes: let the reader of the answer meet the same fault.
    return { response: rebuilt(response, chunks, reader, false, err) };
  }
  return { response: rebuilt(response, chunks, reader, done) };
}

/**
 * The name of the first element, skipping the XML declaration, DOCTYPE, comments and
 * processing instructions; undefined while more bytes are needed, null when the body does not
 * start like XML.
 */
export function rootElement(text: string): string | null | undefined {
  let i = 0;
  for (;;) {
    while (i < text.length && (text[i] === "\uFEFF" || /\s/.test(text[i]!))) i++;
    if (i >= text.length) return undefined;
    if (text[i] !== "<") return null;
    if (text.startsWith("<?", i) || text.startsWith("<!--", i)) {
      const close = text.startsWith("<?", i) ? "?>" : "-->";
      const end = text.indexOf(close, i + 2);
      if (end === -1) return undefined;
      i = end + close.length;
      continue;
    }
    if (text.startsWith("<!", i)) {
      const gt = text.indexOf(">", i);
      const bracket = text.indexOf("[", i);
      const end = bracket !== -1 && (gt === -1 || bracket < gt) ? text.indexOf("]>", bracket) + 1 : gt;
      if (end <= 0) return undefined;
      i = end + 1;
      continue;
    }
    const name = /^<([A-Za-z_][\w.:-]*)[\s/>]/.exec(text.slice(i, i + 200));
    if (name) return name[1]!;
    return text.length - i < 200 ? undefined : null;
  }
}

function rebuilt(
  original: Response,
  chunks: Uint8Array[],
  reader: ReadableStreamDefaultReader<Uint8Array>,
  done: boolean,
  fault?: unknown,
): Response {
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk);
      if (done && fault === undefined) controller.close();
    },
    async pull(controller) {
      // The bytes that did arrive go first, then the fault, as the original body would have.
      if (fault !== undefined) return controller.error(fault);
      const next = await reader.read();
      if (next.done) controller.close();
      else controller.enqueue(next.value);
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
  const copy = new Response(body, { status: original.status, statusText: original.statusText, headers: original.headers });
  // Callers name the answer's URL in errors and paging checks; a constructed Response has none.
  Object.defineProperty(copy, "url", { value: original.url });
  return copy;
}

/**
 * Looks at the first bytes of a response body without losing them: the VM runtime decides from
 * them whether a body is an answer, a Qualys error document or someone's HTML page, then hands the
 * whole body on as one stream.
 */
export interface PeekedBody {
  /** The first bytes as text (at least `bytes` of them unless the body is shorter). */
  readonly head: string;
  /** The whole body, the peeked bytes included; read it once. */
  readonly body: ReadableStream<Uint8Array>;
  /** The whole body as text, at most `limit` characters (for error messages). */
  text(limit: number): Promise<string>;
}

/**
 * Reads until `decided(head)` says the head is enough, or `bytes` have come, or the body ends. It
 * must not wait for more than it needs: a streaming answer may send its first record and pause.
 */
export async function peekBody(response: Response, bytes: number, decided: (head: string) => boolean = firstTagSeen): Promise<PeekedBody> {
  const reader = response.body?.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  let done = !reader;
  // A body that breaks off while peeking is not an error yet: the bytes before the fault may
  // hold whole records, so the fault is delivered after them, where the reader would meet it.
  let failure: { error: unknown } | undefined;
  const text = new TextDecoder();
  let seen = "";
  while (reader && size < bytes && !decided(seen)) {
    let next: ReadableStreamReadResult<Uint8Array>;
    try {
      next = await reader.read();
    } catch (error) {
      failure = { error };
      break;
    }
    if (next.done) {
      done = true;
      break;
    }
    chunks.push(next.value);
    size += next.value.length;
    seen += text.decode(next.value, { stream: true });
  }
  const head = seen;
  let handed = false;
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk);
      if (done) controller.close();
    },
    async pull(controller) {
      // Reached only once the peeked chunks have been read (they fill the queue until then).
      if (failure) return controller.error(failure.error);
      const next = await reader!.read();
      if (next.done) controller.close();
      else controller.enqueue(next.value);
    },
    cancel(reason) {
      return reader?.cancel(reason);
    },
  });
  return {
    head,
    body,
    async text(limit) {
      if (handed) throw new Error("the body was already read");
      handed = true;
      const decoder = new TextDecoder();
      let out = "";
      const all = body.getReader();
      try {
        for (;;) {
          const next = await all.read();
          if (next.done) break;
          out += decoder.decode(next.value, { stream: true });
          if (out.length >= limit) break;
        }
      } catch {
        // An error page that breaks off still says what it said so far.
      } finally {
        await all.cancel().catch(() => {});
      }
      return out.slice(0, limit);
    },
  };
}

/**
 * The head shows what the body is: its first element or DOCTYPE name after any XML declaration
 * and comments, or a first character that is not markup at all.
 */
export function firstTagSeen(head: string): boolean {
  const rest = head.replace(/^\uFEFF?(\s+|<\?xml[\s\S]*?\?>|<!--[\s\S]*?-->)*/, "");
  if (rest === "") return false;
  if (rest[0] !== "<") return true;
  return /^<!doctype\s+[A-Za-z_][\w.:-]*[\s>[]/i.test(rest) || /^<[A-Za-z_][\w.:-]*[\s/>]/.test(rest);
}

/** Like firstTagSeen, but past a DOCTYPE too: the root element itself (or non-markup) is in the head. */
export function rootTagSeen(head: string): boolean {
  const rest = head.replace(/^\uFEFF?(\s+|<\?xml[\s\S]*?\?>|<!--[\s\S]*?-->|<!DOCTYPE[^>]*>)*/i, "");
  if (rest === "") return false;
  if (rest[0] !== "<") return true;
  return /^<[A-Za-z_][\w.:-]*[\s/>]/.test(rest);
}

/** An HTML page (a proxy, load balancer, maintenance or login page), not a Qualys document. */
export function looksLikeHtml(head: string): boolean {
  const start = head.replace(/^\uFEFF?\s*(<!--[\s\S]*?-->\s*)*/, "").slice(0, 200).toLowerCase();
  return start.startsWith("<!doctype html") || /^<html[\s>]/.test(start);
}

/** Starts like markup (XML or a Qualys error document) rather than plain text or nothing. */
export function looksLikeMarkup(head: string): boolean {
  return /^\uFEFF?\s*</.test(head);
}

/**
 * Reads the start of a streamed answer inside the retry loop, then hands the whole answer on:
 * what was read is replayed before the rest, so the layers above and the final reader see every
 * byte once. The VM runtime reads a record page up to its first record this way (a body that breaks
 * before it is retried); nothing is decoded twice beyond that head.
 */
import { whenBodyDone, watchBody } from "./body-done.js";
import { BufferedResponse, TransportResponse } from "./responses.js";

/**
 * Lets `look` read the body (as an async iterable of its chunks, which `look` must not close)
 * and resolves with a Response over the same answer, the bytes `look` read included. A fault
 * `look` meets is thrown; `look`'s own errors are its business (it may swallow them).
 */
export async function readAhead(response: Response, look: (chunks: AsyncIterable<Uint8Array>) => Promise<void>): Promise<Response> {
  if (response instanceof BufferedResponse || response.body === null) {
    await look(chunksOf(response.body === null ? [] : [new Uint8Array(await response.clone().arrayBuffer())]));
    return response;
  }
  const reader = response.body.getReader();
  const seen: Uint8Array[] = [];
  let ended = false;
  const chunks: AsyncIterable<Uint8Array> = {
    [Symbol.asyncIterator]: () => ({
      next: async () => {
        if (ended) return { done: true, value: undefined };
        const next = await reader.read();
        if (next.done) ended = true;
        else seen.push(next.value);
        return next;
      },
    }),
  };
  try {
    await look(chunks);
  } catch (err) {
    await reader.cancel(err).catch(() => {});
    throw err;
  }
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of seen) controller.enqueue(chunk);
      seen.length = 0;
      if (ended) controller.close();
    },
    async pull(controller) {
      const next = await reader.read();
      if (next.done) controller.close();
      else controller.enqueue(next.value);
    },
    cancel: (reason) => reader.cancel(reason),
  });
  const replayed = new TransportResponse(body, { status: response.status, statusText: response.statusText, headers: response.headers }, response.url);
  // The original's end is the replay's end: the rate limiter watches it without another wrapper.
  if (response instanceof TransportResponse) watchBody(replayed, { onBodyDone: (done) => void whenBodyDone(response, done) });
  return replayed;
}

function chunksOf(list: Uint8Array[]): AsyncIterable<Uint8Array> {
  return {
    [Symbol.asyncIterator]: () => {
      let i = 0;
      return { next: async () => (i < list.length ? { done: false, value: list[i++]! } : { done: true, value: undefined }) };
    },
  };
}

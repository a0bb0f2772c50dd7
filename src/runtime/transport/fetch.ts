/**
 * Node's global fetch as a transport: aborted by the call's signal or its timeout until headers
 * (ctx.timeoutMs), and, like the undici transport, with a body whose faults are typed and which
 * fails once silent for ctx.bodyIdleTimeoutMs. fetch itself reports a broken body as a bare
 * `TypeError: terminated` and waits on a stalled one for undici's bodyTimeout (300 s).
 */
import { withTimeout } from "../timeout.js";
import type { Handler } from "../types.js";
import { BodyDone, watchBody } from "./body-done.js";
import { bodyFault, bodyIdle, DEFAULT_BODY_IDLE_TIMEOUT_MS, type BodySite } from "./faults.js";
import { TransportResponse } from "./responses.js";

export const fetchTransport: Handler = async (request, ctx) => {
  const response = await withTimeout(ctx, (signal) => (signal ? fetch(request, { signal }) : fetch(request)));
  if (response.body === null) return response;
  return typedBody(response, { url: request.url, ctx }, ctx.signal ?? request.signal);
};

/** The response with its body read through a stream that types faults and watches for silence. */
function typedBody(response: Response, site: BodySite, signal: AbortSignal | undefined): Response {
  const reader = response.body!.getReader();
  const idleMs = site.ctx.bodyIdleTimeoutMs ?? DEFAULT_BODY_IDLE_TIMEOUT_MS;
  const done = new BodyDone();
  let bytes = 0;
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      let timer: NodeJS.Timeout | undefined;
      const silent = idleMs
        ? new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(bodyIdle(idleMs, site, bytes)), idleMs);
          })
        : undefined;
      try {
        const next = await (silent ? Promise.race([reader.read(), silent]) : reader.read());
        if (next.done) {
          done.mark();
          controller.close();
        } else {
          bytes += next.value.length;
          controller.enqueue(next.value);
        }
      } catch (err) {
        done.mark();
        const typed = signal?.aborted ? signal.reason : isOurs(err) ? err : bodyFault(err, site, bytes);
        if (isOurs(err)) reader.cancel(err).catch(() => {});
        controller.error(typed);
      } finally {
        clearTimeout(timer);
      }
    },
    cancel(reason) {
      done.mark();
      return reader.cancel(reason);
    },
  });
  const wrapped = new TransportResponse(stream, { status: response.status, statusText: response.statusText, headers: response.headers }, response.url);
  watchBody(wrapped, done);
  return wrapped;
}

/** Our own idle TimeoutError (the only rejection not from the reader). */
const isOurs = (err: unknown) => (err as { name?: string })?.name === "TimeoutError" && (err as { phase?: string }).phase === "body";


/**
 * An alternative to Node's global fetch as the bottom of the pipeline: undici's `request` on a
 * keep-alive Agent, wrapped back into a WHATWG Response. fetch spends most of its ~0.5 ms per
 * call in its own JS layer (xml-perf.md §6); this skips it while keeping streamed bodies and
 * abort. Bodies are sent as bytes (every body this SDK sends is small: forms, JSON, XML filters).
 */
import { Readable } from "node:stream";
import { Agent, request as undiciRequest } from "undici";
import { withTimeout } from "./timeout.js";
import type { Handler } from "./types.js";

const SMALL_BODY = 64 * 1024;

export function undiciTransport(options: { connections?: number } = {}): Handler & { close(): Promise<void> } {
  const agent = new Agent({ connections: options.connections ?? 64, keepAliveTimeout: 10_000 });
  const handler: Handler = async (request, ctx) => {
    const body = request.body ? Buffer.from(await request.arrayBuffer()) : undefined;
    const headers: Record<string, string> = {};
    request.headers.forEach((value, key) => (headers[key] = value));
    // undici's own headersTimeout ticks too coarsely for short limits: use the shared timer.
    const res = await withTimeout(ctx, (signal) =>
      undiciRequest(request.url, { method: request.method as "GET", headers, body, signal, dispatcher: agent }),
    );
    const responseHeaders = new Headers();
    for (const [key, value] of Object.entries(res.headers)) {
      if (Array.isArray(value)) for (const v of value) responseHeaders.append(key, v);
      else if (value !== undefined) responseHeaders.set(key, value);
    }
    const noBody = res.statusCode === 204 || res.statusCode === 304 || request.method === "HEAD";
    if (noBody) {
      res.body.resume();
      return new Response(null, { status: res.statusCode, headers: responseHeaders });
    }
    // Small answers of known size are read at once (undici's fast path); anything else streams.
    const length = Number(res.headers["content-length"] ?? NaN);
    const answer = length <= SMALL_BODY ? new Uint8Array(await res.body.arrayBuffer()) : toWebStream(res.body);
    return new Response(answer, { status: res.statusCode, headers: responseHeaders });
  };
  return Object.assign(handler, { close: () => agent.close() });
}

/**
 * Node 20's Readable.toWeb keeps enqueueing after a cancel and crashes the process
 * ("Controller is already closed"), so the body is pulled by hand and destroyed on cancel.
 */
function toWebStream(body: Readable): ReadableStream<Uint8Array> {
  const chunks = body[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done, value } = await chunks.next();
        if (done) controller.close();
        else controller.enqueue(value);
      } catch (err) {
        controller.error(err);
      }
    },
    cancel(reason) {
      body.destroy(reason instanceof Error ? reason : undefined);
    },
  });
}

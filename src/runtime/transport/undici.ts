/**
 * A faster bottom of the pipeline than Node's global fetch: undici's dispatcher with a handler
 * of our own (Exchange), answering with a WHATWG Response. fetch spends most of its ~0.5 ms per
 * call in its own JS (Request/Headers objects, WHATWG streams, AbortSignal plumbing: xml-perf.md
 * §6); this transport builds none of them for the usual small answer.
 *
 * Same as fetch for what the SDK needs: status, headers (repeated ones too), a body that streams
 * while it arrives, abort through ctx.signal (else the Request's), gzip/deflate/br decoded (and
 * asked for, as fetch does), connection faults before the headers as `TypeError("fetch failed")`
 * with the socket error as `cause`. Unlike fetch, faults inside the body are typed (NetworkError,
 * OutcomeUnknownError, TimeoutError: see faults.ts), a silent body fails after
 * ctx.bodyIdleTimeoutMs, redirects are not followed (Qualys APIs do not redirect, and a redirect
 * must not carry credentials elsewhere) and request bodies are sent as bytes (every body this SDK
 * sends is small).
 */
import { Agent, type Dispatcher } from "undici";
import type { Handler } from "../types.js";
import { Exchange } from "./exchange.js";

export interface UndiciTransportOptions {
  /** Connections per origin. Default 64 (Qualys allows a few calls at once per API; the gateway serves many APIs). */
  readonly connections?: number;
  /** Idle keep-alive, ms. Default 10 s. */
  readonly keepAliveTimeoutMs?: number;
  /** Ask for compressed answers and decode them. Default true. */
  readonly compression?: boolean;
  /** Your own undici dispatcher (a ProxyAgent, say). It is not closed by `close()`. */
  readonly dispatcher?: Dispatcher;
}

export type Transport = Handler & { close(): Promise<void> };

export function undiciTransport(options: UndiciTransportOptions = {}): Transport {
  // Both timeouts are ours (ctx.timeoutMs until headers, ctx.bodyIdleTimeoutMs in the body, 0 =
  // none); undici's own must not cut in first. They are set per dispatch too, for a caller's dispatcher.
  const own = options.dispatcher
    ? undefined
    : new Agent({ connections: options.connections ?? 64, keepAliveTimeout: options.keepAliveTimeoutMs ?? 10_000, headersTimeout: 0, bodyTimeout: 0 });
  const dispatcher = options.dispatcher ?? own!;
  const compression = options.compression ?? true;

  const handler: Handler = (request, ctx) => {
    const url = request.url;
    const slash = url.indexOf("/", url.indexOf("//") + 2);
    const origin = slash === -1 ? url : url.slice(0, slash);
    const path = slash === -1 ? "/" : url.slice(slash);
    const headers: Record<string, string> = {};
    request.headers.forEach((value, key) => (headers[key] = value));
    if (compression && headers["accept-encoding"] === undefined) headers["accept-encoding"] = "gzip, deflate, br";
    // fetch honours the Request's own signal; so does this transport when the context has none.
    const signal = ctx.signal ?? request.signal;
    const method = request.method as Dispatcher.HttpMethod;
    const send = (body: Uint8Array | null) =>
      new Exchange(url, method, ctx, signal).start(dispatcher, { origin, path, method, headers, body, headersTimeout: 0, bodyTimeout: 0 });
    if (request.body === null) return send(null);
    return request.arrayBuffer().then((bytes) => send(new Uint8Array(bytes)));
  };
  return Object.assign(handler, { close: () => own?.close() ?? Promise.resolve() });
}

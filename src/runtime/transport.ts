/**
 * A faster bottom of the pipeline than Node's global fetch: undici's dispatcher with a handler
 * of our own, answering with a WHATWG Response. fetch spends most of its ~0.5 ms per call in its
 * own JS (Request/Headers objects, WHATWG streams, AbortSignal plumbing: xml-perf.md §6), and a
 * `new ReadableStream` alone costs ~17 µs in Node 20; this transport builds none of them for the
 * usual small answer.
 *
 * Same as fetch for what the SDK needs: status, headers (repeated ones too), a body that streams
 * while it arrives, abort through ctx.signal (else the Request's), gzip/deflate/br decoded (and asked for, as fetch
 * does: detection lists shrink ~10× on the wire), connection faults as `TypeError("fetch failed")`
 * with the socket error as `cause`. Unlike fetch it does not follow redirects (Qualys APIs do not
 * redirect, and a redirect must not carry credentials elsewhere) and sends request bodies as bytes
 * (every body this SDK sends is small).
 */
import type { Transform } from "node:stream";
import { brotliDecompressSync, createBrotliDecompress, createGunzip, createInflate, gunzipSync, inflateSync } from "node:zlib";
import { Agent, type Dispatcher } from "undici";
import { TimeoutError } from "./errors/timeout-error.js";
import type { CallContext, Handler } from "./types.js";

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
  // The timeout until headers is ours (ctx.timeoutMs, 0 = none); undici's own must not cut in first.
  const own = options.dispatcher ? undefined : new Agent({ connections: options.connections ?? 64, keepAliveTimeout: options.keepAliveTimeoutMs ?? 10_000, headersTimeout: 0 });
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
    const send = (body: Uint8Array | null) => new Exchange(url, request.method, ctx, signal).start(dispatcher, { origin, path, method: request.method as Dispatcher.HttpMethod, headers, body });
    if (request.body === null) return send(null);
    return request.arrayBuffer().then((bytes) => send(new Uint8Array(bytes)));
  };
  return Object.assign(handler, { close: () => own?.close() ?? Promise.resolve() });
}

/**
 * Calls `done` once the response's body has been read to the end, failed or been cancelled, and
 * returns true — when the response came from this transport. For any other response it returns
 * false and the caller must watch the body itself.
 */
export function whenBodyDone(response: Response, done: () => void): boolean {
  if (response instanceof BufferedResponse) {
    done();
    return true;
  }
  const exchange = streamed.get(response);
  if (!exchange) return false;
  exchange.onBodyDone(done);
  return true;
}

const streamed = new WeakMap<Response, Exchange>();
const decoder = new TextDecoder();
const NULL_BODY = new Set([101, 103, 204, 205, 304]);
const REASON_PHRASE = /^[\t\x20-\x7e\x80-\xff]*$/;
/**
 * The body queue pauses the socket only once this many bytes wait. Pausing per chunk (the
 * default high-water mark of one chunk) made undici unshift and re-parse the rest of its buffer
 * for every HTTP chunk: quadratic in the buffered bytes, a stall on chunked multi-MB answers.
 */
const BODY_QUEUE = new ByteLengthQueuingStrategy({ highWaterMark: 1 << 20 });

/** One request and its answer; also the undici dispatch handler for it. */
class Exchange implements Dispatcher.DispatchHandler {
  readonly #url: string;
  readonly #method: string;
  readonly #ctx: CallContext;
  readonly #signal: AbortSignal | undefined;
  #resolve!: (response: Response) => void;
  #reject!: (err: unknown) => void;
  #abort: ((err?: Error) => void) | undefined;
  /** Why we stopped the exchange (caller's abort reason, our TimeoutError). */
  #stopped: unknown;
  #timer: NodeJS.Timeout | undefined;
  #settled = false;
  #init: ResponseInit | undefined;
  #encoding: string | undefined;
  #chunks: Buffer[] = [];
  #size = 0;
  #complete = false;
  #resume: (() => void) | undefined;
  #controller: ReadableStreamDefaultController<Uint8Array> | undefined;
  #inflater: Transform | undefined;
  #bodyDone = false;
  #onBodyDone: (() => void) | undefined;

  constructor(url: string, method: string, ctx: CallContext, signal: AbortSignal | undefined) {
    this.#url = url;
    this.#method = method;
    this.#ctx = ctx;
    this.#signal = signal;
  }

  start(dispatcher: Dispatcher, options: Dispatcher.DispatchOptions): Promise<Response> {
    const promise = new Promise<Response>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    const signal = this.#signal;
    if (signal?.aborted) {
      this.#settled = true;
      return Promise.reject(signal.reason);
    }
    signal?.addEventListener("abort", this.#onSignal, { once: true });
    const ms = this.#ctx.timeoutMs;
    if (ms) this.#timer = setTimeout(this.#onTimeout, ms);
    try {
      dispatcher.dispatch(options, this);
    } catch (err) {
      // A closed dispatcher or bad options: reported as fetch reports a failed fetch.
      this.onError(err as Error);
    }
    return promise;
  }

  onBodyDone(done: () => void): void {
    if (this.#bodyDone) done();
    else this.#onBodyDone = done;
  }

  // --- undici's dispatch handler (the core form undici's own `request` uses) ---

  onConnect(abort: (err?: Error) => void): void {
    this.#abort = abort;
    if (this.#stopped !== undefined) abort(asError(this.#stopped));
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[], resume: () => void, statusText: string): boolean {
    if (statusCode < 200) return true;
    this.#clearTimer();
    const headers: [string, string][] = [];
    let encoding: string | undefined;
    for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
      const name = rawHeaders[i]!.toString("latin1");
      const value = rawHeaders[i + 1]!.toString("latin1");
      headers.push([name, value]);
      if (name.length === 16 && name.toLowerCase() === "content-encoding") encoding = value.trim().toLowerCase();
    }
    this.#init = { status: statusCode, statusText: REASON_PHRASE.test(statusText) ? statusText : "", headers };
    if (encoding === "gzip" || encoding === "x-gzip" || encoding === "deflate" || encoding === "br") this.#encoding = encoding;
    this.#resume = resume;
    // undici has parsed whatever the socket had buffered by the time microtasks run: a small
    // answer is then complete, and is handed over whole instead of as a stream.
    queueMicrotask(this.#settle);
    return true;
  }

  onData(chunk: Buffer): boolean {
    if (!this.#controller) {
      this.#chunks.push(chunk);
      this.#size += chunk.length;
      return true;
    }
    if (this.#inflater) this.#inflater.write(chunk);
    else this.#controller.enqueue(chunk);
    // false pauses the socket until the reader pulls again.
    return (this.#controller.desiredSize ?? 1) > 0;
  }

  onComplete(): void {
    this.#complete = true;
    if (!this.#controller) return;
    if (this.#inflater) this.#inflater.end();
    else this.#closeStream();
  }

  onError(err: Error): void {
    this.#clearTimer();
    const reason = this.#stopped ?? new TypeError(this.#settled ? "terminated" : "fetch failed", { cause: err });
    if (!this.#settled) {
      this.#settled = true;
      this.#unlisten();
      this.#reject(reason);
    } else if (this.#controller) {
      this.#inflater?.destroy();
      this.#errorStream(reason);
    }
  }

  // --- turning the answer into a Response ---

  readonly #settle = (): void => {
    if (this.#settled) return;
    try {
      this.#hand();
    } catch (err) {
      // A header Headers will not take, say: the answer cannot be a Response.
      this.#unlisten();
      this.#abort?.(asError(err));
      this.#reject(new TypeError("fetch failed", { cause: err }));
    }
  };

  /** Resolves with the Response: whole if the body is already in, else streaming. */
  #hand(): void {
    this.#settled = true;
    const init = this.#init!;
    const noBody = NULL_BODY.has(init.status!) || this.#method === "HEAD";
    if (noBody || this.#complete) {
      this.#unlisten();
      this.#markBodyDone();
      if (noBody) return this.#resolve(new TransportResponse(null, init, this.#url));
      let bytes: Bytes;
      try {
        bytes = this.#decodeWhole(this.#chunks.length === 1 ? this.#chunks[0]! : Buffer.concat(this.#chunks, this.#size));
      } catch (err) {
        return this.#reject(new TypeError("fetch failed", { cause: err }));
      }
      this.#chunks = [];
      return this.#resolve(new BufferedResponse(bytes, init, this.#url));
    }
    const stream = new ReadableStream<Uint8Array>({
      start: (controller) => {
        this.#controller = controller;
        if (this.#encoding) this.#inflater = this.#makeInflater(controller);
        for (const chunk of this.#chunks) this.onData(chunk);
        this.#chunks = [];
      },
      // Once complete, the socket may already serve another call: its parser is not ours to resume.
      pull: () => {
        if (!this.#complete) this.#resume?.();
      },
      cancel: (reason) => {
        this.#markBodyDone();
        this.#unlisten();
        this.#inflater?.destroy();
        this.#abort?.(asError(reason ?? new Error("body cancelled")));
      },
    }, BODY_QUEUE);
    const response = new TransportResponse(stream, init, this.#url);
    streamed.set(response, this);
    this.#resolve(response);
  }

  #decodeWhole(bytes: Buffer): Bytes {
    switch (this.#encoding) {
      case "gzip":
      case "x-gzip":
        return gunzipSync(bytes) as Bytes;
      case "deflate":
        return inflateSync(bytes) as Bytes;
      case "br":
        return brotliDecompressSync(bytes) as Bytes;
      default:
        return bytes as Bytes;
    }
  }

  #makeInflater(controller: ReadableStreamDefaultController<Uint8Array>): Transform {
    const inflater = this.#encoding === "br" ? createBrotliDecompress() : this.#encoding === "deflate" ? createInflate() : createGunzip();
    inflater.on("data", (chunk: Buffer) => controller.enqueue(chunk));
    inflater.on("end", () => this.#closeStream());
    inflater.on("error", (err) => {
      this.#abort?.(err);
      this.#errorStream(new TypeError("terminated", { cause: err }));
    });
    return inflater;
  }

  #closeStream(): void {
    this.#unlisten();
    this.#markBodyDone();
    try {
      this.#controller!.close();
    } catch {
      // Already cancelled by the reader.
    }
  }

  #errorStream(reason: unknown): void {
    this.#unlisten();
    this.#markBodyDone();
    try {
      this.#controller!.error(reason);
    } catch {
      // Already closed or cancelled.
    }
  }

  // --- stopping: the caller's signal, our timeout ---

  readonly #onSignal = (): void => this.#fail(this.#signal!.reason);

  readonly #onTimeout = (): void => {
    this.#timer = undefined;
    if (!this.#init) this.#fail(new TimeoutError(this.#ctx.timeoutMs!, this.#ctx.operationId));
  };

  #fail(reason: unknown): void {
    if (this.#stopped !== undefined) return;
    this.#stopped = reason;
    this.#clearTimer();
    this.#abort?.(asError(reason));
    if (!this.#settled) {
      this.#settled = true;
      this.#unlisten();
      this.#reject(reason);
    } else if (this.#controller && !this.#bodyDone) {
      this.#inflater?.destroy();
      this.#errorStream(reason);
    }
    // A body already received whole stays readable, as it is in memory.
  }

  #clearTimer(): void {
    if (this.#timer) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
  }

  #unlisten(): void {
    this.#signal?.removeEventListener("abort", this.#onSignal);
  }

  #markBodyDone(): void {
    if (this.#bodyDone) return;
    this.#bodyDone = true;
    const done = this.#onBodyDone;
    this.#onBodyDone = undefined;
    done?.();
  }
}

/** Response bodies are never shared memory. */
type Bytes = Uint8Array<ArrayBuffer>;

const asError = (reason: unknown): Error => (reason instanceof Error ? reason : new Error(String(reason)));

/** A Response that knows the URL it answers (fetch sets `url`; `new Response` cannot). */
class TransportResponse extends Response {
  readonly #url: string;

  constructor(body: ReadableStream<Uint8Array> | null, init: ResponseInit, url: string) {
    super(body, init);
    this.#url = url;
  }

  static urlOf(response: TransportResponse): string {
    return response.#url;
  }
}
Object.defineProperty(TransportResponse.prototype, "url", {
  get(this: TransportResponse) {
    return TransportResponse.urlOf(this);
  },
});

/**
 * An answer received whole: text/json/arrayBuffer read the bytes directly, with no ReadableStream
 * in between. `body`, `blob` and `formData` fall back to a regular Response over the same bytes.
 */
class BufferedResponse extends TransportResponse {
  #bytes: Bytes | undefined;
  #used = false;
  #native: Response | undefined;
  readonly #init: ResponseInit;
  readonly #href: string;

  constructor(bytes: Bytes, init: ResponseInit, url: string) {
    super(null, init, url);
    this.#bytes = bytes;
    this.#init = init;
    this.#href = url;
  }

  #take(): Bytes {
    if (this.#used || this.#native?.bodyUsed) throw new TypeError("Body is unusable: Body has already been read");
    this.#used = true;
    const bytes = this.#bytes!;
    this.#bytes = undefined;
    return bytes;
  }

  #read<T>(convert: (bytes: Bytes) => T): Promise<T> {
    try {
      return Promise.resolve(convert(this.#take()));
    } catch (err) {
      return Promise.reject(err);
    }
  }

  static native(response: BufferedResponse): Response {
    if (!response.#native) {
      if (response.#used) throw new TypeError("Body is unusable: Body has already been read");
      response.#native = new Response(response.#bytes!, { ...response.#init, headers: response.headers });
      response.#bytes = undefined;
    }
    return response.#native;
  }

  static isUsed(response: BufferedResponse): boolean {
    return response.#native ? response.#native.bodyUsed : response.#used;
  }

  override text(): Promise<string> {
    if (this.#native) return this.#native.text();
    return this.#read((bytes) => decoder.decode(bytes));
  }

  override json(): Promise<any> {
    if (this.#native) return this.#native.json();
    return this.#read((bytes) => JSON.parse(decoder.decode(bytes)));
  }

  override arrayBuffer(): Promise<ArrayBuffer> {
    if (this.#native) return this.#native.arrayBuffer();
    return this.#read((bytes) => Uint8Array.prototype.slice.call(bytes).buffer as ArrayBuffer);
  }

  override bytes(): Promise<Bytes> {
    if (this.#native) return this.#native.bytes();
    return this.#read((bytes) => Uint8Array.prototype.slice.call(bytes) as Bytes);
  }

  override blob(): Promise<Blob> {
    return BufferedResponse.native(this).blob();
  }

  override formData(): Promise<FormData> {
    return BufferedResponse.native(this).formData();
  }

  override clone(): Response {
    if (BufferedResponse.isUsed(this)) throw new TypeError("Response.clone: Body has already been consumed.");
    if (this.#native) return this.#native.clone();
    return new BufferedResponse(this.#bytes!, this.#init, this.#href);
  }
}
Object.defineProperty(BufferedResponse.prototype, "body", {
  get(this: BufferedResponse) {
    return BufferedResponse.native(this).body;
  },
});
Object.defineProperty(BufferedResponse.prototype, "bodyUsed", {
  get(this: BufferedResponse) {
    return BufferedResponse.isUsed(this);
  },
});

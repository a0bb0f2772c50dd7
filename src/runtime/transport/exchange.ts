/**
 * One request and its answer: the undici dispatch handler (the core form undici's own `request`
 * uses) that turns the answer into a Response. A small answer already complete when its headers
 * have been parsed is handed over whole (BufferedResponse); a longer one as a BodyStream.
 * Stops on the caller's signal and on the timeout until headers (ctx.timeoutMs).
 */
import type { Dispatcher } from "undici";
import { BodyDone, watchBody } from "./body-done.js";
import { BodyStream } from "./body-stream.js";
import { decodeWhole, type ContentEncoding } from "./content-encoding.js";
import { bodyFault, bodyIdle, DEFAULT_BODY_IDLE_TIMEOUT_MS, headersTimeout, type BodySite } from "./faults.js";
import { readHead } from "./head.js";
import { BufferedResponse, TransportResponse } from "./responses.js";
import type { CallContext } from "../types.js";

const NULL_BODY = new Set([101, 103, 204, 205, 304]);

export class Exchange implements Dispatcher.DispatchHandler, BodySite {
  readonly url: string;
  readonly ctx: CallContext;
  readonly #method: string;
  readonly #signal: AbortSignal | undefined;
  #resolve!: (response: Response) => void;
  #reject!: (err: unknown) => void;
  #abort: ((err?: Error) => void) | undefined;
  /** Why we stopped the exchange (caller's abort reason, our TimeoutError). */
  #stopped: unknown;
  #timer: NodeJS.Timeout | undefined;
  #settled = false;
  #init: ResponseInit | undefined;
  #encoding: ContentEncoding | undefined;
  /** What came before the Response was handed over. */
  #chunks: Buffer[] = [];
  #size = 0;
  #complete = false;
  #resume: (() => void) | undefined;
  #body: BodyStream | undefined;
  /** Made only for a streamed body: a body received whole is done when handed over. */
  #done: BodyDone | undefined;

  constructor(url: string, method: string, ctx: CallContext, signal: AbortSignal | undefined) {
    this.url = url;
    this.ctx = ctx;
    this.#method = method;
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
    const ms = this.ctx.timeoutMs;
    if (ms) this.#timer = setTimeout(this.#onTimeout, ms);
    try {
      dispatcher.dispatch(options, this);
    } catch (err) {
      // A closed dispatcher or bad options: reported as fetch reports a failed fetch.
      this.onError(err as Error);
    }
    return promise;
  }

  // --- undici's dispatch handler ---

  onConnect(abort: (err?: Error) => void): void {
    this.#abort = abort;
    if (this.#stopped !== undefined) abort(asError(this.#stopped));
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[], resume: () => void, statusText: string): boolean {
    if (statusCode < 200) return true;
    this.#clearTimer();
    const head = readHead(statusCode, rawHeaders, statusText);
    this.#init = head.init;
    this.#encoding = head.encoding;
    this.#resume = resume;
    // undici has parsed whatever the socket had buffered by the time microtasks run: a small
    // answer is then complete, and is handed over whole instead of as a stream.
    queueMicrotask(this.#settle);
    return true;
  }

  onData(chunk: Buffer): boolean {
    if (this.#body) return this.#body.push(chunk);
    if (chunk.length > 0) {
      this.#chunks.push(chunk);
      this.#size += chunk.length;
    }
    return true;
  }

  onComplete(): void {
    this.#complete = true;
    this.#body?.end();
  }

  onError(err: Error): void {
    this.#clearTimer();
    if (!this.#settled) {
      this.#settled = true;
      this.#unlisten();
      this.#reject(this.#stopped ?? new TypeError("fetch failed", { cause: err }));
    } else if (this.#body) {
      this.#unlisten();
      if (this.#stopped !== undefined) this.#body.error(this.#stopped);
      else this.#body.fail(err);
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
      if (noBody) return this.#resolve(new TransportResponse(null, init, this.url));
      let bytes;
      try {
        bytes = decodeWhole(this.#chunks.length === 1 ? this.#chunks[0]! : Buffer.concat(this.#chunks, this.#size), this.#encoding);
      } catch (err) {
        return this.#reject(bodyFault(err, this, this.#size));
      }
      this.#chunks = [];
      return this.#resolve(new BufferedResponse(bytes, init, this.url));
    }
    const idleMs = this.ctx.bodyIdleTimeoutMs ?? DEFAULT_BODY_IDLE_TIMEOUT_MS;
    const done = (this.#done = new BodyDone());
    this.#body = new BodyStream(
      {
        encoding: this.#encoding,
        idleMs,
        resume: this.#resume!,
        abort: (reason) => {
          this.#unlisten();
          this.#abort?.(reason);
        },
        faultOf: (cause, bytes) => bodyFault(cause, this, bytes),
        idleErrorOf: (bytes) => bodyIdle(idleMs, this, bytes),
        done,
        finished: () => this.#unlisten(),
      },
      this.#chunks,
    );
    this.#chunks = [];
    const response = new TransportResponse(this.#body.stream, init, this.url);
    watchBody(response, done);
    this.#resolve(response);
  }

  // --- stopping: the caller's signal, our timeout ---

  readonly #onSignal = (): void => this.#fail(this.#signal!.reason);

  readonly #onTimeout = (): void => {
    this.#timer = undefined;
    if (!this.#init) this.#fail(headersTimeout(this.ctx, this.#abort !== undefined));
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
    } else if (this.#body && !this.#done!.done) {
      this.#body.error(reason);
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
}

const asError = (reason: unknown): Error => (reason instanceof Error ? reason : new Error(String(reason)));

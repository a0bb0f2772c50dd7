/**
 * The streaming side of an undici exchange: a ReadableStream fed by undici's onData, holding the
 * socket back while the reader is behind, decoding gzip/deflate/br, and failing when the body
 * stays silent for the idle limit.
 *
 * The socket is paused only when the queue is full and resumed only when it was paused: undici
 * may deliver empty chunks after the last data, and resuming an unpaused socket on every pull
 * makes it deliver another, forever (>1M pulls/s in microtasks, which starves every timer).
 */
import type { Transform } from "node:stream";
import type { BodyDone } from "./body-done.js";
import { createDecoder, type ContentEncoding } from "./content-encoding.js";

export interface BodyStreamOptions {
  readonly encoding: ContentEncoding | undefined;
  /** Idle limit in ms; 0: none. */
  readonly idleMs: number;
  /** Resumes the paused socket. */
  readonly resume: () => void;
  /** Stops the exchange (closes the connection) with a reason. */
  readonly abort: (reason: Error) => void;
  /** The error the stream fails with for a wire or decoding fault, given the bytes received. */
  readonly faultOf: (cause: unknown, bytes: number) => Error;
  /** The error the stream fails with when the body was silent for `idleMs`. */
  readonly idleErrorOf: (bytes: number) => Error;
  readonly done: BodyDone;
  /** The body is over (read, failed or cancelled): let go of what watched it. */
  readonly finished: () => void;
}

export class BodyStream {
  readonly stream: ReadableStream<Uint8Array>;
  readonly #options: BodyStreamOptions;
  #controller!: ReadableStreamDefaultController<Uint8Array>;
  #decoder: Transform | undefined;
  /** Bytes received from the wire (before decoding). */
  #bytes = 0;
  #paused = false;
  #complete = false;
  #idle: NodeJS.Timeout | undefined;

  constructor(options: BodyStreamOptions, buffered: readonly Buffer[]) {
    this.#options = options;
    this.stream = new ReadableStream<Uint8Array>({
      start: (controller) => {
        this.#controller = controller;
        if (options.encoding) this.#decoder = this.#makeDecoder(options.encoding);
        for (const chunk of buffered) this.push(chunk);
        this.#watch();
      },
      pull: () => {
        this.#decoder?.resume();
        // Once complete, the socket may already serve another call: its parser is not ours to resume.
        if (this.#paused && !this.#complete) {
          this.#paused = false;
          this.#watch();
          options.resume();
        }
      },
      cancel: (reason) => {
        this.#finish();
        this.#decoder?.destroy();
        options.abort(reason instanceof Error ? reason : new Error(reason === undefined ? "body cancelled" : String(reason)));
      },
    });
  }

  get bytes(): number {
    return this.#bytes;
  }

  /** A chunk from the wire; false asks undici to pause the socket. */
  push(chunk: Buffer): boolean {
    if (chunk.length === 0) return true;
    this.#bytes += chunk.length;
    this.#idle?.refresh();
    let room: boolean;
    if (this.#decoder) room = this.#decoder.write(chunk) && (this.#controller.desiredSize ?? 1) > 0;
    else {
      this.#controller.enqueue(chunk);
      room = (this.#controller.desiredSize ?? 1) > 0;
    }
    if (!room) {
      // The reader is behind: its silence is not the server's.
      this.#paused = true;
      this.#unwatch();
    }
    return room;
  }

  /** The wire body ended. */
  end(): void {
    this.#complete = true;
    this.#unwatch();
    if (this.#decoder) this.#decoder.end();
    else this.#close();
  }

  /** A wire fault: the stream fails with it, typed. */
  fail(cause: unknown): void {
    this.error(this.#options.faultOf(cause, this.#bytes));
  }

  /** Fails the stream with `reason` as it is (the caller's abort, a typed error). */
  error(reason: unknown): void {
    if (this.#options.done.done) return;
    this.#finish();
    this.#decoder?.destroy();
    try {
      this.#controller.error(reason);
    } catch {
      // Already closed or cancelled.
    }
  }

  #makeDecoder(encoding: ContentEncoding): Transform {
    const decoder = createDecoder(encoding);
    decoder.on("data", (chunk: Buffer) => {
      this.#controller.enqueue(chunk);
      // Decoded data waits in zlib, not in the queue, until the reader asks for more.
      if ((this.#controller.desiredSize ?? 1) <= 0) decoder.pause();
    });
    decoder.on("end", () => this.#close());
    decoder.on("error", (err) => {
      const typed = this.#options.faultOf(err, this.#bytes);
      this.error(typed);
      this.#options.abort(typed);
    });
    return decoder;
  }

  #close(): void {
    this.#finish();
    try {
      this.#controller.close();
    } catch {
      // Already cancelled by the reader.
    }
  }

  #finish(): void {
    this.#unwatch();
    this.#options.finished();
    this.#options.done.mark();
  }

  /** Starts the idle clock: the reader waits for bytes the server has not sent. */
  #watch(): void {
    const ms = this.#options.idleMs;
    if (!ms || this.#paused || this.#complete || this.#idle || this.#options.done.done) return;
    this.#idle = setTimeout(() => {
      this.#idle = undefined;
      const reason = this.#options.idleErrorOf(this.#bytes);
      this.error(reason);
      this.#options.abort(reason);
    }, ms);
  }

  #unwatch(): void {
    if (this.#idle) {
      clearTimeout(this.#idle);
      this.#idle = undefined;
    }
  }
}

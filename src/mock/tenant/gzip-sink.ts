/**
 * A gzip answer that RecordWriter writes records into as into the response itself: each write is
 * compressed and flushed (Z_SYNC_FLUSH) in order, so a client decoding as it reads gets every
 * record as soon as it is written. A reset fault (destroy) first lets what was written reach the
 * wire, then drops the connection; a client that goes away closes the sink.
 */
import { EventEmitter } from "node:events";
import type { ServerResponse } from "node:http";
import { constants, createGzip, type Gzip } from "node:zlib";
import type { RecordSink } from "./stream.js";

export class GzipSink extends EventEmitter implements RecordSink {
  private readonly gzip: Gzip;
  private closed = false;
  private ending = false;
  /** Settles once the last compressed chunk written to the response has left for the socket. */
  private sent: Promise<void> = Promise.resolve();

  constructor(private readonly res: ServerResponse) {
    super();
    this.gzip = createGzip();
    this.gzip.on("data", (chunk: Buffer) => {
      this.sent = new Promise<void>((resolve) => {
        if (!res.write(chunk, () => resolve())) {
          this.gzip.pause();
          res.once("drain", () => this.gzip.resume());
        }
      });
    });
    this.gzip.on("drain", () => this.emit("drain"));
    this.gzip.on("error", () => this.close());
    res.once("close", () => this.close());
  }

  get destroyed(): boolean {
    return this.closed;
  }

  write(chunk: string | Uint8Array, written?: () => void): boolean {
    if (this.closed) return false;
    // (destroy() flushes before it drops the connection, so "written" can mean "compressed".)
    const room = this.gzip.write(chunk, () => written?.());
    this.gzip.flush(constants.Z_SYNC_FLUSH);
    return room;
  }

  /** The whole answer: the gzip trailer, then the end of the response. */
  end(): Promise<void> {
    if (this.closed || this.ending) return Promise.resolve();
    this.ending = true;
    return new Promise((resolve) => {
      // A client gone before the end closes the sink: nothing more to wait for.
      this.once("close", () => resolve());
      this.gzip.once("end", () => {
        this.res.end(() => resolve());
        this.close();
      });
      this.gzip.end();
    });
  }

  /**
   * A reset: the records written so far go out (the flush comes after them), then the connection
   * drops — only once the response has handed the last compressed bytes to the socket: destroying
   * it earlier would discard what sits in its buffer (16 KiB on Node 20, 64 KiB from 22).
   */
  destroy(): void {
    if (this.closed) return;
    this.gzip.flush(constants.Z_SYNC_FLUSH, () => {
      // The flush's output reaches "data" listeners after this callback on some lines: let it arrive.
      setImmediate(() => {
        void Promise.race([this.sent, new Promise<void>((resolve) => this.res.once("close", () => resolve()))]).then(() => {
          this.res.destroy();
          this.close();
        });
      });
    });
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    this.gzip.destroy();
    this.emit("close");
  }
}

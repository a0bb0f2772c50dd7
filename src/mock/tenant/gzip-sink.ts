/**
 * A gzip answer that RecordWriter can write records into as into the response itself: each write
 * is compressed and flushed (Z_SYNC_FLUSH) at once, so a client decoding as it reads gets every
 * record as soon as it is written, and a reset or stall fault after N records leaves exactly those
 * N on the wire. Destroying the sink destroys the response (a reset fault); a client that goes
 * away closes the sink.
 */
import type { ServerResponse } from "node:http";
import { Writable } from "node:stream";
import { constants, createGzip, type Gzip } from "node:zlib";

export class GzipSink extends Writable {
  private readonly gzip: Gzip;
  private ended = false;

  constructor(
    private readonly res: ServerResponse,
    /** Compressed bytes handed to the response. */
    private readonly onBytes: (n: number) => void = () => {},
  ) {
    super();
    this.gzip = createGzip();
    this.gzip.on("data", (chunk: Buffer) => {
      onBytes(chunk.length);
      if (!res.write(chunk)) {
        this.gzip.pause();
        res.once("drain", () => this.gzip.resume());
      }
    });
    res.once("close", () => this.destroy());
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (err?: Error | null) => void): void {
    this.gzip.write(chunk);
    this.gzip.flush(constants.Z_SYNC_FLUSH, () => done());
  }

  override _final(done: (err?: Error | null) => void): void {
    this.gzip.once("end", () => {
      this.ended = true;
      this.res.end();
      done();
    });
    this.gzip.end();
  }

  override _destroy(err: Error | null, done: (err?: Error | null) => void): void {
    this.gzip.destroy();
    // Closed after a normal end, the answer is complete; otherwise (a reset fault, an error) the connection goes.
    if (err || !this.ended) this.res.destroy();
    done(err);
  }
}

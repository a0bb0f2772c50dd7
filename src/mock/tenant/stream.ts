/**
 * Writing one answer record by record: respects back-pressure, counts bytes, spends the
 * simulated server cost per record on timers (not CPU), and carries out reset/stall faults at
 * the record they name.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { Fault } from "./faults.js";

/** What RecordWriter writes into: the answer itself, or a sink in front of it (the gzip of a PCRS answer). */
export interface RecordSink {
  readonly destroyed: boolean;
  /** `written`: called once the chunk has left for the wire (a reset waits for it). */
  write(chunk: string | Uint8Array, written?: () => void): boolean;
  destroy(): void;
  on(event: "drain" | "close", listener: () => void): unknown;
  once(event: "close", listener: () => void): unknown;
  off(event: "drain" | "close", listener: () => void): unknown;
}

export interface StreamStats {
  bytes: number;
  records: number;
}

export class RecordWriter {
  private written = 0;
  private readonly started = performance.now();
  private spentMs = 0;
  /** Settles once the last chunk written has been handed to the socket (or the socket is gone). */
  private flushed: Promise<void> = Promise.resolve();
  closed = false;

  constructor(
    private readonly res: RecordSink,
    private readonly stats: StreamStats,
    private readonly costPerRecordMs: number,
    private readonly fault: Fault | undefined,
  ) {
    res.once("close", () => (this.closed = true));
  }

  /** Writes a chunk; resolves once the socket can take more. False when the client is gone. */
  async write(chunk: string | Uint8Array): Promise<boolean> {
    if (this.closed || this.res.destroyed) return false;
    const bytes = typeof chunk === "string" ? Buffer.byteLength(chunk) : chunk.byteLength;
    this.stats.bytes += bytes;
    let done!: () => void;
    this.flushed = new Promise<void>((resolve) => (done = resolve));
    if (this.res.write(chunk, () => done())) return true;
    await new Promise<void>((resolve) => {
      const done = () => {
        this.res.off("drain", done);
        this.res.off("close", done);
        resolve();
      };
      this.res.on("drain", done);
      this.res.on("close", done);
    });
    return !this.closed;
  }

  /** Before each record: the fault if this is its record, then the record's cost. False: stop. */
  async beforeRecord(): Promise<boolean> {
    if (this.pending() && ((this.fault as { afterRecords?: number }).afterRecords ?? 0) === this.written) {
      if (!(await this.fire())) return false;
    }
    if (this.costPerRecordMs > 0) {
      this.spentMs += this.costPerRecordMs;
      // Timers fire at ~1 ms granularity: sleep once the debt is worth it.
      const behind = this.started + this.spentMs - performance.now();
      if (behind >= 2) await sleep(behind);
    }
    return !this.closed;
  }

  async record(chunk: string): Promise<boolean> {
    if (!(await this.write(this.fault?.kind === "encode" ? this.fault.encode(chunk) : chunk))) return false;
    this.written += 1;
    this.stats.records += 1;
    return true;
  }

  /** A reset or stall asked for after more records than the answer has happens before its end. */
  async beforeEnd(): Promise<boolean> {
    if (this.pending() && !(await this.fire())) return false;
    return !this.closed;
  }

  private fired = false;

  private pending(): boolean {
    return !this.fired && (this.fault?.kind === "reset" || this.fault?.kind === "stall");
  }

  private async fire(): Promise<boolean> {
    this.fired = true;
    const fault = this.fault!;
    if (fault.kind === "reset") {
      // "After N records" means the client gets those N records, then the connection drops. What
      // was written this tick may still sit in Node's buffers (corked, or under the stream's
      // highWaterMark, 16 KiB on Node 20 and 64 KiB from 22): destroying now would discard it and
      // turn the fault into a reset before the answer, which a client retries differently.
      if (!this.closed) await Promise.race([this.flushed, new Promise<void>((resolve) => this.res.once("close", () => resolve()))]);
      this.res.destroy();
      return false;
    }
    if (fault.kind === "stall") await this.stall(fault.ms);
    return !this.closed;
  }

  private async stall(ms: number | undefined): Promise<void> {
    if (ms === undefined) {
      await new Promise<void>((resolve) => (this.closed ? resolve() : this.res.once("close", () => resolve())));
      return;
    }
    await sleep(ms);
  }
}

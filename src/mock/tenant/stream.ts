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
  write(chunk: string): boolean;
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
  async write(chunk: string): Promise<boolean> {
    if (this.closed || this.res.destroyed) return false;
    const bytes = Buffer.byteLength(chunk);
    this.stats.bytes += bytes;
    if (this.res.write(chunk)) return true;
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
    if (!(await this.write(chunk))) return false;
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

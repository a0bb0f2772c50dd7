/** Messages between the export's main thread and its decode workers. */
import type { XmlDecodeSummary } from "../runtime/xml/decode.js";
import type { RowFormat } from "./row-list.js";
import type { DecodedChunk, RecordKind } from "./rows.js";

/**
 * Records per posted row chunk: big enough to amortise a message, small enough that its rows are
 * posted before a scavenge promotes them (at 100 hosts, ~2,500 rows, they reached the old
 * generation and the worker's heap grew by tens of MB between major GCs).
 */
export const CHUNK_RECORDS = 25;

/** What a worker's decode is told of the answer; `redactForms`: the client's secrets, redacted from what an error quotes before it is cut. */
export interface WorkerDecodeOptions {
  readonly httpStatus?: number;
  readonly operation?: string;
  readonly redactForms?: readonly string[];
}

export type ToWorker =
  | { type: "start"; job: number; descriptor: string; kind: RecordKind; runId: number; rowFormat: RowFormat; options: WorkerDecodeOptions }
  /** The answer's next `length` bytes, at the start of `buffer`. */
  | { type: "chunk"; job: number; buffer: ArrayBuffer; length: number }
  | { type: "end"; job: number }
  | { type: "abort"; job: number };

export type FromWorker =
  | { type: "ack"; job: number; bytes: number }
  | { type: "rows"; job: number; chunk: DecodedChunk }
  | { type: "done"; job: number; document: unknown; summary: XmlDecodeSummary }
  | { type: "error"; job: number; error: { name: string; message: string; props: Record<string, unknown> }; summary?: XmlDecodeSummary };

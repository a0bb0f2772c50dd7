/** Messages between the export's main thread and its decode workers. */
import type { XmlDecodeSummary } from "../runtime/xml/decode.js";
import type { RecordKind, RowChunk } from "./rows.js";

/** Records per posted row chunk: big enough to amortise a message, small enough to keep memory flat. */
export const CHUNK_RECORDS = 100;

export type ToWorker =
  | { type: "start"; job: number; descriptor: string; kind: RecordKind; runId: number; options: { httpStatus?: number; operation?: string } }
  | { type: "chunk"; job: number; buffer: ArrayBuffer }
  | { type: "end"; job: number }
  | { type: "abort"; job: number };

export type FromWorker =
  | { type: "ack"; job: number; bytes: number }
  | { type: "rows"; job: number; chunk: RowChunk }
  | { type: "done"; job: number; document: unknown; summary: XmlDecodeSummary }
  | { type: "error"; job: number; error: { name: string; message: string; props: Record<string, unknown> }; summary?: XmlDecodeSummary };

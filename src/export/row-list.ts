/**
 * The rows of one table in one batch, held until the batch is written. A batch of 1,000 hosts
 * holds ~25,000 detections for as long as its answer takes to arrive, several batches at once:
 * as JS arrays that is ~1 KB a row, promoted to the old generation and traced by every major GC.
 * Decode workers therefore send rows packed in a buffer that travels without a copy and stays
 * outside the JS heap (~300 bytes a row), in the form the store writes:
 *   - "json": JSON text in UTF-8, back to arrays only while a SQLite store binds them, a part at
 *     a time, so they die young. JSON.parse reads such rows ~2× faster than V8's deserializer
 *     (what this was before; ~0.3 s less main-thread time per 180,000 detections) and keeps
 *     every cell exactly: strings (a lone surrogate is written as its \u escape), finite numbers, null;
 *   - "copy": PostgreSQL COPY text, which a PostgreSQL store sends as it is, so the main thread
 *     never touches the rows at all.
 */
import { copyText, copyTextBytes } from "./copy-text.js";
import type { Row } from "./rows.js";

export type RowFormat = "json" | "copy";

/** Rows packed by packRows: `count` of them in `packed`. */
export interface PackedRows {
  readonly format: RowFormat;
  readonly packed: Uint8Array;
  readonly count: number;
}

/** Rows as a store takes them: plain, or a RowList of plain and packed parts. */
export type RowSource = readonly Row[] | RowList;

/** Bytes in an ArrayBuffer of their own (so they can be transferred), copied when they share one (a pooled Buffer). */
function own(bytes: Uint8Array): Uint8Array {
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? new Uint8Array(bytes.buffer) : new Uint8Array(bytes);
}

export function packRows(rows: readonly Row[], format: RowFormat = "json"): PackedRows {
  return { format, packed: own(format === "json" ? Buffer.from(JSON.stringify(rows)) : copyTextBytes(rows)), count: rows.length };
}

const utf8 = new TextDecoder();
const unpackJson = (part: PackedRows) => JSON.parse(utf8.decode(part.packed)) as Row[];

export const isPacked = (part: readonly Row[] | PackedRows): part is PackedRows => !Array.isArray(part);

export class RowList implements Iterable<Row> {
  readonly #parts: (readonly Row[] | PackedRows)[] = [];
  #length = 0;

  get length(): number {
    return this.#length;
  }

  add(part: readonly Row[] | PackedRows): void {
    const count = isPacked(part) ? part.count : part.length;
    if (!count) return;
    this.#parts.push(part);
    this.#length += count;
  }

  /** The rows, unpacked one part at a time. Rows packed as COPY text are for a PostgreSQL store only: a TypeError. */
  *[Symbol.iterator](): Iterator<Row> {
    for (const part of this.#parts) {
      if (!isPacked(part)) yield* part;
      else if (part.format === "json") yield* unpackJson(part);
      else throw new TypeError("rows packed as COPY text can only be copied into PostgreSQL (copyChunks)");
    }
  }

  /** The rows as COPY text: parts packed so as they are, the others written out. */
  *copyChunks(): Generator<Uint8Array> {
    for (const part of this.#parts) {
      if (!isPacked(part)) yield* copyText(part);
      else if (part.format === "copy") yield part.packed;
      else yield* copyText(unpackJson(part));
    }
  }
}

/** Rows of any source as COPY text, in pieces. */
export function copyChunks(rows: RowSource): Iterable<Uint8Array> {
  return rows instanceof RowList ? rows.copyChunks() : copyText(rows);
}

/**
 * Writes records as they arrive — a JSON array, NDJSON or CSV — waiting for the output to drain
 * before taking the next record from the API: an export of any size runs in constant memory, and
 * a reader that goes away (`| head`) stops the download.
 */
import { Readable, pipeline, type Writable } from "node:stream";
import { importOptional } from "../runtime/optional-import.js";
import { flatten } from "./flatten.js";

export type Format = "json" | "ndjson" | "csv";

/**
 * What the CSV chain may hold ahead of the output: rows waiting for the encoder (in each of its
 * two object buffers) and encoded text waiting for the output. Set here rather than left to
 * Node's stream defaults (16 KiB of text up to Node 20, 64 KiB from Node 22), so the read-ahead,
 * and the memory an export holds, is the same on every Node line.
 */
export const CSV_BUFFER = { rows: 16, bytes: 16 * 1024 } as const;

/** How a command's records become CSV rows. */
export interface CsvShape<R = any> {
  /** The rows of one record (e.g. one per detection of a host). Default: the record itself. */
  readonly rows?: (record: R) => Iterable<unknown>;
  /** Fixed columns (dotted names of the flattened rows). Default: the first row's, plus `_other`. */
  readonly columns?: readonly string[];
}

export interface OutputOptions {
  readonly format: Format;
  readonly csv?: CsvShape;
  /** Told as each record is taken from the source (for the progress line). */
  readonly onRecord?: () => void;
  /** True once the user interrupted (Ctrl-C): a JSON array is then still closed, so the file parses. */
  readonly interrupted?: () => boolean;
}

/** Resolves with the number of records written; rejects with the source's or the output's error. */
export async function writeRecords(records: AsyncIterable<unknown> | Iterable<unknown>, out: Writable, options: OutputOptions): Promise<number> {
  let count = 0;
  async function* counted() {
    for await (const record of records) {
      count++;
      options.onRecord?.();
      yield record;
    }
  }
  if (options.format === "csv") {
    // Rows → csv-stringify (its own backpressure) → out. An error anywhere destroys the chain, and
    // reading the CSV text then rejects with it; stopping the read ends the rows (and the download).
    const { stringify } = await importOptional<typeof import("csv-stringify")>("csv-stringify", "CSV output (--format csv)");
    const rows = Readable.from(csvRows(counted(), options.csv ?? {}), { highWaterMark: CSV_BUFFER.rows });
    const encoder = stringify({ cast: { boolean: (v) => String(v), date: (v) => v.toISOString() }, writableHighWaterMark: CSV_BUFFER.rows, readableHighWaterMark: CSV_BUFFER.bytes });
    const text = pipeline(rows, encoder, () => {});
    await drainInto(text, out);
  } else {
    await drainInto(textChunks(counted(), options.format, options.interrupted), out);
  }
  return count;
}

/**
 * Writes every chunk, waiting for `drain` when the output is full. stdout is not ours to end, and
 * unlike stream.pipeline this leaves no listener behind on it.
 */
export async function drainInto(source: AsyncIterable<string | Uint8Array>, out: Writable): Promise<void> {
  let failed: Error | undefined;
  const onError = (err: Error) => (failed ??= err);
  out.on("error", onError);
  try {
    for await (const chunk of source) {
      if (failed) throw failed;
      if (out.destroyed) throw closed();
      if (!out.write(chunk)) await drained(out);
    }
    if (failed) throw failed;
  } finally {
    out.off("error", onError);
  }
}

const closed = () => Object.assign(new Error("the output was closed"), { code: "ERR_STREAM_DESTROYED" });

function drained(out: Writable): Promise<void> {
  return new Promise((resolve, reject) => {
    const settle = (err?: Error) => {
      out.off("drain", onDrain);
      out.off("error", onFail);
      out.off("close", onClose);
      if (err) reject(err);
      else resolve();
    };
    const onDrain = () => settle();
    const onFail = (err: Error) => settle(err);
    const onClose = () => settle(closed());
    out.on("drain", onDrain);
    out.on("error", onFail);
    out.on("close", onClose);
  });
}

async function* textChunks(records: AsyncIterable<unknown>, format: "json" | "ndjson", interrupted?: () => boolean): AsyncGenerator<string> {
  // The "[" waits for the first record, so a call that fails at once prints nothing on stdout.
  let first = true;
  try {
    for await (const record of records) {
      const text = JSON.stringify(record);
      yield format === "json" ? `${first ? "[" : ","}\n  ${text}` : `${text}\n`;
      first = false;
    }
  } catch (err) {
    // Ctrl-C: what was written is what the user asked to keep, so it must parse. A failure of the
    // API leaves the array open on purpose: a file that parses would look complete.
    if (format === "json" && !first && interrupted?.()) yield "\n]\n";
    throw err;
  }
  if (format === "json") yield first ? "[]\n" : "\n]\n";
}

/**
 * Arrays for csv-stringify, the header first. Without fixed columns the header is the first row's
 * columns plus `_other`: fields that only later rows have go there as JSON, so no value is
 * dropped and no column shifts mid-file.
 */
async function* csvRows(records: AsyncIterable<unknown>, shape: CsvShape): AsyncGenerator<unknown[]> {
  let columns: readonly string[] | undefined = shape.columns;
  const dynamic = !columns;
  let known = new Set(columns);
  if (columns) yield [...columns];
  for await (const record of records) {
    for (const raw of shape.rows ? shape.rows(record) : [record]) {
      const row = raw !== null && typeof raw === "object" ? flatten(raw) : { value: raw };
      if (!columns) {
        columns = Object.keys(row);
        known = new Set(columns);
        yield [...columns, "_other"];
      }
      const cells: unknown[] = columns.map((c) => row[c]);
      if (dynamic) {
        const other = Object.keys(row).filter((k) => !known.has(k));
        cells.push(other.length ? JSON.stringify(Object.fromEntries(other.map((k) => [k, row[k]]))) : "");
      }
      yield cells;
    }
  }
}

/**
 * Writes records as they arrive — JSON array, NDJSON or CSV — waiting on the stream's
 * backpressure, so an export of any size runs in constant memory.
 */
import { once } from "node:events";
import type { Writable } from "node:stream";
import { stringify } from "csv-stringify";
import { flatten } from "./flatten.js";

export type Format = "json" | "ndjson" | "csv";

async function write(out: Writable, text: string): Promise<void> {
  if (!out.write(text)) await once(out, "drain");
}

export async function writeRecords(records: AsyncIterable<unknown> | Iterable<unknown>, format: Format, out: Writable, onRecord?: () => void): Promise<number> {
  let count = 0;
  if (format === "csv") {
    let csv: ReturnType<typeof stringify> | undefined;
    let columns: string[] = [];
    for await (const record of records) {
      const row = flatten(record);
      if (!csv) {
        // Columns come from the first record, plus `_other`: fields that later records add are
        // kept there as JSON rather than dropped or shifting the columns.
        columns = Object.keys(row);
        csv = stringify({ header: true, columns: [...columns, "_other"] });
        csv.on("data", (chunk: Buffer) => {
          if (!out.write(chunk)) csv!.pause();
        });
        out.on("drain", () => csv?.resume());
      }
      const other = Object.keys(row).filter((k) => !columns.includes(k));
      const line: Record<string, unknown> = Object.fromEntries(columns.map((c) => [c, row[c]]));
      line._other = other.length ? JSON.stringify(Object.fromEntries(other.map((k) => [k, row[k]]))) : "";
      if (!csv.write(line)) await once(csv, "drain");
      count++;
      onRecord?.();
    }
    if (csv) {
      csv.end();
      await once(csv, "end");
    }
    return count;
  }
  if (format === "json") await write(out, "[");
  for await (const record of records) {
    const text = JSON.stringify(record);
    await write(out, format === "json" ? `${count ? "," : ""}\n  ${text}` : `${text}\n`);
    count++;
    onRecord?.();
  }
  if (format === "json") await write(out, count ? "\n]\n" : "]\n");
  return count;
}

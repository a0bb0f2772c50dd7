/** Rows as PostgreSQL COPY text: tab-separated, `\N` for NULL, backslash escapes for the rest. */
import type { Row } from "./rows.js";

const SPECIAL = /[\\\t\n\r]/;

function field(value: string | number | null): string {
  if (value === null) return "\\N";
  if (typeof value === "number") return String(value);
  if (!SPECIAL.test(value)) return value;
  return value.replace(/\\/g, "\\\\").replace(/\t/g, "\\t").replace(/\n/g, "\\n").replace(/\r/g, "\\r");
}

function line(row: Row): string {
  let out = field(row[0]!);
  for (let i = 1; i < row.length; i++) out += `\t${field(row[i]!)}`;
  return `${out}\n`;
}

/** COPY text in pieces of about 64 KiB, so a big batch is never one huge string. */
export function* copyText(rows: Iterable<Row>): Generator<Buffer> {
  let out = "";
  for (const row of rows) {
    out += line(row);
    if (out.length >= 65536) {
      yield Buffer.from(out);
      out = "";
    }
  }
  if (out) yield Buffer.from(out);
}

/** A few hundred rows (a decode worker's chunk) as COPY text in one piece. */
export function copyTextBytes(rows: readonly Row[]): Buffer {
  let out = "";
  for (const row of rows) out += line(row);
  return Buffer.from(out);
}

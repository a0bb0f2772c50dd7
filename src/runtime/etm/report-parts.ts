/**
 * Streams the records of an ETM report download. The body is a ZIP of `part_*.json` files
 * (each a JSON array or `{data: [...]}`), or plain JSON. The ZIP is unzipped as it arrives
 * (fflate's streaming Unzip), so at most one part is held in memory at a time.
 */
import { Unzip, UnzipInflate, type UnzipFile } from "fflate";
import { ReportDownloadError } from "../errors/report-download-error.js";

function recordsOf(json: unknown): unknown[] | undefined {
  if (Array.isArray(json)) return json;
  if (json && typeof json === "object" && Array.isArray((json as { data?: unknown }).data)) return (json as { data: unknown[] }).data;
  return undefined;
}

function parsePart(reportId: string, name: string, bytes: Uint8Array): unknown[] {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch (err) {
    throw new ReportDownloadError(reportId, name, `not valid JSON (${(err as Error).message})`);
  }
  const records = recordsOf(json);
  if (!records) throw new ReportDownloadError(reportId, name, "JSON is neither a list nor {data: [...]}");
  return records;
}

function concat(chunks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.length;
  }
  return out;
}

/** Yields every record of every part, part after part, as the download arrives. */
export async function* reportRecords(reportId: string, body: ReadableStream<Uint8Array>): AsyncGenerator<unknown> {
  const reader = body.getReader();
  let first: Uint8Array | undefined;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (value.length) {
        first = value;
        break;
      }
    }
    if (!first) throw new ReportDownloadError(reportId, undefined, "the download is empty");
    if (first[0] === 0x50 && first[1] === 0x4b) {
      yield* unzipRecords(reportId, first, reader);
    } else {
      // Plain JSON: small enough per the sources (per-resource JSON); read it whole.
      const chunks = [first];
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        chunks.push(value);
      }
      yield* parsePart(reportId, "(json body)", concat(chunks));
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
}

async function* unzipRecords(
  reportId: string,
  first: Uint8Array,
  reader: ReadableStreamDefaultReader<Uint8Array>,
): AsyncGenerator<unknown> {
  const done: { name: string; bytes: Uint8Array }[] = [];
  let failure: ReportDownloadError | undefined;
  let open = 0;
  let parts = 0;
  const unzip = new Unzip((file: UnzipFile) => {
    if (file.name.endsWith("/")) return;
    parts += 1;
    open += 1;
    const chunks: Uint8Array[] = [];
    file.ondata = (err, chunk, final) => {
      if (err) {
        failure ??= new ReportDownloadError(reportId, file.name, `corrupt ZIP entry (${err.message})`);
        return;
      }
      chunks.push(chunk);
      if (final) {
        open -= 1;
        done.push({ name: file.name, bytes: concat(chunks) });
      }
    };
    file.start();
  });
  unzip.register(UnzipInflate);

  const push = (chunk: Uint8Array, final: boolean) => {
    try {
      unzip.push(chunk, final);
    } catch (err) {
      failure ??= new ReportDownloadError(reportId, undefined, `corrupt ZIP (${(err as Error).message})`);
    }
  };

  push(first, false);
  for (;;) {
    while (done.length) {
      const part = done.shift()!;
      yield* parsePart(reportId, part.name, part.bytes);
    }
    if (failure) throw failure;
    const { done: end, value } = await reader.read();
    if (end) break;
    push(value, false);
  }
  push(new Uint8Array(0), true);
  while (done.length) {
    const part = done.shift()!;
    yield* parsePart(reportId, part.name, part.bytes);
  }
  if (failure) throw failure;
  if (open > 0) throw new ReportDownloadError(reportId, undefined, "the ZIP ended in the middle of a part (truncated download)");
  if (parts === 0) throw new ReportDownloadError(reportId, undefined, "the ZIP holds no parts");
}

/**
 * The parts of a ZIP download, unzipped as the bytes arrive (fflate's streaming Unzip): a part is
 * handed on as soon as its last byte is inflated, and the next chunk is read only when the
 * consumer asks for more. So the download is never held whole; at most the part being read (and
 * any part that finished in the same chunk) is in memory. Parts come in archive order.
 */
import { Unzip, UnzipInflate, type UnzipFile } from "fflate";
import { ReportDownloadError } from "../errors/report-download-error.js";
import { concat } from "./bytes.js";
import { ZipTail } from "./zip-end.js";

export interface ZipPart {
  readonly name: string;
  readonly bytes: Uint8Array;
}

export async function* zipParts(reportId: string, chunks: AsyncIterable<Uint8Array>): AsyncGenerator<ZipPart, void, undefined> {
  const ready: ZipPart[] = [];
  const tail = new ZipTail();
  let failure: ReportDownloadError | undefined;
  let entries = 0;
  let open: string | undefined;

  const unzip = new Unzip((file: UnzipFile) => {
    entries += 1;
    open = file.name;
    const directory = file.name.endsWith("/");
    const data: Uint8Array[] = [];
    file.ondata = (err, chunk, final) => {
      if (failure) return;
      if (err) {
        failure = new ReportDownloadError(reportId, file.name, `corrupt ZIP entry (${err.message})`);
        return;
      }
      if (!directory && chunk.length) data.push(chunk);
      if (final) {
        open = undefined;
        if (!directory) ready.push({ name: file.name, bytes: concat(data) });
        data.length = 0;
      }
    };
    // Started even for directories: fflate keeps the bytes of an entry nobody started.
    file.start();
  });
  unzip.register(UnzipInflate);

  const push = (chunk: Uint8Array, final: boolean) => {
    try {
      unzip.push(chunk, final);
    } catch (err) {
      failure ??= new ReportDownloadError(reportId, open, `corrupt or truncated ZIP (${(err as Error).message})`);
    }
  };

  for await (const chunk of chunks) {
    tail.add(chunk);
    push(chunk, false);
    // Parts that finished before a failure in the same chunk are still good: hand them on first.
    while (ready.length) yield ready.shift()!;
    if (failure) throw failure;
  }
  push(new Uint8Array(0), true);
  while (ready.length) yield ready.shift()!;
  if (failure) throw failure;
  if (open !== undefined) throw new ReportDownloadError(reportId, open, "the ZIP ends inside this part (truncated download)");
  const listed = tail.entryCount();
  if (listed === undefined) throw new ReportDownloadError(reportId, undefined, "the ZIP has no end record (truncated download or not a ZIP)");
  if (listed !== entries) {
    throw new ReportDownloadError(reportId, undefined, `the ZIP lists ${listed} entries but only ${entries} could be read: it is corrupt`);
  }
}

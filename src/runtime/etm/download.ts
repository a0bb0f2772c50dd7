/**
 * The records of a report download, streamed. The body is a ZIP of `part_*.json` (each a JSON list
 * or `{data: [...]}`), or plain JSON. Which one is told by the first bytes ("PK" starts every ZIP),
 * since the generated download fetcher hands over the body without its headers; a JSON body is
 * small by the sources (one resource) and is read whole.
 */
import { ReportDownloadError } from "../errors/report-download-error.js";
import { chunksOf, concat } from "./bytes.js";
import { checkedRecords, parseJson, partRecords, reasonOf } from "./part-records.js";
import { zipParts } from "./zip-parts.js";

export async function* downloadRecords(reportId: string, body: ReadableStream<Uint8Array>): AsyncGenerator<unknown, void, undefined> {
  const source = chunksOf(body);
  try {
    const head: Uint8Array[] = [];
    let size = 0;
    while (size < 2) {
      const next = await source.next();
      if (next.done) break;
      head.push(next.value);
      size += next.value.length;
    }
    if (size === 0) throw new ReportDownloadError(reportId, undefined, "the download is empty");
    const first = concat(head);
    const rest = async function* () {
      yield first;
      yield* source;
    };
    if (first[0] === 0x50 && first[1] === 0x4b) {
      for await (const part of zipParts(reportId, rest())) yield* partRecords(reportId, part.name, part.bytes);
      return;
    }
    const all: Uint8Array[] = [];
    for await (const chunk of rest()) all.push(chunk);
    let json: unknown;
    try {
      json = parseJson(concat(all));
    } catch (err) {
      throw new ReportDownloadError(reportId, undefined, `the download is neither a ZIP nor valid JSON (${reasonOf(err)})`);
    }
    yield* checkedRecords(reportId, undefined, json);
  } finally {
    await source.return();
  }
}

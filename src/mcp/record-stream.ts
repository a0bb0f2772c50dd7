/**
 * Streamed record answers (spec `x-stream`: one JSON array, gzip or not, that the runtime decodes
 * as it arrives; PCRS posture) as listing pages. Such an answer has no size bound: a postureInfo
 * call for a few hundred hosts streams hundreds of megabytes. A tool call reads records only until
 * its answer is full, then stops the download; the cursor asks for the same request again and
 * skips the records already shown (the API sends the same request's records in the same order,
 * as the VM listings' cut pages assume too). So each call holds at most one answer's worth.
 */
import { postureRecordsOf } from "../runtime/pcrs/posture-stream.js";
import type { Answer } from "./answer.js";
import type { Args, Cursor } from "./cursor.js";
import { toJson } from "./json-fit.js";
import { listingAnswer } from "./listing.js";

type RecordDecoder = (body: ReadableStream<Uint8Array> | null | undefined, operationId: string) => AsyncIterable<unknown>;

/** The runtime's decoder of each `x-stream` operation's body, by tool name (tests/mcp checks that every x-stream operation of the specs has one). */
const DECODERS: Readonly<Record<string, RecordDecoder>> = {
  pcrs_getPostureInfo: postureRecordsOf,
  pcrs_getPostureInfoV4: postureRecordsOf,
};

/** Tool names whose answers are record streams. */
export const recordStreamTools: readonly string[] = Object.keys(DECODERS);

export function recordDecoder(tool: string): RecordDecoder | undefined {
  return Object.hasOwn(DECODERS, tool) ? DECODERS[tool] : undefined;
}

export interface StreamPage {
  readonly tool: string;
  readonly operation: string;
  /** The arguments the listing started with, and the ones this request was sent with. */
  readonly start: Args;
  readonly args: Args;
  readonly resume?: Cursor;
  readonly limit: number;
}

/** One answer's worth of a record stream: the records after the ones shown before, until the answer is full. */
export async function streamedRecords(decode: RecordDecoder, body: ReadableStream<Uint8Array> | null | undefined, page: StreamPage): Promise<Answer> {
  const skip = page.resume?.skip ?? 0;
  const items: unknown[] = [];
  let seen = 0;
  let size = 0;
  // Leaving the loop early returns the decoder, which cancels the download: the rest is never read.
  for await (const record of decode(body, page.operation)) {
    if (seen++ < skip) continue;
    items.push(record);
    size += toJson(record).length + 1;
    // One record past the limit tells the listing the stream goes on.
    if (size > page.limit) break;
  }
  if (seen < skip) {
    const listing = listingAnswer(page.tool, page.start, { items: [], pageArgs: page.args, skipped: skip, notes: [`the answer now has ${seen} records, fewer than the ${skip} shown before: it changed since; call without the cursor to read it again`] }, page.limit);
    return { text: listing.text };
  }
  const listing = listingAnswer(page.tool, page.start, { items, pageArgs: page.args, skipped: skip, unread: true }, page.limit);
  return { text: listing.text };
}

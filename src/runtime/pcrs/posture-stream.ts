/**
 * The posture records of one postureInfo answer, streamed: the unread body in, each record out as
 * soon as its closing brace arrives. gzip or not is told by the bytes (gunzip.ts), the array is
 * read incrementally (json-array.ts). A fault says how far it got: a connection fault or timeout
 * gains the records handed over, a body that is not a whole array is a JsonStreamError.
 */
import { redactedHead, type RedactText } from "../redact/cut.js";
import type { components } from "../../generated/pcrs/types.js";
import { JsonStreamError } from "../errors/json-stream-error.js";
import { chunksOf } from "../etm/bytes.js";
import { withRecords } from "../paging/progress.js";
import { GzipDecodeError, gunzipIfCompressed } from "./gunzip.js";
import { jsonArrayElements, type ArrayProgress } from "./json-array.js";

/** One posture: host × policy × control × instance (ids as numbers or exact decimal strings). */
export type PostureRecord = components["schemas"]["PostureRecord"];

/**
 * The records of a posture answer. `body` is what the generated getPostureInfo resolves with:
 * the unread stream, or undefined for a 204 (no posture for those hosts: no records).
 */
export async function* postureRecordsOf(
  body: ReadableStream<Uint8Array> | null | undefined,
  operationId = "getPostureInfo",
  redact?: RedactText,
): AsyncGenerator<PostureRecord, void, undefined> {
  if (!body) return;
  const progress: ArrayProgress = { bytes: 0, records: 0 };
  try {
    for await (const element of jsonArrayElements(gunzipIfCompressed(chunksOf(body)), operationId, progress, redact)) {
      if (element === null || typeof element !== "object" || Array.isArray(element)) {
        // The element was counted as it came out of the array; it is not handed over.
        throw new JsonStreamError(`an array element that is not a posture record (${redactedHead(JSON.stringify(element) ?? "", 60, redact)})`, { operationId, problem: "malformed-json", bytes: progress.bytes, records: progress.records - 1 });
      }
      yield element as PostureRecord;
    }
  } catch (err) {
    if (err instanceof GzipDecodeError) {
      throw new JsonStreamError(err.truncated ? "gzip data that stops before its end" : "gzip data that does not decode", { operationId, problem: err.truncated ? "truncated-gzip" : "corrupt-gzip", ...progress }, { cause: err });
    }
    throw withRecords(err, progress.records);
  }
}

/**
 * Content-Encoding of answers: the transport asks for gzip/deflate/br (as fetch does: detection
 * lists shrink ~10× on the wire) and decodes them, whole for a small answer, as a stream otherwise.
 */
import type { Transform } from "node:stream";
import { brotliDecompressSync, createBrotliDecompress, createGunzip, createInflate, gunzipSync, inflateSync } from "node:zlib";

export type ContentEncoding = "gzip" | "deflate" | "br";

/** Response bodies are never shared memory. */
export type Bytes = Uint8Array<ArrayBuffer>;

/** The encoding named by a Content-Encoding value, if it is one this transport decodes. */
export function contentEncodingOf(value: string): ContentEncoding | undefined {
  const name = value.trim().toLowerCase();
  if (name === "gzip" || name === "x-gzip") return "gzip";
  return name === "deflate" || name === "br" ? name : undefined;
}

export function decodeWhole(bytes: Buffer, encoding: ContentEncoding | undefined): Bytes {
  switch (encoding) {
    case "gzip":
      return gunzipSync(bytes) as Bytes;
    case "deflate":
      return inflateSync(bytes) as Bytes;
    case "br":
      return brotliDecompressSync(bytes) as Bytes;
    default:
      return bytes as Bytes;
  }
}

export function createDecoder(encoding: ContentEncoding): Transform {
  return encoding === "br" ? createBrotliDecompress() : encoding === "deflate" ? createInflate() : createGunzip();
}

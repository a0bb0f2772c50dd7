/**
 * fflate's streaming Unzip reads local entry headers one after another and skips bytes it cannot
 * place. A damaged header would make it skip a whole part without a word, so the walk checks the
 * entries it read against the count in the archive's end record. The end record sits in the last
 * bytes of the stream (22 bytes plus a comment of at most 65,535, plus the ZIP64 records), so
 * only that tail is kept, never the archive.
 */
import { concat } from "./bytes.js";

const KEEP = 128 * 1024;
const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;

export class ZipTail {
  private chunks: Uint8Array[] = [];
  private kept = 0;
  private seen = 0;

  add(chunk: Uint8Array): void {
    this.chunks.push(chunk);
    this.kept += chunk.length;
    this.seen += chunk.length;
    while (this.chunks.length > 1 && this.kept - this.chunks[0]!.length >= KEEP) this.kept -= this.chunks.shift()!.length;
  }

  /** Entries the end record announces, or undefined when the stream has no valid end record. */
  entryCount(): number | undefined {
    const buf = concat(this.chunks);
    const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    for (let i = buf.length - 22; i >= 0 && i >= buf.length - 22 - 0xffff; i--) {
      // Bytes after the record (a proxy's trailing newline) are tolerated; a record cut short is not.
      if (view.getUint32(i, true) !== EOCD || i + 22 + view.getUint16(i + 20, true) > buf.length) continue;
      const count = view.getUint16(i + 10, true);
      if (count !== 0xffff) return count;
      const locator = i - 20;
      if (locator < 0 || view.getUint32(locator, true) !== ZIP64_LOCATOR) return undefined;
      const at = Number(view.getBigUint64(locator + 8, true)) - (this.seen - buf.length);
      if (at < 0 || at + 56 > buf.length || view.getUint32(at, true) !== ZIP64_EOCD) return undefined;
      return Number(view.getBigUint64(at + 32, true));
    }
    return undefined;
  }
}

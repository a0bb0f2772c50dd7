/**
 * What a streaming TextDecoder did with the bytes it was given, known without re-encoding its
 * output: how many body bytes a decoded piece came from (for byte offsets in errors), and how
 * many invalid byte sequences it replaced with U+FFFD (counted, so a damaged body is reported
 * instead of passing as clean text). Measuring each piece with Buffer.byteLength cost a tenth
 * of the decoder's time on a large page; these look only at a piece's last bytes, and search
 * its bytes only when its text holds a U+FFFD.
 */

/** Tracks one stream of bytes through a streaming TextDecoder of `encoding` (a WHATWG name). */
export class ByteCounter {
  /** Bytes fed so far. */
  private fed = 0;
  /** UTF-8 bytes the decoder holds back: an unfinished character at the end of what was fed. */
  private pending = 0;
  /** The last bytes fed (up to 3, in order), for sequences that span two parts. */
  private last = new Uint8Array(0);
  /** The body's own encoding of U+FFFD (none in a single-byte encoding). */
  private readonly literal: Buffer | undefined;
  private readonly utf8: boolean;
  private readonly utf16: boolean;
  /** Invalid byte sequences replaced with U+FFFD so far. */
  replaced = 0;
  /**
   * The body bytes of the last decoded text when it is UTF-8 and holds a U+FFFD (else undefined):
   * a replacement stands for 1 to 3 bytes, not the 3 of its own encoding, so an offset inside
   * that text is found by walking these bytes (utf8BytesOf), only when an error asks for it.
   */
  shown: Uint8Array | undefined;

  /**
   * @param bom Bytes of the byte order mark the body starts with: the decoder drops it, and
   * outside UTF-8 (counted from the bytes fed) the first piece's count has to add it.
   */
  constructor(encoding: string, private bom = 0) {
    this.utf8 = encoding === "utf-8";
    this.utf16 = encoding === "utf-16le" || encoding === "utf-16be";
    this.literal = this.utf8 ? Buffer.from([0xef, 0xbf, 0xbd]) : encoding === "utf-16le" ? Buffer.from([0xfd, 0xff]) : encoding === "utf-16be" ? Buffer.from([0xff, 0xfd]) : undefined;
  }

  /**
   * Accounts for `part` having been fed to the decoder and `text` having come out; returns the
   * body bytes `text` came from (held-back bytes count for the piece that shows their character).
   */
  decoded(part: Uint8Array, text: string): number {
    const start = this.fed;
    this.fed += part.length;
    this.shown = undefined;
    if (text.indexOf("\uFFFD") >= 0) {
      this.replaced += replacementsIn(text) - this.literals(part, start);
      // The byte order mark is not part of the text (the piece's `skipped` counts it).
      if (this.utf8) this.shown = Buffer.concat([this.held(), part]).subarray(start === 0 ? this.bom : 0);
    }
    let bytes: number;
    if (this.utf8) {
      const before = this.pending;
      this.pending = utf8Pending(part, this.last);
      bytes = part.length + before - this.pending;
    } else {
      // Two bytes per UTF-16 unit, one per character of a single-byte encoding.
      bytes = this.bom + (this.utf16 ? 2 * text.length : text.length);
      this.bom = 0;
    }
    this.remember(part);
    return bytes;
  }

  /** The end of the stream: what the decoder's final flush gave (an unfinished character: U+FFFD). */
  flushed(text: string): number {
    this.replaced += replacementsIn(text);
    this.shown = this.utf8 && text !== "" ? Uint8Array.from(this.held()) : undefined;
    const bytes = this.utf8 ? this.pending : this.utf16 ? 2 * text.length : text.length;
    this.pending = 0;
    return bytes;
  }

  /** Encoded U+FFFD of the body itself whose last byte is in `part` (fed from byte `start` on). */
  private literals(part: Uint8Array, start: number): number {
    const literal = this.literal;
    if (literal === undefined) return 0;
    // UTF-16 units start at even offsets (a byte order mark is one unit).
    const counts = (offset: number) => !this.utf16 || offset % 2 === 0;
    let count = 0;
    // Matches that start in the bytes before `part`.
    const carry = this.last.subarray(Math.max(0, this.last.length - (literal.length - 1)));
    const edge = Buffer.concat([carry, part.subarray(0, literal.length - 1)]);
    for (let i = 0; i < carry.length; i++) {
      if (i + literal.length <= edge.length && literal.every((b, j) => edge[i + j] === b) && counts(start - carry.length + i)) count++;
    }
    const bytes = Buffer.from(part.buffer, part.byteOffset, part.length);
    for (let at = bytes.indexOf(literal); at >= 0; at = bytes.indexOf(literal, at + 1)) if (counts(start + at)) count++;
    return count;
  }

  /** The UTF-8 bytes held back at the end of what was fed so far. */
  private held(): Uint8Array {
    return this.last.subarray(this.last.length - this.pending);
  }

  private remember(part: Uint8Array): void {
    this.last = part.length >= 3 ? part.slice(part.length - 3) : Buffer.concat([this.last, part]).subarray(-3);
  }
}

function replacementsIn(text: string): number {
  let count = 0;
  for (let at = text.indexOf("\uFFFD"); at >= 0; at = text.indexOf("\uFFFD", at + 1)) count++;
  return count;
}

/** Bytes a lead byte starts a sequence of (0: not a lead). */
function sequenceLength(lead: number): number {
  if (lead >= 0xc2 && lead <= 0xdf) return 2;
  if (lead >= 0xe0 && lead <= 0xef) return 3;
  if (lead >= 0xf0 && lead <= 0xf4) return 4;
  return 0;
}

/** The allowed range of the byte after a lead (the Encoding Standard's UTF-8 decoder). */
function secondInRange(lead: number, second: number): boolean {
  if (lead === 0xe0) return second >= 0xa0 && second <= 0xbf;
  if (lead === 0xed) return second >= 0x80 && second <= 0x9f;
  if (lead === 0xf0) return second >= 0x90 && second <= 0xbf;
  if (lead === 0xf4) return second >= 0x80 && second <= 0x8f;
  return second >= 0x80 && second <= 0xbf;
}

/**
 * Bytes at the end of the UTF-8 stream (`part` after the `earlier` bytes) that a streaming
 * decoder holds back: a valid but unfinished sequence. An invalid one was already replaced.
 */
export function utf8Pending(part: Uint8Array, earlier: Uint8Array): number {
  const at = (k: number) => (k <= part.length ? part[part.length - k]! : earlier[earlier.length - (k - part.length)]!);
  const available = part.length + earlier.length;
  for (let k = 1; k <= 3 && k <= available; k++) {
    const b = at(k);
    if (b >= 0x80 && b <= 0xbf) continue;
    const length = sequenceLength(b);
    if (length <= k) return 0;
    return k === 1 || secondInRange(b, at(k - 1)) ? k : 0;
  }
  return 0;
}

/**
 * Bytes at the start of `bytes` (UTF-8, starting at a character) that decode to the first `units`
 * UTF-16 units, following the Encoding Standard's UTF-8 decoder: an invalid sequence is one
 * U+FFFD for the bytes up to the one that broke it, which is then read again.
 */
export function utf8BytesOf(bytes: Uint8Array, units: number): number {
  let out = 0;
  let needed = 0;
  let seen = 0;
  let lower = 0x80;
  let upper = 0xbf;
  for (let i = 0; i < bytes.length; i++) {
    if (needed === 0 && out >= units) return i;
    const b = bytes[i]!;
    if (needed === 0) {
      if (b <= 0x7f) out++;
      else if (b >= 0xc2 && b <= 0xdf) needed = 1;
      else if (b >= 0xe0 && b <= 0xef) {
        if (b === 0xe0) lower = 0xa0;
        if (b === 0xed) upper = 0x9f;
        needed = 2;
      } else if (b >= 0xf0 && b <= 0xf4) {
        if (b === 0xf0) lower = 0x90;
        if (b === 0xf4) upper = 0x8f;
        needed = 3;
      } else out++;
      continue;
    }
    if (b < lower || b > upper) {
      needed = seen = 0;
      lower = 0x80;
      upper = 0xbf;
      out++;
      i--;
      continue;
    }
    lower = 0x80;
    upper = 0xbf;
    if (++seen === needed) {
      out += needed === 3 ? 2 : 1;
      needed = seen = 0;
    }
  }
  return bytes.length;
}

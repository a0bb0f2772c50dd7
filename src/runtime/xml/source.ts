/**
 * Turns a response body (web ReadableStream, async or sync iterable of bytes or strings, or a
 * string) into decoded text pieces for the tokenizer, pulling one source chunk at a time so a
 * slow consumer holds the download back. Bytes are decoded with a streaming TextDecoder because
 * saxes would corrupt a multi-byte character split across chunks. Qualys sends UTF-8; a byte
 * order mark or an `encoding=` in the XML declaration is honoured or refused (encoding.ts), and
 * invalid bytes become U+FFFD (counted). A source that starts with a string is taken as decoded text. Big chunks are cut into
 * pieces of at most PIECE characters, so one huge chunk cannot release thousands of records at
 * once. A body that breaks off is reported as an XmlParseError (cause kept), unless the transport
 * already typed the fault (NetworkError); an abort or timeout is passed through as is. Each piece
 * says how many body bytes it came from and how many invalid sequences it shows as U+FFFD.
 */
import { NetworkError } from "../errors/network-error.js";
import { XmlParseError } from "../errors/xml-parse-error.js";
import { ByteCounter, utf8BytesOf } from "./byte-count.js";
import { detectEncoding, type BodyEncoding } from "./encoding.js";

export type XmlSource = AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string> | ReadableStream<Uint8Array> | string | Uint8Array;

/** Largest piece handed to the tokenizer at once, in bytes (for byte input) or characters. */
export const PIECE = 64 * 1024;

export interface Piece {
  readonly text: string;
  /** Body bytes of `text` (its UTF-8 length for UTF-8 bodies), a byte order mark included. */
  readonly bytes: number;
  /** Body bytes a part of `text` came from. */
  readonly byteLength: (text: string) => number;
  /** Bytes before `text` that it does not show (the byte order mark of the first piece). */
  readonly skipped: number;
  /** Invalid byte sequences of the body that `text` shows as U+FFFD. */
  readonly replaced: number;
  /** The encoding the bytes were decoded from (WHATWG name); undefined for text given as text. */
  readonly encoding: string | undefined;
}

const utf8Length = (text: string) => Buffer.byteLength(text);

type Chunk = Uint8Array | string;

/** Async iterator over a source; `return()` also cancels a ReadableStream mid-read. */
function iterate(source: XmlSource): AsyncIterator<Chunk> | Iterator<Chunk> {
  if (typeof source === "string" || source instanceof Uint8Array) return [source][Symbol.iterator]();
  if (typeof (source as ReadableStream<Uint8Array>).getReader === "function") {
    const reader = (source as ReadableStream<Uint8Array>).getReader();
    return {
      next: async () => {
        const r = await reader.read();
        return r.done ? { done: true, value: undefined } : { done: false, value: r.value };
      },
      return: async () => {
        await reader.cancel().catch(() => {});
        return { done: true, value: undefined };
      },
    };
  }
  if (Symbol.asyncIterator in (source as object)) return (source as AsyncIterable<Chunk>)[Symbol.asyncIterator]();
  if (Symbol.iterator in (source as object)) return (source as Iterable<Chunk>)[Symbol.iterator]();
  throw new TypeError("decodeXml: the source must be a ReadableStream, an (async) iterable of Uint8Array or string, a string or a Uint8Array");
}

function abortable<T>(promise: Promise<T> | T, signal: AbortSignal | undefined): Promise<T> | T {
  if (signal === undefined) return promise;
  signal.throwIfAborted();
  let onAbort!: () => void;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
  });
  return Promise.race([promise, aborted]).finally(() => signal.removeEventListener("abort", onAbort));
}

const isAbort = (err: unknown) => {
  const name = (err as { name?: unknown } | null)?.name;
  return name === "AbortError" || name === "TimeoutError";
};

/** Decoded pieces of the body, in order; the last one flushes the decoder. */
export async function* textPieces(source: XmlSource, options: { signal?: AbortSignal; httpStatus?: number; charset?: string }): AsyncGenerator<Piece> {
  const iterator = iterate(source);
  // Chosen from the first bytes; a source that starts with text is UTF-8 from then on.
  let encoding: BodyEncoding | undefined;
  let decoder: TextDecoder | undefined;
  let counter: ByteCounter | undefined;
  let head: Uint8Array = new Uint8Array(0);
  let skipped = 0;
  let replaced = 0;
  const open = (found: BodyEncoding) => {
    encoding = found;
    decoder = new TextDecoder(found.name);
    counter = new ByteCounter(found.name, found.bomBytes);
    skipped = found.bomBytes;
  };
  // Bytes of pieces not handed out (all held back by the decoder) go with the next one.
  let unsent = 0;
  const piece = (text: string, bytes: number): Piece => {
    const shown = counter!.shown;
    const byteLength = shown === undefined ? encoding!.byteLength : (part: string) => utf8BytesOf(shown, part.length);
    const p = { text, bytes: unsent + bytes, byteLength, skipped, replaced: counter!.replaced - replaced, encoding: encoding!.name };
    skipped = 0;
    unsent = 0;
    replaced = counter!.replaced;
    return p;
  };
  function* decode(bytes: Uint8Array): Generator<Piece> {
    for (let i = 0; i < bytes.length; i += PIECE) {
      const part = bytes.subarray(i, Math.min(i + PIECE, bytes.length));
      const text = decoder!.decode(part, { stream: true });
      const n = counter!.decoded(part, text);
      if (text !== "") yield piece(text, n);
      else unsent += n;
    }
  }
  let received = 0;
  let finished = false;
  try {
    for (;;) {
      let next: IteratorResult<Chunk>;
      try {
        next = await abortable(iterator.next(), options.signal);
      } catch (err) {
        if (isAbort(err) || err instanceof NetworkError || options.signal?.aborted) throw err;
        throw new XmlParseError(`The response body broke off after ${received} bytes (${(err as Error)?.message ?? String(err)})`, {
          offset: received,
          httpStatus: options.httpStatus,
          cause: err,
        });
      }
      if (next.done) break;
      const chunk = next.value;
      if (typeof chunk === "string") {
        if (encoding === undefined) {
          open(detectEncoding(head, true, options)!);
          yield* decode(head);
        }
        received += Buffer.byteLength(chunk);
        for (let i = 0; i < chunk.length; ) {
          let end = Math.min(i + PIECE, chunk.length);
          // Never end a piece between the halves of a surrogate pair.
          const last = chunk.charCodeAt(end - 1);
          if (end < chunk.length && last >= 0xd800 && last <= 0xdbff) end++;
          const text = chunk.slice(i, end);
          yield { text, bytes: Buffer.byteLength(text), byteLength: utf8Length, skipped: 0, replaced: 0, encoding: undefined };
          i = end;
        }
      } else {
        received += chunk.length;
        let bytes = chunk;
        if (encoding === undefined) {
          head = concat(head, chunk);
          const found = detectEncoding(head, false, options);
          if (found === undefined) continue;
          open(found);
          bytes = head;
          head = new Uint8Array(0);
        }
        yield* decode(bytes);
      }
      options.signal?.throwIfAborted();
    }
    finished = true;
    if (encoding === undefined) {
      open(detectEncoding(head, true, options)!);
      yield* decode(head);
    }
    const rest = decoder!.decode();
    const n = counter!.flushed(rest);
    if (rest !== "") yield piece(rest, n);
  } finally {
    // Stop the download when the reader stops early. An abort must not wait on a pending read.
    if (!finished) {
      const done = iterator.return?.();
      if (options.signal?.aborted) void Promise.resolve(done).catch(() => {});
      else await Promise.resolve(done).catch(() => {});
    }
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

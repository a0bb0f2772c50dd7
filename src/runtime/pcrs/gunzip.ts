/**
 * A body that may be gzip whatever its headers say: PCRS gzips posture by default, and whether the
 * gateway then sets Content-Encoding is unknown (with it, the transport has already decoded the
 * bytes). So the bytes decide: gzip's magic (1f 8b) first means gunzip here, as it arrives.
 */
import { Readable } from "node:stream";
import { createGunzip } from "node:zlib";

export const isGzipStart = (bytes: Uint8Array): boolean => bytes[0] === 0x1f && bytes[1] === 0x8b;

/** Thrown by `gunzipIfCompressed` for gzip bytes that do not decode; `truncated` when they stop early. */
export class GzipDecodeError extends Error {
  override name = "GzipDecodeError";
  constructor(
    readonly truncated: boolean,
    cause: unknown,
  ) {
    super(`${truncated ? "the gzip data stops before its end" : "the gzip data is corrupt"} (${(cause as { code?: string }).code ?? (cause as Error).message})`, { cause });
  }
}

export async function* gunzipIfCompressed(source: AsyncIterable<Uint8Array>, onGzip?: (gzip: boolean) => void): AsyncGenerator<Uint8Array, void, undefined> {
  const iterator = source[Symbol.asyncIterator]();
  const head: Uint8Array[] = [];
  let size = 0;
  let finished = false;
  try {
    while (size < 2) {
      const next = await iterator.next();
      if (next.done) {
        finished = true;
        break;
      }
      head.push(next.value);
      size += next.value.length;
    }
    const start = head.length === 1 ? head[0]! : Buffer.concat(head);
    const gzip = size >= 2 && isGzipStart(start);
    onGzip?.(gzip);
    if (!gzip) {
      if (size) yield start;
      if (finished) return;
      for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
      finished = true;
      return;
    }
    yield* gunzipped(start, iterator, finished);
    finished = true;
  } finally {
    if (!finished) await iterator.return?.();
  }
}

async function* gunzipped(start: Uint8Array, rest: AsyncIterator<Uint8Array>, restDone: boolean): AsyncGenerator<Uint8Array, void, undefined> {
  const input = Readable.from(
    (async function* () {
      yield start;
      if (restDone) return;
      for (let next = await rest.next(); !next.done; next = await rest.next()) yield next.value;
    })(),
    { objectMode: false },
  );
  const gunzip = createGunzip();
  // A fault of the body itself (a reset, say) ends the gunzip with that very error.
  input.on("error", (err) => gunzip.destroy(err));
  input.pipe(gunzip);
  let zlibFault = true;
  input.once("error", () => (zlibFault = false));
  try {
    for await (const chunk of gunzip) yield chunk as Buffer;
  } catch (err) {
    if (zlibFault && isZlibError(err)) throw new GzipDecodeError((err as { code?: string }).code === "Z_BUF_ERROR", err);
    throw err;
  } finally {
    input.destroy();
    gunzip.destroy();
  }
}

function isZlibError(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code;
  return typeof code === "string" && code.startsWith("Z_");
}

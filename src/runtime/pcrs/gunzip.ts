/**
 * A body that may be gzip whatever its headers say: PCRS gzips posture by default, and whether the
 * gateway then sets Content-Encoding is unknown (with it, the transport has already decoded the
 * bytes). So the bytes decide: gzip's magic (1f 8b) first means gunzip here, as it arrives.
 */
import { constants, createGunzip } from "node:zlib";

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

/** Decompressed chunks waiting for the reader past this many: the gunzip pauses (and so the body read). */
const QUEUE_LIMIT = 32;

/**
 * The gunzipped body, as it arrives. When the body itself breaks (a reset), the bytes that did
 * arrive are decompressed and handed over first, then the fault: a record on the wire before the
 * break is never lost to it (destroying the gunzip at once would drop what it still holds).
 */
async function* gunzipped(start: Uint8Array, rest: AsyncIterator<Uint8Array>, restDone: boolean): AsyncGenerator<Uint8Array, void, undefined> {
  const gunzip = createGunzip();
  const queue: Buffer[] = [];
  let ended = false;
  let failure: { error: unknown } | undefined;
  let wake: (() => void) | undefined;
  const notify = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  gunzip.on("data", (chunk: Buffer) => {
    queue.push(chunk);
    if (queue.length >= QUEUE_LIMIT) gunzip.pause();
    notify();
  });
  gunzip.on("end", () => {
    ended = true;
    notify();
  });
  gunzip.on("error", (err) => {
    failure ??= { error: isZlibError(err) ? new GzipDecodeError((err as { code?: string }).code === "Z_BUF_ERROR", err) : err };
    notify();
  });
  let stopped = false;
  const write = async (chunk: Uint8Array) => {
    if (gunzip.write(chunk)) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        gunzip.off("drain", done);
        gunzip.off("close", done);
        resolve();
      };
      gunzip.on("drain", done);
      gunzip.on("close", done);
    });
  };
  const pump = (async () => {
    try {
      await write(start);
      if (!restDone) for (let next = await rest.next(); !next.done && !stopped; next = await rest.next()) await write(next.value);
      if (!stopped) gunzip.end();
    } catch (err) {
      // The body broke: what came before it still decodes, then the fault is the reader's.
      if (gunzip.destroyed) return;
      gunzip.flush(constants.Z_SYNC_FLUSH, () => {
        failure ??= { error: err };
        notify();
      });
    }
  })();
  try {
    for (;;) {
      const chunk = queue.shift();
      if (chunk) {
        if (queue.length < QUEUE_LIMIT / 2 && gunzip.isPaused()) gunzip.resume();
        yield chunk;
        continue;
      }
      if (failure) throw failure.error;
      if (ended) return;
      await new Promise<void>((resolve) => (wake = resolve));
    }
  } finally {
    stopped = true;
    gunzip.destroy();
    if (!restDone) await rest.return?.().catch(() => undefined);
    await pump;
  }
}

function isZlibError(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code;
  return typeof code === "string" && code.startsWith("Z_");
}

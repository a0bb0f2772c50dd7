/**
 * Where the export decodes XML into rows: in-process (small exports, tests), or in a pool of
 * worker threads sized to the cores so the main thread only schedules requests and writes. Both
 * plug into the VM client as its page decoder, so auth, the rate-limit scheduler, retries and
 * truncation paging stay where they are; what comes out of the record stream are RowChunks.
 */
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { descriptors } from "../generated/vm/index.js";
import { QualysError } from "../runtime/errors/qualys-error.js";
import type { PageDecoder } from "../runtime/vm/module.js";
import { decodeXml, type XmlDecodeStream, type XmlDecodeSummary } from "../runtime/xml/decode.js";
import type { XmlRoot } from "../runtime/xml/descriptor.js";
import { deliverWarning, newSummary } from "../runtime/xml/warnings.js";
import type { RowFormat } from "./row-list.js";
import { addRecord, emptyChunk, type DecodedChunk, type RecordKind, type RowChunk } from "./rows.js";
import { CHUNK_RECORDS, type FromWorker, type ToWorker } from "./worker-protocol.js";

export interface RowDecoder {
  /** Decodes pages of `kind` into RowChunks carrying `runId`. */
  pageDecoder(kind: RecordKind, runId: number): PageDecoder;
  close(): Promise<void>;
}

export function inProcessDecoder(): RowDecoder {
  return {
    pageDecoder: (kind, runId) => (body, root, options) => {
      const stream = decodeXml(body, root, options);
      return {
        document: stream.document,
        summary: stream.summary,
        async *[Symbol.asyncIterator]() {
          let chunk = emptyChunk();
          for await (const record of stream) {
            addRecord(chunk, kind, record, runId);
            if (chunk.records >= CHUNK_RECORDS) {
              yield chunk;
              chunk = emptyChunk();
            }
          }
          if (chunk.records) yield chunk;
        },
      } satisfies XmlDecodeStream<RowChunk, unknown>;
    },
    close: async () => {},
  };
}

/** Default pool size: one per core, the main thread keeping one (at least 1, at most 8). */
export function defaultWorkers(): number {
  return Math.max(1, Math.min(8, availableParallelism() - 1));
}

/** Bytes posted to a worker and not yet taken by its decoder, per answer: the read pauses past this. */
const MAX_UNREAD = 4 * 1024 * 1024;
/**
 * Bytes of an answer gathered before they go to the worker in one message. A read off the socket
 * is often a few KB; a message each costs both threads more than decoding them does.
 */
const POST_BYTES = 64 * 1024;

const rootNames = new Map<XmlRoot, string>(Object.entries(descriptors as unknown as Record<string, XmlRoot>).map(([name, root]) => [root, name]));

/** An error the decoder raised in a worker, with the original name and message. */
export class WorkerDecodeError extends QualysError {
  constructor(name: string, message: string, props: Record<string, unknown>) {
    super(message);
    this.name = name;
    Object.assign(this, props);
  }
}

interface Pending {
  readonly onMessage: (message: FromWorker) => void;
}

/** Jobs of one worker; the worker keeps the process alive only while it has some. */
class JobMap extends Map<number, Pending> {
  constructor(private readonly onSize: (size: number) => void) {
    super();
  }
  override set(key: number, value: Pending): this {
    super.set(key, value);
    this.onSize(this.size);
    return this;
  }
  override delete(key: number): boolean {
    const had = super.delete(key);
    this.onSize(this.size);
    return had;
  }
  override clear(): void {
    super.clear();
    this.onSize(0);
  }
}

class PooledWorker {
  readonly worker: Worker;
  readonly jobs: JobMap;
  failed: Error | undefined;

  constructor() {
    this.worker = spawnWorker();
    this.jobs = new JobMap((size) => (size ? this.worker.ref() : this.worker.unref()));
    this.worker.on("message", (message: FromWorker) => this.jobs.get(message.job)?.onMessage(message));
    const fail = (err: Error) => {
      this.failed = err;
      for (const [job, pending] of this.jobs) pending.onMessage({ type: "error", job, error: { name: "WorkerDecodeError", message: `decode worker stopped: ${err.message}`, props: {} } });
      this.jobs.clear();
    };
    this.worker.on("error", fail);
    this.worker.on("exit", (code) => code !== 0 && fail(new Error(`exit code ${code}`)));
    this.worker.unref();
  }
}

/**
 * A decode worker's heap: a young generation of 8 MB instead of V8's default of ~32 MB. What it
 * allocates is garbage within a record or two, so a small nursery costs a few % more scavenges
 * and saves the RSS; the old generation keeps V8's default (one RESULTS text may be 32 MB).
 */
const WORKER_LIMITS = { maxYoungGenerationSizeMb: 8 };

function spawnWorker(): Worker {
  if (import.meta.url.endsWith(".ts")) {
    // Running from source (tsx, vitest): the worker loads its TypeScript through tsx's API.
    const entry = new URL("./decode-worker.ts", import.meta.url).href;
    const api = import.meta.resolve("tsx/esm/api");
    return new Worker(`import(${JSON.stringify(api)}).then((m) => m.tsImport(${JSON.stringify(entry)}, ${JSON.stringify(import.meta.url)}));`, { eval: true, resourceLimits: WORKER_LIMITS });
  }
  return new Worker(new URL("./decode-worker.js", import.meta.url), { resourceLimits: WORKER_LIMITS });
}

/** `rowFormat`: how detection rows travel to the main thread, the form its store writes (row-list.ts). */
export function workerPoolDecoder(size = defaultWorkers(), rowFormat: RowFormat = "json"): RowDecoder {
  const pool: PooledWorker[] = [];
  let nextJob = 1;
  const pick = (): PooledWorker => {
    for (let i = pool.length - 1; i >= 0; i--) if (pool[i]!.failed) pool.splice(i, 1);
    let best: PooledWorker | undefined;
    for (const w of pool) if (!best || w.jobs.size < best.jobs.size) best = w;
    if (!best || (best.jobs.size > 0 && pool.length < size)) {
      best = new PooledWorker();
      pool.push(best);
    }
    return best;
  };

  const decode = (kind: RecordKind, runId: number): PageDecoder => (body, root, options) => {
    const descriptor = rootNames.get(root);
    if (!descriptor) throw new QualysError(`no generated descriptor for <${root.name}>`);
    const worker = pick();
    const job = nextJob++;
    const chunks: DecodedChunk[] = [];
    // The worker's counters, filled in when it is done with the answer.
    const summary = newSummary();
    /** The worker's final counters, and its warnings to the caller's onWarning. */
    const takeSummary = (final: XmlDecodeSummary | undefined) => {
      if (final) Object.assign(summary, final);
      for (const warning of summary.warnings) deliverWarning(warning, options.onWarning);
    };
    let finished = false;
    let failure: Error | undefined;
    let wake: (() => void) | undefined;
    let unread = 0;
    let credit: (() => void) | undefined;
    let resolveDoc!: (doc: unknown) => void;
    let rejectDoc!: (err: unknown) => void;
    const document = new Promise<unknown>((resolve, reject) => {
      resolveDoc = resolve;
      rejectDoc = reject;
    });
    document.catch(() => {}); // read by the caller after the records; never an unhandled rejection
    const notify = () => {
      const w = wake;
      wake = undefined;
      w?.();
    };
    const fail = (err: Error) => {
      if (finished) return;
      finished = true;
      failure = err;
      worker.jobs.delete(job);
      rejectDoc(err);
      credit?.();
      notify();
    };
    worker.jobs.set(job, {
      onMessage(message) {
        if (message.type === "ack") {
          unread -= message.bytes;
          if (unread <= MAX_UNREAD) credit?.();
        } else if (message.type === "rows") {
          chunks.push(message.chunk);
          notify();
        } else if (message.type === "done") {
          takeSummary(message.summary);
          finished = true;
          worker.jobs.delete(job);
          resolveDoc(message.document);
          notify();
        } else {
          takeSummary(message.summary);
          fail(new WorkerDecodeError(message.error.name, message.error.message, message.error.props));
        }
      },
    });
    const post = (message: ToWorker, transfer?: ArrayBuffer[]) => worker.worker.postMessage(message, transfer);
    post({ type: "start", job, descriptor, kind, runId, rowFormat, options: { httpStatus: options.httpStatus, operation: options.operation, redactForms: options.redactForms?.() } });

    const reader = body.getReader();
    const onAbort = () => fail(options.signal?.reason instanceof Error ? options.signal.reason : new Error("aborted"));
    options.signal?.addEventListener("abort", onAbort, { once: true });
    // Reads are copied into `gathered`, which is transferred once full: a read may be a view into a
    // buffer the transport still uses (undici reads the socket into pooled buffers, even a chunk
    // that spans one whole), and transferring that would detach it under the next read.
    let gathered = new Uint8Array(POST_BYTES);
    let used = 0;
    const send = (buffer: ArrayBuffer, length: number) => {
      unread += length;
      post({ type: "chunk", job, buffer, length }, [buffer]);
    };
    const flush = () => {
      if (!used) return;
      send(gathered.buffer as ArrayBuffer, used);
      gathered = new Uint8Array(POST_BYTES);
      used = 0;
    };
    const pump = (async () => {
      try {
        for (;;) {
          if (failure) break;
          const { done, value } = await reader.read();
          if (done) {
            flush();
            post({ type: "end", job });
            return;
          }
          if (value.byteLength > POST_BYTES - used) flush();
          if (value.byteLength >= POST_BYTES) {
            const own = new Uint8Array(value); // a copy: Buffer#slice would be a view
            send(own.buffer as ArrayBuffer, own.byteLength);
          } else {
            gathered.set(value, used);
            used += value.byteLength;
            if (used === POST_BYTES) flush();
          }
          if (unread > MAX_UNREAD && !failure) await new Promise<void>((resolve) => (credit = resolve));
          credit = undefined;
        }
      } catch (err) {
        fail(err instanceof Error ? err : new Error(String(err)));
      }
      if (failure) {
        post({ type: "abort", job });
        await reader.cancel().catch(() => {});
      }
    })();

    return {
      document,
      summary,
      async *[Symbol.asyncIterator]() {
        try {
          for (;;) {
            const next = chunks.shift();
            if (next) {
              yield next;
              continue;
            }
            if (failure) throw failure;
            if (finished) return;
            await new Promise<void>((resolve) => (wake = resolve));
          }
        } finally {
          options.signal?.removeEventListener("abort", onAbort);
          if (!finished) fail(new Error("the reader stopped early"));
          await pump;
        }
      },
    } satisfies XmlDecodeStream<DecodedChunk, unknown>;
  };

  return {
    pageDecoder: decode,
    close: async () => {
      await Promise.all(pool.splice(0).map((w) => w.worker.terminate()));
    },
  };
}

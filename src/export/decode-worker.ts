/**
 * A decode worker: receives the bytes of VM answers from the main thread (transferred, never
 * copied twice), decodes them with the generated descriptors and posts back row chunks ready to
 * write, then the rest-of-document (DATETIME, WARNING) so the main thread can follow truncation
 * pages. Several answers may be decoded at once, interleaved, each under its job number.
 */
import { parentPort } from "node:worker_threads";
import { descriptors } from "../generated/vm/index.js";
import { redactWith } from "../runtime/redact/index.js";
import { decodeXml } from "../runtime/xml/decode.js";
import type { XmlRoot } from "../runtime/xml/descriptor.js";
import { packRows, type RowFormat } from "./row-list.js";
import { addRecord, emptyChunk, type RecordKind, type RowChunk } from "./rows.js";
import { CHUNK_RECORDS, type FromWorker, type ToWorker, type WorkerDecodeOptions } from "./worker-protocol.js";

const port = parentPort!;

interface Job {
  readonly queue: Uint8Array[];
  ended: boolean;
  aborted: boolean;
  wake: (() => void) | undefined;
}

const jobs = new Map<number, Job>();
const post = (message: FromWorker) => port.postMessage(message);

/** A chunk to the main thread, its detection rows packed as the store writes them and transferred (row-list.ts). */
function postRows(job: number, chunk: RowChunk, format: RowFormat): void {
  const detections = chunk.detections.length ? packRows(chunk.detections, format) : chunk.detections;
  const detectionCves = chunk.detectionCves.length ? packRows(chunk.detectionCves, format) : chunk.detectionCves;
  const transfer = [detections, detectionCves].flatMap((p) => ("packed" in p ? [p.packed.buffer as ArrayBuffer] : []));
  port.postMessage({ type: "rows", job, chunk: { ...chunk, detections, detectionCves } } satisfies FromWorker, transfer);
}

/**
 * Bytes taken from a job's queue before the main thread is told (it pauses the answer's read past
 * 4 MB untaken): one message per MB, and whenever the queue runs dry, rather than one per chunk.
 */
const ACK_BYTES = 1024 * 1024;

async function* bytes(id: number, job: Job): AsyncGenerator<Uint8Array> {
  let taken = 0;
  const ack = () => {
    if (!taken) return;
    post({ type: "ack", job: id, bytes: taken });
    taken = 0;
  };
  for (;;) {
    const next = job.queue.shift();
    if (next) {
      taken += next.byteLength;
      if (taken >= ACK_BYTES) ack();
      yield next;
      continue;
    }
    ack();
    if (job.aborted) throw new Error("aborted");
    if (job.ended) return;
    await new Promise<void>((resolve) => (job.wake = resolve));
  }
}

async function run(id: number, job: Job, root: XmlRoot, kind: RecordKind, runId: number, rowFormat: RowFormat, options: WorkerDecodeOptions): Promise<void> {
  let stream: ReturnType<typeof decodeXml> | undefined;
  try {
    const { redactForms, ...rest } = options;
    // Warnings go back with the summary: the main thread gives them to the caller's onWarning.
    // The client's secrets come as their forms: what an error quotes is redacted here, before it is cut.
    stream = decodeXml(bytes(id, job), root, { ...rest, redact: redactForms ? redactWith(redactForms) : undefined, onWarning: () => {} });
    let chunk = emptyChunk();
    for await (const record of stream) {
      addRecord(chunk, kind, record, runId);
      if (chunk.records >= CHUNK_RECORDS) {
        postRows(id, chunk, rowFormat);
        chunk = emptyChunk();
      }
    }
    if (chunk.records) postRows(id, chunk, rowFormat);
    post({ type: "done", job: id, document: await stream.document, summary: stream.summary });
  } catch (err) {
    const e = err as Error & Record<string, unknown>;
    const props: Record<string, unknown> = {};
    for (const key of ["code", "httpStatus", "operation", "offset", "line", "column"]) if (typeof e?.[key] === "string" || typeof e?.[key] === "number") props[key] = e[key];
    post({ type: "error", job: id, error: { name: e?.name ?? "Error", message: e?.message ?? String(err), props }, summary: stream?.summary });
  } finally {
    jobs.delete(id);
  }
}

const roots = descriptors as unknown as Record<string, XmlRoot>;

port.on("message", (message: ToWorker) => {
  switch (message.type) {
    case "start": {
      const job: Job = { queue: [], ended: false, aborted: false, wake: undefined };
      jobs.set(message.job, job);
      void run(message.job, job, roots[message.descriptor]!, message.kind, message.runId, message.rowFormat, message.options);
      return;
    }
    case "chunk":
    case "end":
    case "abort": {
      const job = jobs.get(message.job);
      if (!job) return;
      if (message.type === "chunk") job.queue.push(new Uint8Array(message.buffer, 0, message.length));
      else if (message.type === "end") job.ended = true;
      else job.aborted = true;
      const wake = job.wake;
      job.wake = undefined;
      wake?.();
    }
  }
});

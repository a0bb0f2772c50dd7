/**
 * Runs the batches of one kind (hosts, detections or KB) through the client's one scheduler:
 * at most `concurrency` requests of the kind at once (the scheduler further holds them to the
 * limit Qualys advertises), one more batch prepared so the server never idles while rows
 * are written, and a first batch alone until Qualys has told the scheduler its limits — so no
 * call is ever blocked. A failed batch is tried again with a backoff; after its last attempt it
 * is recorded as failed and the other batches go on.
 */
import type { QualysClient } from "../client.js";
import { vmActions } from "../generated/vm/index.js";
import { AbortError } from "../runtime/errors/abort-error.js";
import { AuthenticationError } from "../runtime/errors/authentication-error.js";
import { ConfigurationError } from "../runtime/errors/configuration-error.js";
import { ExportDatabaseError } from "../runtime/errors/export-database-error.js";
import type { FailedBatch } from "../runtime/errors/export-incomplete-error.js";
import { InvalidParameterError } from "../runtime/errors/invalid-parameter-error.js";
import { sleep } from "../runtime/sleep.js";
import type { RowDecoder } from "./decoders.js";
import { fromRanges } from "./id-set.js";
import { hostFilters, type ExportFilters } from "./options.js";
import { emptyChunk, type RowChunk } from "./rows.js";
import type { BatchKind, BatchRecord, ExportStore } from "./store.js";

export interface KindContext {
  readonly client: QualysClient;
  readonly store: ExportStore;
  readonly decoder: RowDecoder;
  readonly runId: number;
  readonly filters: ExportFilters;
  readonly batchSize: number;
  readonly concurrency: number;
  readonly attempts: number;
  readonly signal: AbortSignal;
  /** Serialises writes: one transaction at a time. */
  readonly write: <T>(fn: () => Promise<T>) => Promise<T>;
  readonly onCommitted: (kind: BatchKind, batch: BatchRecord, hosts: number, records: number) => void;
  readonly onRetry: (kind: BatchKind, batch: BatchRecord, error: unknown) => void;
  /** Backoff before attempt n+1, ms. */
  readonly backoffMs?: (attempt: number) => number;
}

const ACTION = { hosts: "listHosts", detections: "listHostDetections", kb: "listVulns" } as const;

export function isFatal(err: unknown): boolean {
  return err instanceof ExportDatabaseError || err instanceof ConfigurationError || err instanceof InvalidParameterError || err instanceof AuthenticationError || err instanceof AbortError;
}

class Gate {
  #free: number;
  readonly #waiting: (() => void)[] = [];
  constructor(size: number) {
    this.#free = size;
  }
  async acquire(): Promise<void> {
    if (this.#free > 0) {
      this.#free--;
      return;
    }
    await new Promise<void>((resolve) => this.#waiting.push(resolve));
  }
  release(): void {
    const next = this.#waiting.shift();
    if (next) next();
    else this.#free++;
  }
}

/** Whether the scheduler has had an answer of this API yet (and so knows its limits). */
async function learned(client: QualysClient, kind: BatchKind): Promise<boolean> {
  const state = await client.scheduler.store.snapshot(`vm:${vmActions[ACTION[kind]].path}`);
  return Boolean(state && state.counted.length > 0);
}

export async function runKind(ctx: KindContext, kind: BatchKind, batches: readonly BatchRecord[]): Promise<FailedBatch[]> {
  const queue = [...batches];
  const failed: FailedBatch[] = [];
  const gate = new Gate(ctx.concurrency);
  let fatal: unknown;

  const one = async (batch: BatchRecord): Promise<void> => {
    for (let attempt = batch.attempts + 1, tries = 1; ; attempt++, tries++) {
      try {
        const chunk = await fetchBatch(ctx, kind, batch, gate);
        const hostIds = kind === "kb" ? [] : fromRanges(batch.ids ?? []);
        const records = kind === "detections" ? chunk.detections.length : chunk.records;
        const done = { runId: ctx.runId, kind, firstId: batch.firstId, attempts: attempt, records };
        await ctx.write(() =>
          kind === "hosts" ? ctx.store.writeHosts(done, chunk.hosts) : kind === "detections" ? ctx.store.writeDetections(done, hostIds, chunk.hosts, chunk.detections) : ctx.store.writeKb(done, chunk.kb, chunk.kbChildren),
        );
        ctx.onCommitted(kind, batch, kind === "kb" ? 0 : hostIds.length, records);
        return;
      } catch (err) {
        if (isFatal(err) || ctx.signal.aborted) throw err;
        const message = (err as Error)?.message ?? String(err);
        if (tries >= ctx.attempts) {
          await ctx.write(() => ctx.store.batchFailed(ctx.runId, kind, batch.firstId, attempt, message));
          failed.push({ kind, firstId: batch.firstId, lastId: batch.lastId, attempts: attempt, error: message.slice(0, 300) });
          return;
        }
        ctx.onRetry(kind, batch, err);
        await sleep(ctx.backoffMs?.(tries) ?? 1000 * 2 ** (tries - 1), ctx.signal);
      }
    }
  };

  const loop = async (): Promise<void> => {
    for (let batch = queue.shift(); batch && fatal === undefined; batch = queue.shift()) {
      try {
        await one(batch);
      } catch (err) {
        fatal ??= err;
      }
    }
  };

  // Alone until Qualys has answered this API once: its headers carry the concurrency limit.
  if (queue.length && !(await learned(ctx.client, kind))) await one(queue.shift()!).catch((err: unknown) => (fatal ??= err));
  await Promise.all(Array.from({ length: Math.min(queue.length, ctx.concurrency + 1) }, loop));
  if (fatal !== undefined) throw fatal;
  return failed;
}

/** One attempt at a batch: every record of every page (truncation pages followed), decoded into rows. */
async function fetchBatch(ctx: KindContext, kind: BatchKind, batch: BatchRecord, gate: Gate): Promise<RowChunk> {
  const ids = (batch.ids ?? [`${batch.firstId}-${batch.lastId}`]).join(",");
  const options = { signal: ctx.signal, decodePage: ctx.decoder.pageDecoder(kind, ctx.runId) };
  await gate.acquire();
  try {
    const stream =
      kind === "detections"
        ? ctx.client.vm.listHostDetections({ ...ctx.filters, ids, truncation_limit: ctx.batchSize } as never, options)
        : kind === "hosts"
          ? ctx.client.vm.listHosts({ ...hostFilters(ctx.filters), ids, details: "All", truncation_limit: ctx.batchSize } as never, options)
          : ctx.client.vm.listVulns({ ids, details: "All" }, options);
    const all = emptyChunk();
    for await (const part of stream as AsyncIterable<unknown> as AsyncIterable<RowChunk>) {
      all.records += part.records;
      for (const r of part.hosts) all.hosts.push(r);
      for (const r of part.detections) all.detections.push(r);
      for (const r of part.kb) all.kb.push(r);
      for (const t of Object.keys(part.kbChildren) as (keyof RowChunk["kbChildren"])[]) for (const r of part.kbChildren[t]) all.kbChildren[t].push(r);
    }
    return all;
  } finally {
    gate.release();
  }
}

/**
 * Runs the batches of one kind, whoever planned them: claims the next batch nobody holds, fetches
 * it through the client's one scheduler (at most `concurrency` requests of the kind at once, one
 * more batch prepared so the server never idles while rows are written, the first batch alone
 * until Qualys has told the scheduler its limits — so no call is ever blocked), and writes it in
 * one transaction that only lands while this worker still holds the batch.
 *
 * A failed attempt is retried with a backoff. A host batch whose answers keep breaking off or
 * stalling is split in halves, and the halves again after one failure each, until the hosts
 * Qualys cannot serve stand alone: those are recorded as bad hosts, every other host is written.
 * Other batches that fail every attempt are recorded failed; the others go on.
 */
import { AbortError } from "../runtime/errors/abort-error.js";
import { AuthenticationError } from "../runtime/errors/authentication-error.js";
import { ConfigurationError } from "../runtime/errors/configuration-error.js";
import { ExportDatabaseError } from "../runtime/errors/export-database-error.js";
import type { FailedBatch } from "../runtime/errors/export-incomplete-error.js";
import { InvalidParameterError } from "../runtime/errors/invalid-parameter-error.js";
import { sleep } from "../runtime/sleep.js";
import type { ExportKindDef, FetchContext } from "./kinds/kind.js";
import type { BadHost, BatchRecord, ExportStore, WorkerIdentity } from "./store.js";

export interface RunnerContext {
  readonly store: ExportStore;
  readonly worker: WorkerIdentity;
  readonly runId: number;
  readonly fetch: FetchContext;
  readonly concurrency: number;
  readonly attempts: number;
  readonly leaseMs: number;
  /** How often a worker with nothing to claim looks again (others' batches may lapse or split). */
  readonly pollMs: number;
  readonly signal: AbortSignal;
  /** Serialises writes: one transaction at a time. */
  readonly write: <T>(fn: () => Promise<T>) => Promise<T>;
  /** Backoff before attempt n+1, ms. */
  readonly backoffMs?: (attempt: number) => number;
  /** Frees the leases of workers of this host whose process is gone. */
  readonly reap: () => Promise<void>;
  readonly onCommitted: (kind: string, batch: BatchRecord, records: number, done: boolean) => void;
  readonly onRetry: (kind: string, batch: BatchRecord, error: unknown) => void;
  readonly onSplit: (kind: string, batch: BatchRecord) => void;
  /** Hosts recorded as bad (a batch of one host that kept failing). */
  readonly onBadHosts: (count: number) => void;
  readonly onInvalidUtf8: (count: number) => void;
}

export interface KindOutcome {
  readonly failed: FailedBatch[];
  readonly badHosts: BadHost[];
}

export function isFatal(err: unknown): boolean {
  return err instanceof ExportDatabaseError || err instanceof ConfigurationError || err instanceof InvalidParameterError || err instanceof AuthenticationError || err instanceof AbortError;
}

/**
 * An answer that broke off, stalled or arrived cut: what one host Qualys cannot serve does to every
 * answer holding it (the break may come before the client has the headers). Not a refused
 * connection, an error page or a Qualys error code: those are not about a host, and splitting
 * would only multiply the calls.
 */
export function isBodyFault(err: unknown): boolean {
  const e = err as { name?: string; phase?: string } | null;
  if (!e) return false;
  if (e.name === "NetworkError" || e.name === "OutcomeUnknownError") return e.phase === "body" || e.phase === "request";
  if (e.name === "TimeoutError") return true;
  // A streamed JSON answer (PCRS posture) cut short or garbled; not an error page or another shape.
  if (e.name === "JsonStreamError") return ["truncated-gzip", "corrupt-gzip", "truncated-json", "malformed-json"].includes((e as { problem?: string }).problem ?? "");
  return e.name === "XmlParseError" || e.name === "InvalidResponseError";
}

/**
 * Past this many bad hosts in one kind, a worker stops splitting: so many hosts failing is an
 * outage, not bad hosts, and bisecting it would record every host as bad after thousands of calls.
 */
export const MAX_BAD_HOSTS = 25;

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
async function learned(ctx: RunnerContext, def: ExportKindDef): Promise<boolean> {
  const state = await ctx.fetch.client.scheduler.store.snapshot(def.limitKey(ctx.fetch.client));
  return Boolean(state && state.counted.length > 0);
}

export async function runKind(ctx: RunnerContext, def: ExportKindDef): Promise<KindOutcome> {
  const outcome: KindOutcome = { failed: [], badHosts: [] };
  const gate = new Gate(ctx.concurrency);
  let fatal: { error: unknown } | undefined;
  let inFlight = 0;
  let wake: (() => void) | undefined;
  const settle = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };

  /** One batch to its end: written, split, or recorded failed. Returns false when the batch was taken over by another worker. */
  const one = async (claimed: BatchRecord): Promise<void> => {
    let batch = claimed;
    let attempts = batch.attempts;
    // A half from a split is split again after one failure: the failing host is somewhere in it.
    const splittable = def.hostKeyed && def.split !== undefined && (def.hostIdsOf?.(batch).length ?? 0) > 1;
    const allowed = splittable && batch.generation > 0 ? 1 : ctx.attempts;
    for (let tries = 1; ; tries++) {
      attempts++;
      try {
        const pages = def.fetch(ctx.fetch, batch)[Symbol.asyncIterator]();
        for (;;) {
          await gate.acquire();
          let next: IteratorResult<Awaited<ReturnType<typeof pages.next>>["value"]>;
          try {
            next = await pages.next();
          } finally {
            gate.release();
          }
          if (next.done) return;
          const page = next.value;
          const done = page.done ?? true;
          const held = await ctx.write(() =>
            ctx.store.commit(
              { runId: ctx.runId, kind: def.name, firstId: batch.firstId, worker: ctx.worker.id, attempts, records: page.records, cursor: page.cursor, done, invalidUtf8: page.invalidUtf8 },
              page.ops,
            ),
          );
          // Another worker took the batch over (this one's lease lapsed): it writes it, not this one.
          if (!held) return;
          if (page.invalidUtf8) ctx.onInvalidUtf8(page.invalidUtf8);
          ctx.onCommitted(def.name, batch, page.records, done);
          if (page.cursor !== undefined) batch = { ...batch, cursor: page.cursor };
          if (done) return;
          // A cursor kind's next page is a new attempt count: the committed pages stay.
          tries = 0;
        }
      } catch (err) {
        if (isFatal(err) || ctx.signal.aborted) {
          await ctx.store.release(ctx.runId, def.name, batch.firstId, ctx.worker.id).catch(() => {});
          throw err;
        }
        const message = (err as Error)?.message ?? String(err);
        if (tries < allowed) {
          await ctx.write(() => ctx.store.attemptFailed(ctx.runId, def.name, batch.firstId, ctx.worker.id, attempts, message));
          ctx.onRetry(def.name, batch, err);
          await sleep(ctx.backoffMs?.(tries) ?? 1000 * 2 ** (tries - 1), ctx.signal);
          continue;
        }
        if (def.hostKeyed && isBodyFault(err) && outcome.badHosts.length < MAX_BAD_HOSTS) {
          const parts = def.split?.({ ...batch, attempts, error: message });
          if (parts) {
            await ctx.write(() => ctx.store.split(ctx.runId, { ...batch, error: message.slice(0, 2000) }, parts, ctx.worker.id));
            ctx.onSplit(def.name, batch);
            return;
          }
          const bad = (def.hostIdsOf?.(batch) ?? [batch.firstId]).map((hostId) => ({ hostId, error: message }));
          await ctx.write(() => ctx.store.batchFailed(ctx.runId, def.name, batch.firstId, ctx.worker.id, attempts, message, bad));
          outcome.badHosts.push(...bad);
          ctx.onBadHosts(bad.length);
          return;
        }
        await ctx.write(() => ctx.store.batchFailed(ctx.runId, def.name, batch.firstId, ctx.worker.id, attempts, message));
        outcome.failed.push({ kind: def.name, firstId: batch.firstId, lastId: batch.lastId, attempts, error: message.slice(0, 300) });
        return;
      }
    }
  };

  const process_ = async (batch: BatchRecord): Promise<void> => {
    inFlight++;
    try {
      await one(batch);
    } finally {
      inFlight--;
      settle();
    }
  };

  const loop = async (): Promise<void> => {
    while (fatal === undefined && !ctx.signal.aborted) {
      const batch = await ctx.store.claim(ctx.runId, def.name, ctx.worker.id, ctx.leaseMs);
      if (batch) {
        try {
          await process_(batch);
        } catch (error) {
          fatal ??= { error };
        }
        continue;
      }
      // Nothing free now. Done when nothing of the kind is left anywhere; else another batch may
      // come free (a split here or elsewhere, a lapsed lease): look again soon.
      if (inFlight === 0 && (await ctx.store.openBatches(ctx.runId, def.name)) === 0) return;
      await Promise.race([new Promise<void>((resolve) => (wake = resolve)), sleep(ctx.pollMs, ctx.signal).catch(() => {})]);
      await ctx.reap();
    }
  };

  // Alone until Qualys has answered this API once: its headers carry the concurrency limit.
  if (!(await learned(ctx, def))) {
    const first = await ctx.store.claim(ctx.runId, def.name, ctx.worker.id, ctx.leaseMs);
    if (first) await process_(first).catch((error: unknown) => (fatal ??= { error }));
  }
  if (fatal === undefined) await Promise.all(Array.from({ length: ctx.concurrency + 1 }, loop));
  if (fatal !== undefined) throw fatal.error;
  if (ctx.signal.aborted) throw ctx.signal.reason ?? new AbortError("export", undefined);
  return outcome;
}

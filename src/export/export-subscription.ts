/**
 * `exportSubscription`: the subscription's hosts, detections and KnowledgeBase into SQLite or
 * PostgreSQL — planned in id batches, fetched in parallel through the client's scheduler, decoded
 * off the main thread, written one transaction per batch, resumable after a kill and incremental.
 *
 *   const summary = await exportSubscription(client, { db: "sqlite:./qualys.db" });
 */
import type { QualysClient } from "../client.js";
import { ExportIncompleteError, type FailedBatch } from "../runtime/errors/export-incomplete-error.js";
import { runKind } from "./batch-runner.js";
import { inProcessDecoder, workerPoolDecoder, defaultWorkers } from "./decoders.js";
import { fromRanges } from "./id-set.js";
import { hasHostFilters, KINDS, resolveOptions, type ExportFilters, type ExportKind } from "./options.js";
import { planRun } from "./plan.js";
import type { BatchKind, ExportStore } from "./store.js";

export interface ExportOptions {
  /** `sqlite:./qualys.db` (default), a file path, or `postgres://user:pass@host/db`; or an open store. */
  readonly db?: string | ExportStore;
  /** What to export. Default all three. */
  readonly what?: readonly ExportKind[];
  /** Only what changed since then (Qualys vm_processed_after / last_modified_after). Default: the last successful run's start less an hour. */
  readonly since?: Date | string;
  /** Everything, and mark hosts Qualys no longer lists as removed. Default when no run succeeded yet. */
  readonly full?: boolean;
  /** Requests per API at once, at most; Qualys's advertised limit caps it further. Default 4. */
  readonly concurrency?: number;
  /** Host ids per batch, 100–2000. Default 1000. */
  readonly batchSize?: number;
  readonly filters?: ExportFilters;
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: ExportProgress) => void;
  /** Decode workers (threads); 0 decodes in the main thread. Default: one per core but one. */
  readonly workers?: number;
  /** Attempts per batch before it is recorded as failed. Default 3. */
  readonly attempts?: number;
  /** Backoff before attempt n+1, ms (default 1 s, doubling). */
  readonly backoffMs?: (attempt: number) => number;
  /** Look-back before the last successful run's start for the default `since`, ms. Default 1 h. */
  readonly sinceMarginMs?: number;
}

export interface KindProgress {
  /** Batches done / planned (those done before a resume included). */
  batchesDone: number;
  batches: number;
  /** Host ids (hosts, detections) or QIDs (kb) done / planned. */
  idsDone: number;
  ids: number;
  /** Rows written: hosts, detections or QIDs. */
  records: number;
}

export interface ExportProgress {
  readonly runId: number;
  readonly resumed: boolean;
  readonly mode: "full" | "incremental";
  readonly since: string | null;
  readonly kinds: Readonly<Partial<Record<BatchKind, Readonly<KindProgress>>>>;
  readonly retries: number;
  readonly elapsedMs: number;
}

export interface ExportSummary {
  readonly runId: number;
  readonly status: "succeeded";
  readonly resumed: boolean;
  readonly mode: "full" | "incremental";
  readonly since: string | null;
  readonly hosts: number;
  readonly detections: number;
  readonly kb: number;
  /** Hosts marked removed (full runs only). */
  readonly removed: number;
  readonly retries: number;
  readonly elapsedMs: number;
  readonly db: string;
}

export async function exportSubscription(client: QualysClient, options: ExportOptions = {}): Promise<ExportSummary> {
  const started = Date.now();
  const resolved = resolveOptions(options);
  // Aborted by the caller, or by a kind that hit a fatal error (the database, auth): the others stop too.
  const stop = new AbortController();
  const onAbort = () => stop.abort(options.signal?.reason);
  options.signal?.addEventListener("abort", onAbort, { once: true });
  if (options.signal?.aborted) onAbort();
  const signal = stop.signal;
  // The store's module is loaded here, not on import: `import "qualys-ts/export"` needs no driver.
  const store = typeof options.db === "object" ? options.db : await (await import("./open-store.js")).openStore(options.db);
  const ownStore = typeof options.db !== "object";
  const workers = options.workers ?? defaultWorkers();
  const decoder = workers > 0 ? workerPoolDecoder(workers) : inProcessDecoder();
  try {
    await store.migrate();
    const plan = await planRun(client, store, resolved, signal, options.sinceMarginMs);
    const runId = plan.run.id;
    const kinds: Partial<Record<BatchKind, KindProgress>> = {};
    for (const b of plan.batches) {
      const k = (kinds[b.kind] ??= { batchesDone: 0, batches: 0, idsDone: 0, ids: 0, records: 0 });
      const n = b.kind === "kb" ? countIds(b.ids) : countIds(b.ids);
      k.batches++;
      k.ids += n;
      if (b.status === "done") {
        k.batchesDone++;
        k.idsDone += n;
        k.records += b.records;
      }
    }
    let retries = 0;
    const report = () => options.onProgress?.({ runId, resumed: plan.resumed, mode: plan.run.mode, since: plan.run.since, kinds, retries, elapsedMs: Date.now() - started });
    report();

    let writing: Promise<unknown> = Promise.resolve();
    const write = <T>(fn: () => Promise<T>): Promise<T> => {
      const next = writing.then(fn);
      writing = next.catch(() => {});
      return next;
    };
    const ctx = {
      client, store, decoder, runId, signal, write,
      filters: resolved.filters, batchSize: resolved.batchSize, concurrency: resolved.concurrency, attempts: resolved.attempts, backoffMs: options.backoffMs,
      onCommitted: (kind: BatchKind, batch: { ids: readonly string[] | null }, _hosts: number, records: number) => {
        const k = kinds[kind]!;
        k.batchesDone++;
        k.idsDone += countIds(batch.ids);
        k.records += records;
        report();
      },
      onRetry: () => {
        retries++;
        report();
      },
    };
    const failed: FailedBatch[] = [];
    let fatal: { error: unknown } | undefined;
    const results = await Promise.allSettled(
      KINDS.map((kind) =>
        runKind(ctx, kind, plan.batches.filter((b) => b.kind === kind && b.status !== "done")).catch((error: unknown) => {
          fatal ??= { error };
          stop.abort(error);
          throw error;
        }),
      ),
    );
    if (fatal) throw fatal.error;
    for (const r of results) if (r.status === "fulfilled") failed.push(...r.value);

    const finishedAt = new Date().toISOString();
    if (failed.length) {
      await store.finishRun(runId, { status: "failed", finishedAt, error: `${failed.length} batches failed` });
      throw new ExportIncompleteError(runId, failed);
    }
    let removed = 0;
    if (plan.run.mode === "full" && !hasHostFilters(resolved.filters) && (resolved.what.includes("hosts") || resolved.what.includes("detections"))) {
      const listed = new Set<number>();
      for (const b of plan.batches) if (b.kind !== "kb") for (const id of fromRanges(b.ids ?? [])) listed.add(id);
      const gone = (await store.presentHostIds()).filter((id) => !listed.has(id));
      if (gone.length) await store.markRemoved(gone, finishedAt);
      removed = gone.length;
    }
    const totals = await store.finishRun(runId, { status: "succeeded", finishedAt });
    return { runId, status: "succeeded", resumed: plan.resumed, mode: plan.run.mode, since: plan.run.since, ...totals, removed, retries, elapsedMs: Date.now() - started, db: store.target };
  } finally {
    options.signal?.removeEventListener("abort", onAbort);
    await decoder.close();
    if (ownStore) await store.close();
  }
}

function countIds(items: readonly string[] | null): number {
  let n = 0;
  for (const item of items ?? []) {
    const dash = item.indexOf("-");
    n += dash < 0 ? 1 : Number(item.slice(dash + 1)) - Number(item.slice(0, dash)) + 1;
  }
  return n;
}

export { KINDS };

/**
 * `exportSubscription`: the subscription into SQLite or PostgreSQL — planned in id batches,
 * fetched in parallel through the client's scheduler, decoded off the main thread, written one
 * transaction per batch, resumable after a kill, incremental, and shared: every process pointed at
 * one PostgreSQL database works on the same run.
 *
 *   const summary = await exportSubscription(client, { db: "sqlite:./qualys.db" });
 */
import type { QualysClient } from "../client.js";
import { AbortError } from "../runtime/errors/abort-error.js";
import { ExportIncompleteError, type FailedBatch } from "../runtime/errors/export-incomplete-error.js";
import { runKind, type RunnerContext } from "./batch-runner.js";
import { inProcessDecoder, workerPoolDecoder, defaultWorkers } from "./decoders.js";
import { fromRanges } from "./id-set.js";
import { KIND_DEFS, kindDef } from "./kinds/index.js";
import type { ExportKindDef, FetchContext } from "./kinds/kind.js";
import { finishFull } from "./mark-unseen.js";
import { openStore } from "./open-store.js";
import { hasHostFilters, KINDS, resolveOptions, type ExportFilters, type ExportKind, type ModuleFilters } from "./options.js";
import { deadHere, planOrJoin } from "./plan.js";
import type { BadHost, BatchRecord, ExportStore } from "./store.js";
import { newWorker } from "./worker-id.js";

export interface ExportOptions {
  /** `sqlite:./qualys.db` (default), a file path, or `postgres://user:pass@host/db`; or an open store. */
  readonly db?: string | ExportStore;
  /** What to export. Default every kind the subscription has: a module it lacks is left out (`summary.skipped`). */
  readonly what?: readonly ExportKind[];
  /** Only what changed since then (VM vm_processed_after / last_modified_after; the CSAM and WAS date filters, see README). Default: the last successful run's start less an hour. */
  readonly since?: Date | string;
  /** Everything, and mark hosts, assets, web apps and findings Qualys no longer lists as removed. Default when no run succeeded yet. */
  readonly full?: boolean;
  /** Requests per API at once, at most, from this process; Qualys's advertised limit caps it further. Default 4. */
  readonly concurrency?: number;
  /** Host ids per batch, 100–2000. Default 1000. */
  readonly batchSize?: number;
  readonly filters?: ExportFilters;
  /** What the CSAM asset and WAS finding searches filter on (a full run then marks nothing of that kind removed). */
  readonly moduleFilters?: ModuleFilters;
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: ExportProgress) => void;
  /** Decode threads; 0 decodes in the main thread. Default: one per core but one. */
  readonly decodeThreads?: number;
  /** Attempts per batch before it is split (host batches whose answers break off) or recorded as failed. Default 3. */
  readonly attempts?: number;
  /** Backoff before attempt n+1, ms (default 1 s, doubling). */
  readonly backoffMs?: (attempt: number) => number;
  /** Hosts per PC posture batch (one postureInfo call), 10–5000. Default 250. */
  readonly postureBatchSize?: number;
  /** PC posture with its evidence, into pc_posture_evidence (large). Default false. */
  readonly postureEvidence?: boolean;
  /** Look-back before the last successful run's start for the default `since`, ms. Default 1 h. */
  readonly sinceMarginMs?: number;
  /** How long a worker's claim on a batch lasts without a heartbeat, ms; a killed worker's batches go to the others after it. Default 60 s. */
  readonly leaseMs?: number;
  /** How often a worker with nothing to claim looks again, ms. Default 1 s. */
  readonly pollMs?: number;
}

export interface KindProgress {
  /** Batches done / planned in the whole run (all workers; those done before a resume included). */
  batchesDone: number;
  batches: number;
  /** Ids (hosts, QIDs…) done / planned; 0 for kinds that page by a cursor. */
  idsDone: number;
  ids: number;
  /** Rows written: hosts, detections, QIDs… */
  records: number;
}

export interface ExportProgress {
  readonly runId: number;
  readonly resumed: boolean;
  /** Other workers were on the run when this one joined. */
  readonly joined: boolean;
  readonly mode: "full" | "incremental";
  readonly since: string | null;
  readonly kinds: Readonly<Partial<Record<string, Readonly<KindProgress>>>>;
  /** This worker's retried attempts. */
  readonly retries: number;
  /** Hosts found bad so far in this run (all workers). */
  readonly badHosts: number;
  readonly elapsedMs: number;
}

export interface ExportSummary {
  readonly runId: number;
  readonly status: "succeeded";
  readonly resumed: boolean;
  readonly joined: boolean;
  readonly mode: "full" | "incremental";
  readonly since: string | null;
  readonly hosts: number;
  readonly detections: number;
  readonly kb: number;
  /** Rows per kind in the whole run. */
  readonly totals: Readonly<Record<string, number>>;
  /** Hosts marked removed (full runs only). */
  readonly removed: number;
  /** Rows of other kinds' tables marked removed by a full run, per table (assets, was_webapps, was_findings…). */
  readonly marked: Readonly<Record<string, number>>;
  /** Hosts Qualys could not serve (every answer holding them broke off or stalled), recorded in export_bad_hosts; everything else was written. */
  readonly badHosts: readonly (BadHost & { kind: string })[];
  /** Byte sequences of Qualys' answers that were not valid UTF-8, decoded as U+FFFD, in what this worker wrote (the run's total: export_runs.invalid_utf8). */
  readonly invalidUtf8: number;
  /** Kinds left out because the subscription lacks their module, one line each (the worker that planned the run). */
  readonly skipped: readonly string[];
  readonly retries: number;
  /** Batches this worker wrote. */
  readonly batchesWritten: number;
  readonly elapsedMs: number;
  readonly db: string;
}

const DEFAULT_LEASE_MS = 60_000;

export async function exportSubscription(client: QualysClient, options: ExportOptions = {}): Promise<ExportSummary> {
  const started = Date.now();
  const resolved = resolveOptions(options);
  const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
  const pollMs = options.pollMs ?? 1000;
  // Aborted by the caller, or by a kind that hit a fatal error (the database, auth): the others stop too.
  const stop = new AbortController();
  const onAbort = () => stop.abort(options.signal?.reason);
  options.signal?.addEventListener("abort", onAbort, { once: true });
  if (options.signal?.aborted) onAbort();
  const signal = stop.signal;
  const store = typeof options.db === "object" ? options.db : await openStore(options.db);
  const ownStore = typeof options.db !== "object";
  const threads = options.decodeThreads ?? defaultWorkers();
  // Rows leave the decode threads as the store writes them: COPY text for PostgreSQL.
  const decoder = threads > 0 ? workerPoolDecoder(threads, store.dialect === "postgres" ? "copy" : "json") : inProcessDecoder();
  const worker = newWorker();
  let heartbeat: NodeJS.Timeout | undefined;
  let runId: number | undefined;
  try {
    await store.migrate();
    const kinds = KIND_DEFS.filter((k) => resolved.what.includes(k.name as ExportKind));
    const joined = await planOrJoin({ client, store, options: resolved, kinds, worker, leaseMs, signal, sinceMarginMs: options.sinceMarginMs });
    const run = joined.run;
    runId = run.id;
    const id = run.id;
    const runKinds = run.what.split(",").map(kindDef);

    heartbeat = setInterval(() => void store.heartbeat(id, worker.id, leaseMs).catch(() => {}), Math.max(50, Math.floor(leaseMs / 3)));
    heartbeat.unref();
    const reap = async () => {
      for (const w of (await store.workers(id)).filter(deadHere)) await store.expireWorker(id, w.id);
    };

    let retries = 0;
    let invalidUtf8 = 0;
    let written = 0;
    let badHostCount = 0;
    const progress = new RunProgress(store, id, runKinds);
    const report = () =>
      options.onProgress?.({ runId: id, resumed: joined.resumed, joined: joined.joined, mode: run.mode, since: run.since, kinds: progress.kinds, retries, badHosts: badHostCount, elapsedMs: Date.now() - started });
    await progress.refresh();
    report();

    let writing: Promise<unknown> = Promise.resolve();
    const write = <T>(fn: () => Promise<T>): Promise<T> => {
      const next = writing.then(fn);
      writing = next.catch(() => {});
      return next;
    };
    const fetchCtx: FetchContext = { client, options: resolved, runId: id, since: run.since ?? undefined, signal, decoder };
    const ctx: RunnerContext = {
      store, worker, runId: id, fetch: fetchCtx, concurrency: resolved.concurrency, attempts: resolved.attempts, leaseMs, pollMs, signal, write, reap,
      backoffMs: options.backoffMs,
      onCommitted: (kind, batch, records, done) => {
        if (done) written++;
        progress.committed(kind, batch, records, done);
        report();
        // A finished walk: its bar ends at the rows it wrote, whatever the plan's count said.
        if (done && kindDef(kind).progressByRecords) void progress.refresh().then(report, () => {});
        // Other workers' batches too, now and then (a shared run's progress is the whole run's).
        if (store.shared) progress.refreshSoon(report);
      },
      onRetry: () => {
        retries++;
        report();
      },
      onSplit: () => progress.refreshSoon(report),
      onBadHosts: (n) => {
        badHostCount += n;
        report();
      },
      onInvalidUtf8: (n) => (invalidUtf8 += n),
    };
    let fatal: { error: unknown } | undefined;
    const outcomes = await Promise.allSettled(
      runKinds.map((def) =>
        runKind(ctx, def).catch((error: unknown) => {
            fatal ??= { error };
            stop.abort(error);
            throw error;
          }),
      ),
    );
    if (fatal) throw fatal.error;
    void outcomes;

    // Every kind is done here; the run is finished by whichever worker gets there first.
    const batches = await store.batches(id);
    const bad = (await store.badHosts()).filter((b) => b.runId === id);
    const badKeys = new Set(bad.map((b) => `${b.kind}:${b.hostId}`));
    const failed: FailedBatch[] = batches
      .filter((b) => b.status === "failed" && !(b.firstId === b.lastId && badKeys.has(`${b.kind}:${b.firstId}`)))
      .map((b) => ({ kind: b.kind, firstId: b.firstId, lastId: b.lastId, attempts: b.attempts, error: (b.error ?? "").slice(0, 300) }));
    const finishedAt = new Date().toISOString();
    if (failed.length) {
      await store.finishRun(id, { status: "failed", finishedAt, error: `${failed.length} batches failed` });
      throw new ExportIncompleteError(id, failed);
    }
    let removed = 0;
    if (run.mode === "full" && !hasHostFilters(resolved.filters) && runKinds.some((k) => k.name === "hosts" || k.name === "detections")) {
      const listed = new Set<number>();
      for (const b of batches) if (b.kind === "hosts" || b.kind === "detections") for (const h of fromRanges((b.ids as string[] | null) ?? [])) listed.add(h);
      const gone = (await store.presentHostIds()).filter((h) => !listed.has(h));
      if (gone.length) await store.markRemoved(gone, finishedAt);
      removed = gone.length;
    }
    const marked = run.mode === "full" ? await finishFull(store, batches, runKinds, resolved, id, finishedAt, bad) : {};
    await resolveServedBadHosts(store, batches, runKinds, id);
    await store.finishRun(id, { status: "succeeded", finishedAt });
    // Kinds left out (their module unavailable) have no total: the skipped lines say why.
    const totals = Object.fromEntries(runKinds.filter((k) => !joined.skippedKinds.includes(k.name)).map((k) => [k.name, 0])) as Record<string, number>;
    for (const b of batches) if (b.status === "done") totals[b.kind] = (totals[b.kind] ?? 0) + b.records;
    return {
      runId: id, status: "succeeded", resumed: joined.resumed, joined: joined.joined, mode: run.mode, since: run.since,
      hosts: totals.hosts ?? 0, detections: totals.detections ?? 0, kb: totals.kb ?? 0, totals, removed, marked,
      badHosts: bad.map((b) => ({ kind: b.kind, hostId: b.hostId, error: b.error })), invalidUtf8, skipped: joined.skipped, retries, batchesWritten: written,
      elapsedMs: Date.now() - started, db: store.target,
    };
  } catch (err) {
    if (signal.aborted && !(err instanceof Error)) throw new AbortError("export", err);
    throw err;
  } finally {
    if (heartbeat) clearInterval(heartbeat);
    options.signal?.removeEventListener("abort", onAbort);
    await decoder.close();
    if (runId !== undefined) await store.leaveRun(runId, worker.id).catch(() => {});
    if (ownStore) await store.close();
  }
}

/** Bad hosts of earlier runs that this run has now written: no longer bad. */
async function resolveServedBadHosts(store: ExportStore, batches: readonly BatchRecord[], kinds: readonly ExportKindDef[], runId: number): Promise<void> {
  for (const def of kinds.filter((k) => k.hostKeyed)) {
    const served = batches.filter((b) => b.kind === def.name && b.status === "done" && b.generation > 0).flatMap((b) => def.hostIdsOf?.(b) ?? []);
    if (served.length) await store.resolveBadHosts(def.name, served, runId);
  }
}

/** The run's progress per kind: the whole run's batches from the store, moved on at once by this worker's commits. */
class RunProgress {
  readonly kinds: Record<string, KindProgress> = {};
  #refreshing = false;
  #last = 0;

  constructor(
    private readonly store: ExportStore,
    private readonly runId: number,
    private readonly defs: readonly ExportKindDef[],
  ) {}

  async refresh(): Promise<void> {
    const next: Record<string, KindProgress> = {};
    for (const def of this.defs) next[def.name] = { batchesDone: 0, batches: 0, idsDone: 0, ids: 0, records: 0 };
    for (const b of await this.store.batches(this.runId)) {
      const k = (next[b.kind] ??= { batchesDone: 0, batches: 0, idsDone: 0, ids: 0, records: 0 });
      const def = kindDef(b.kind);
      const finished = b.status === "done" || b.status === "failed";
      // Cursor kinds: the rows written so far count against the planned count (which a walk may pass).
      const n = def.progressByRecords ? Math.max(def.size(b), b.records) : def.size(b);
      k.batches++;
      k.ids += n;
      k.records += b.records;
      if (finished) k.batchesDone++;
      if (finished) k.idsDone += n;
      else if (def.progressByRecords) k.idsDone += b.records;
    }
    for (const key of Object.keys(this.kinds)) delete this.kinds[key];
    Object.assign(this.kinds, next);
  }

  committed(kind: string, batch: BatchRecord, records: number, done: boolean): void {
    const k = (this.kinds[kind] ??= { batchesDone: 0, batches: 0, idsDone: 0, ids: 0, records: 0 });
    k.records += records;
    const def = kindDef(kind);
    if (def.progressByRecords) {
      k.idsDone += records;
      if (done) k.batchesDone++;
      // A walk that found more than its count (records added since): the total grows with it.
      if (k.idsDone > k.ids) k.ids = k.idsDone;
    } else if (done) {
      k.batchesDone++;
      k.idsDone += def.size(batch);
    }
  }

  /** At most once a second. */
  refreshSoon(then: () => void): void {
    if (this.#refreshing || Date.now() - this.#last < 1000) return;
    this.#refreshing = true;
    this.#last = Date.now();
    void this.refresh()
      .then(then, () => {})
      .finally(() => (this.#refreshing = false));
  }
}

export { KINDS };

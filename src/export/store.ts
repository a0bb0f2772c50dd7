/**
 * What the export needs from its database, implemented for SQLite (sqlite-store.ts) and
 * PostgreSQL (postgres-store.ts).
 *
 * A run is planned once into batches (export_batches). Workers — one process, or many sharing a
 * PostgreSQL database — claim batches one at a time under a lease they keep renewing; a batch is
 * written in one transaction that also marks it done, and only by the worker still holding it. A
 * killed worker's leases lapse and its batches go to the others; a killed run is resumed batch by
 * batch. Nothing is written twice and nothing is lost.
 */
import type { MigrationResult } from "../db/migrate.js";
import type { Dialect } from "./schema.js";
import type { TableOp } from "./table-ops.js";

/** hosts, detections, kb; assets, webapps, findings, posture… (see kinds/). */
export type BatchKind = string;
export type RunStatus = "running" | "succeeded" | "failed";

export interface RunRecord {
  readonly id: number;
  /** ISO-8601 UTC. */
  readonly startedAt: string;
  readonly status: RunStatus;
  readonly mode: "full" | "incremental";
  readonly since: string | null;
  readonly what: string;
  /** JSON of the settings that shape the plan (filters, batch size): joining or resuming needs the same. */
  readonly options: string | null;
}

export interface BatchPlan {
  readonly kind: BatchKind;
  /** The batch's key within its kind: its first host id / QID, or a number the kind chooses. */
  readonly firstId: number;
  readonly lastId: number;
  /** What the batch covers, as the kind reads it: VM kinds keep Qualys range items ("1-1000"); null: first..last. */
  readonly ids: unknown;
  /** 0 for a planned batch; one more for each split that made it. */
  readonly generation?: number;
}

export interface BatchRecord extends BatchPlan {
  readonly status: "pending" | "running" | "done" | "failed";
  readonly attempts: number;
  readonly records: number;
  readonly error: string | null;
  readonly generation: number;
  /** Kinds that page by a cursor (CSAM, WAS): where the next page starts; null before the first. */
  readonly cursor: string | null;
  readonly claimedBy: string | null;
}

/** One process taking part in a run. */
export interface WorkerIdentity {
  /** Unique per process: `host:pid:random`. */
  readonly id: string;
  readonly host: string;
  readonly pid: number;
}

export interface WorkerRecord extends WorkerIdentity {
  readonly live: boolean;
  readonly batches: number;
}

/** A write that completes a batch (or, for cursor kinds, one page of it). */
export interface BatchCommit {
  readonly runId: number;
  readonly kind: BatchKind;
  readonly firstId: number;
  readonly worker: string;
  readonly attempts: number;
  /** Rows of the batch's main table (hosts, detections, QIDs, assets…) this write adds to the batch's count. */
  readonly records: number;
  /** Cursor kinds: where the next page starts; undefined for batches written whole. */
  readonly cursor?: string | null;
  /** False while a cursor kind has pages left: the batch stays claimed. Default true. */
  readonly done?: boolean;
  /**
   * Byte sequences of this write's answers that were not valid UTF-8 (decoded as U+FFFD): added
   * to the run's invalid_utf8 in the same transaction, so a retried or taken-over write, a second
   * process or a resumed run count each written answer once.
   */
  readonly invalidUtf8?: number;
}

export interface BadHost {
  readonly hostId: number;
  readonly error: string;
}

export interface BadHostRecord extends BadHost {
  readonly kind: BatchKind;
  readonly runId: number;
  readonly attempts: number;
}

export interface RunEnd {
  readonly status: "succeeded" | "failed";
  readonly finishedAt: string;
  readonly error?: string;
}

export type RunTotals = Record<string, number>;

export interface ExportStore {
  readonly dialect: Dialect;
  /** Where (password-free), for messages. */
  readonly target: string;
  /** Whether processes may share a run (PostgreSQL); SQLite runs in one process. */
  readonly shared: boolean;
  /** Creates or upgrades the schema; refuses a database written by a newer schema. */
  migrate(): Promise<MigrationResult>;
  /** `fn` while holding the database-wide planning lock: one process at a time decides to plan or to join. */
  withPlanLock<T>(fn: () => Promise<T>): Promise<T>;

  lastRun(): Promise<RunRecord | undefined>;
  lastSucceeded(): Promise<RunRecord | undefined>;
  /** The last successful run that wrote `kind` (a done batch of it): where an incremental walk of the kind may start. */
  lastSucceededWith(kind: BatchKind): Promise<RunRecord | undefined>;
  createRun(run: Omit<RunRecord, "id" | "status">): Promise<number>;
  /** A failed run taken up again (its failed batches are retried): running once more. */
  reopenRun(runId: number): Promise<void>;
  /** Marks a run failed that no live process works on and that will not be resumed. */
  abandonRun(runId: number, reason: string): Promise<void>;
  addBatches(runId: number, plans: readonly BatchPlan[]): Promise<void>;
  batches(runId: number): Promise<BatchRecord[]>;

  /** Registers (or re-registers) a worker with a lease of `leaseMs`. */
  joinRun(runId: number, worker: WorkerIdentity, leaseMs: number): Promise<void>;
  workers(runId: number): Promise<WorkerRecord[]>;
  /** Renews the worker's lease and those of the batches it holds. */
  heartbeat(runId: number, worker: string, leaseMs: number): Promise<void>;
  /** Ends the leases of a worker known dead (its process is gone), so its batches are free now. */
  expireWorker(runId: number, worker: string): Promise<void>;
  leaveRun(runId: number, worker: string): Promise<void>;

  /** The next batch of `kind` nobody holds (pending, or running under a lapsed lease), now held by `worker`. */
  claim(runId: number, kind: BatchKind, worker: string, leaseMs: number): Promise<BatchRecord | undefined>;
  /** Batches of `kind` not yet done or failed (pending, or held by some worker). */
  openBatches(runId: number, kind: BatchKind): Promise<number>;
  /** Puts a resumed run's failed batches back to pending, their attempts kept. */
  retryFailed(runId: number): Promise<void>;
  /** Records a failed attempt on a batch the worker keeps. */
  attemptFailed(runId: number, kind: BatchKind, firstId: number, worker: string, attempts: number, error: string): Promise<void>;
  /** Gives a held batch back (pending) without counting an attempt: the worker is stopping. */
  release(runId: number, kind: BatchKind, firstId: number, worker: string): Promise<void>;
  /** Writes `ops` and marks the batch (page) written, in one transaction; false (nothing written) when the worker no longer holds it. */
  commit(done: BatchCommit, ops: readonly TableOp[]): Promise<boolean>;
  /** Replaces a held batch by the batches it splits into (the first keeps its key). */
  split(runId: number, batch: BatchRecord, parts: readonly BatchPlan[], worker: string): Promise<void>;
  /** A batch that failed for good; its hosts, when it holds one bad host, recorded as bad. */
  batchFailed(runId: number, kind: BatchKind, firstId: number, worker: string, attempts: number, error: string, badHosts?: readonly BadHost[]): Promise<void>;
  /** Bad hosts recorded and not yet served by a later run. */
  badHosts(kind?: BatchKind): Promise<BadHostRecord[]>;
  /** Bad hosts that a run has now written. */
  resolveBadHosts(kind: BatchKind, hostIds: readonly number[], runId: number): Promise<void>;

  /** Host ids not marked removed. */
  presentHostIds(): Promise<number[]>;
  markRemoved(hostIds: readonly number[], at: string): Promise<void>;
  /** Rows of `table` whose `last_seen_run` is before `runId` and not yet removed, marked removed; returns how many. */
  markUnseen(table: string, runId: number, at: string): Promise<number>;
  /**
   * Runs a kind's clean-up after a full run (kinds/kind.ts `finishFull`) in one transaction:
   * plain statements without parameters, valid on this store's engine. Returns the rows changed.
   */
  sweep(what: string, statements: readonly string[]): Promise<number>;
  /**
   * Ends the run once, whoever calls it first (others get undefined): totals per kind from its
   * batches, and on success the open-detection statistics.
   */
  finishRun(runId: number, end: RunEnd): Promise<RunTotals | undefined>;
  close(): Promise<void>;
}

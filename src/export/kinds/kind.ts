/**
 * One kind of export (hosts, detections, KnowledgeBase, and the other modules' kinds): how a new
 * run plans its batches, and what one attempt at a batch fetches and writes. The batch runner does
 * the rest the same for every kind — claims, leases, retries, splitting, progress.
 */
import type { QualysClient } from "../../client.js";
import type { RowDecoder } from "../decoders.js";
import type { ResolvedOptions } from "../options.js";
import type { BadHostRecord, BatchPlan, BatchRecord, ExportStore } from "../store.js";
import type { TableOp } from "../table-ops.js";

/** The API family a kind reads: a subscription without the module answers its first call 401/403. */
export type KindModule = "vm" | "csam" | "was" | "pcrs";

export interface PlanContext {
  readonly client: QualysClient;
  readonly options: ResolvedOptions;
  /** Incremental runs: only what changed since (Qualys date-time text); undefined in a full run. */
  readonly since: string | undefined;
  readonly signal: AbortSignal;
  /** Hosts earlier runs could not get (unresolved export_bad_hosts of this kind): planned first. */
  readonly badHosts: readonly BadHostRecord[];
  /** Host ids of the subscription (one ID_SET for every VM kind that needs it). */
  hostIds(): Promise<number[]>;
  /**
   * The kind's own "changed since" in an incremental run: the given --since, else the start (less
   * the margin) of the last successful run that wrote this kind; undefined in a full run and for a
   * kind no run has written yet (it is walked whole: new to the export, or its module new to the
   * subscription). Cursor kinds record it in their batch.
   */
  kindSince(): Promise<string | undefined>;
}

export interface FetchContext {
  readonly client: QualysClient;
  readonly options: ResolvedOptions;
  readonly runId: number;
  readonly since: string | undefined;
  readonly signal: AbortSignal;
  readonly decoder: RowDecoder;
}

/** What a kind's clean-up after a full run gets. */
export interface FinishContext {
  readonly store: ExportStore;
  readonly runId: number;
  /** When the run finishes (ISO-8601 UTC), for `removed_at` marks. */
  readonly at: string;
  /** Hosts of this kind Qualys could not serve (unresolved bad hosts): their rows stay as they were. */
  readonly badHostIds: readonly number[];
}

/** What one write of a batch holds: the table operations, the rows counted, and for cursor kinds where to go on. */
export interface BatchWrite {
  readonly ops: readonly TableOp[];
  readonly records: number;
  /** Cursor kinds: where the next page starts (null: from the beginning). */
  readonly cursor?: string | null;
  /** False while a cursor kind has pages left. Default true. */
  readonly done?: boolean;
  /** Text with invalid UTF-8 replaced by U+FFFD while decoding this write's answers. */
  readonly invalidUtf8?: number;
}

export interface ExportKindDef {
  readonly name: string;
  readonly module: KindModule;
  /** Plural noun for what the ids count ("hosts", "QIDs", "assets"), for progress lines. */
  readonly unit: string;
  /** Batch ids are host ids: a batch that keeps failing is split until the failing hosts stand alone. */
  readonly hostKeyed: boolean;
  /** Cursor kinds: progress counts the rows written against the plan's count (`size`), not finished batches. */
  readonly progressByRecords?: boolean;
  /**
   * The table a full run marks: rows its batches did not see get `removed_at` (`store.markUnseen`).
   * Undefined when the run's filters narrowed what the kind lists (then nothing is marked).
   */
  removedTable?(options: ResolvedOptions): string | undefined;
  /** The rate-limit key of the API this kind calls, to tell whether the scheduler has learned its limits yet. */
  limitKey(client: QualysClient): string;
  /**
   * The batches of a new run. A module the subscription lacks throws ModuleUnavailableError (from
   * its first call), and the run leaves the kind out when `what` was not given.
   */
  plan(ctx: PlanContext): Promise<BatchPlan[]>;
  /** Ids the batch covers (progress); 0 when unknown up front (cursor kinds). */
  size(batch: BatchPlan): number;
  /** One attempt at a batch: one write, or for cursor kinds one per page (resuming at `batch.cursor`). */
  fetch(ctx: FetchContext, batch: BatchRecord): AsyncIterable<BatchWrite>;
  /**
   * After a successful full run that planned batches of this kind (every one written): drops or
   * marks removed what Qualys no longer lists. Runs once per worker that finishes; idempotent.
   */
  finishFull?(ctx: FinishContext): Promise<void>;
  /** Host-keyed kinds: the batch in two halves (undefined: one host left), and its host ids. */
  split?(batch: BatchRecord): BatchPlan[] | undefined;
  hostIdsOf?(batch: BatchPlan): number[];
}

/**
 * What the export needs from its database, implemented for SQLite (sqlite-store.ts) and
 * PostgreSQL (postgres-store.ts). Every batch write is one transaction that also marks the batch
 * done, so a killed run leaves each batch either fully written and done, or untouched and pending.
 */
import type { KbChildTable, Row } from "./rows.js";
import type { Dialect } from "./schema.js";

export type BatchKind = "hosts" | "detections" | "kb";
export type RunStatus = "running" | "succeeded" | "failed";

export interface RunRecord {
  readonly id: number;
  /** ISO-8601 UTC. */
  readonly startedAt: string;
  readonly status: RunStatus;
  readonly mode: "full" | "incremental";
  readonly since: string | null;
  readonly what: string;
  /** JSON of the settings that shape the plan (filters, batch size): a resume needs the same. */
  readonly options: string | null;
}

export interface BatchPlan {
  readonly kind: BatchKind;
  readonly firstId: number;
  readonly lastId: number;
  /** Host batches: the ids as Qualys range items ("1-1000"); KB batches: null (first..last QIDs). */
  readonly ids: readonly string[] | null;
}

export interface BatchRecord extends BatchPlan {
  readonly status: "pending" | "running" | "done" | "failed";
  readonly attempts: number;
  readonly records: number;
  readonly error: string | null;
}

/** Which batch a write completes, and what to record on it. */
export interface BatchDone {
  readonly runId: number;
  readonly kind: BatchKind;
  readonly firstId: number;
  readonly attempts: number;
  /** Rows of the batch's main table (hosts, detections, QIDs). */
  readonly records: number;
}

export interface RunEnd {
  readonly status: "succeeded" | "failed";
  readonly finishedAt: string;
  readonly error?: string;
}

export interface ExportStore {
  readonly dialect: Dialect;
  /** Where (password-free), for messages. */
  readonly target: string;
  /** Creates or upgrades the schema; refuses a database written by a newer schema. */
  migrate(): Promise<void>;
  lastRun(): Promise<RunRecord | undefined>;
  lastSucceeded(): Promise<RunRecord | undefined>;
  createRun(run: Omit<RunRecord, "id" | "status">): Promise<number>;
  /** Marks a run failed that another (killed) process left running and that will not be resumed. */
  abandonRun(runId: number, reason: string): Promise<void>;
  addBatches(runId: number, plans: readonly BatchPlan[]): Promise<void>;
  batches(runId: number): Promise<BatchRecord[]>;
  batchFailed(runId: number, kind: BatchKind, firstId: number, attempts: number, error: string): Promise<void>;
  /** Host list rows: upserted. */
  writeHosts(done: BatchDone, hosts: readonly Row[]): Promise<void>;
  /** The batch's hosts' detections replaced by `detections`; `hosts` (as the HLD describes them) fill in host rows. */
  writeDetections(done: BatchDone, hostIds: readonly number[], hosts: readonly Row[], detections: readonly Row[]): Promise<void>;
  /** KB rows upserted, their CVE / vendor / Bugtraq lists replaced. */
  writeKb(done: BatchDone, kb: readonly Row[], children: Readonly<Record<KbChildTable, readonly Row[]>>): Promise<void>;
  /** Host ids not marked removed. */
  presentHostIds(): Promise<number[]>;
  markRemoved(hostIds: readonly number[], at: string): Promise<void>;
  /** Totals from the batches; on success also the open-detection stats of the run. */
  finishRun(runId: number, end: RunEnd): Promise<{ hosts: number; detections: number; kb: number }>;
  close(): Promise<void>;
}

/** The host columns both host writers fill: a non-null value wins over a stored one, so the order of the writes does not matter. */
export const HOST_MERGE_COLUMNS = [
  "asset_id", "ip", "ipv6", "tracking_method", "network_id", "dns", "netbios", "os", "qg_hostid",
  "last_scan_datetime", "last_vm_scanned_date", "last_vm_scanned_duration", "last_vm_auth_scanned_date", "last_pc_scanned_date",
] as const;

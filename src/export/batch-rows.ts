/** export_runs / export_batches rows as records, the same from both engines. */
import type { BatchRecord, RunRecord } from "./store.js";

const json = (v: unknown): unknown => (v === null || v === undefined ? null : typeof v === "string" ? JSON.parse(v) : v);

export function runOf(row: unknown): RunRecord | undefined {
  if (!row) return undefined;
  const r = row as Record<string, unknown>;
  return {
    id: Number(r.id),
    startedAt: String(r.started_at),
    status: r.status as RunRecord["status"],
    mode: r.mode as RunRecord["mode"],
    since: (r.since as string | null) ?? null,
    what: String(r.what),
    options: (r.options as string | null) ?? null,
  };
}

export function batchOf(row: unknown): BatchRecord {
  const r = row as Record<string, unknown>;
  return {
    kind: String(r.kind),
    firstId: Number(r.first_id),
    lastId: Number(r.last_id),
    ids: json(r.ids),
    status: r.status as BatchRecord["status"],
    attempts: Number(r.attempts),
    records: Number(r.records),
    error: (r.error as string | null) ?? null,
    generation: Number(r.generation ?? 0),
    cursor: (r.cursor as string | null) ?? null,
    claimedBy: (r.claimed_by as string | null) ?? null,
  };
}

/** Error text kept on a batch or a bad host: enough to tell what happened, never a whole page. */
export const errorText = (error: string) => error.slice(0, 2000);

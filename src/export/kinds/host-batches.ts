/** Batches of host ids (VM hosts and detections, PC posture): planned from the id list, split in halves, bad hosts first. */
import { fromRanges, splitBatches, toRanges } from "../id-set.js";
import type { BadHostRecord, BatchPlan, BatchRecord } from "../store.js";

export function hostBatches(kind: string, ids: readonly number[], size: number, firstSize = size, bad: readonly BadHostRecord[] = []): BatchPlan[] {
  const badIds = new Set(bad.map((b) => b.hostId));
  // Each bad host alone and claimed first (a higher generation): it fails alone again, or is served.
  const plans: BatchPlan[] = [...badIds].sort((a, b) => a - b).map((id) => ({ kind, firstId: id, lastId: id, ids: [String(id)], generation: 1 }));
  const rest = badIds.size ? ids.filter((id) => !badIds.has(id)) : ids;
  for (const part of splitBatches(rest, size, Math.min(firstSize, size))) plans.push({ kind, firstId: part[0]!, lastId: part[part.length - 1]!, ids: toRanges(part) });
  return plans;
}

export function hostIdsOf(batch: BatchPlan): number[] {
  return fromRanges((batch.ids as string[] | null) ?? [`${batch.firstId}-${batch.lastId}`]);
}

/** Two halves by host count, the first keeping the batch's key; undefined for one host. */
export function splitHostBatch(batch: BatchRecord): BatchPlan[] | undefined {
  const ids = hostIdsOf(batch);
  if (ids.length < 2) return undefined;
  const half = Math.ceil(ids.length / 2);
  const generation = batch.generation + 1;
  return [ids.slice(0, half), ids.slice(half)].map((part) => ({ kind: batch.kind, firstId: part[0]!, lastId: part[part.length - 1]!, ids: toRanges(part), generation }));
}

export function countRanges(items: readonly string[] | null | undefined): number {
  let n = 0;
  for (const item of items ?? []) {
    const dash = item.indexOf("-");
    n += dash < 0 ? 1 : Number(item.slice(dash + 1)) - Number(item.slice(0, dash)) + 1;
  }
  return n;
}

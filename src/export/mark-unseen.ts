/** What a full run marks removed in the tables of the kinds that list their rows whole (assets, web apps, findings…). */
import type { ExportKindDef } from "./kinds/kind.js";
import type { ResolvedOptions } from "./options.js";
import type { BadHostRecord, BatchRecord, ExportStore } from "./store.js";

/**
 * A full run's other tables: rows its batches did not see are marked removed — for each kind that
 * ran whole in this run (every batch done) and was not narrowed by filters.
 */
export async function markUnseen(store: ExportStore, batches: readonly BatchRecord[], kinds: readonly ExportKindDef[], options: ResolvedOptions, runId: number, at: string): Promise<Record<string, number>> {
  const marked: Record<string, number> = {};
  for (const def of kinds) {
    const table = def.removedTable?.(options);
    const own = batches.filter((b) => b.kind === def.name);
    // A kind skipped (module unavailable) has no batches: it saw nothing, so it marks nothing.
    if (!table || !own.length || own.some((b) => b.status !== "done")) continue;
    marked[table] = await store.markUnseen(table, runId, at);
  }
  return marked;
}

/**
 * What a successful full run does last: the unseen rows of whole-listing kinds marked removed, and
 * each kind's own clean-up (`finishFull`: posture drops what Qualys no longer lists, keeping bad hosts' rows).
 */
export async function finishFull(
  store: ExportStore, batches: readonly BatchRecord[], kinds: readonly ExportKindDef[], options: ResolvedOptions, runId: number, at: string, bad: readonly BadHostRecord[],
): Promise<Record<string, number>> {
  const marked = await markUnseen(store, batches, kinds, options, runId, at);
  for (const def of kinds) {
    if (!def.finishFull || !batches.some((b) => b.kind === def.name)) continue;
    await def.finishFull({ store, runId, at, badHostIds: bad.filter((b) => b.kind === def.name).map((b) => b.hostId) });
  }
  return marked;
}

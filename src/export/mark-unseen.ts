/** What a full run marks removed in the tables of the kinds that list their rows whole (assets, web apps, findings…). */
import type { ExportKindDef } from "./kinds/kind.js";
import type { ResolvedOptions } from "./options.js";
import type { BatchRecord, ExportStore } from "./store.js";

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

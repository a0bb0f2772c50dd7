/**
 * `qualys-ts/export`: the whole subscription's hosts, detections and KnowledgeBase into SQLite or
 * PostgreSQL — parallel, resumable and incremental. See src/export/schema.ts for the tables.
 */
export { exportSubscription, type ExportOptions, type ExportProgress, type ExportSummary, type KindProgress } from "./export/export-subscription.js";
export { type ExportFilters, type ExportKind, BATCH_SIZE, DEFAULT_CONCURRENCY } from "./export/options.js";
export { parseDbUrl, DEFAULT_DB_URL, type DbTarget } from "./export/db-url.js";
import type { ExportStore } from "./export/store.js";
export type { ExportStore, RunRecord, BatchRecord } from "./export/store.js";
export { MIGRATIONS, SCHEMA_VERSION, type Dialect, type Migration } from "./export/schema.js";
export { ExportDatabaseError } from "./runtime/errors/export-database-error.js";
export { ExportIncompleteError, type FailedBatch } from "./runtime/errors/export-incomplete-error.js";

/** Opens the export database a `--db` URL names. The store's module, and its driver, load on this call, not on import. */
export async function openStore(url?: string): Promise<ExportStore> {
  return (await import("./export/open-store.js")).openStore(url);
}

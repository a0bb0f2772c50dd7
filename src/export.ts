/**
 * `qualys-ts/export`: the whole subscription's hosts, detections and KnowledgeBase, CSAM assets and
 * WAS web apps and findings into SQLite or PostgreSQL — parallel, resumable and incremental. See
 * src/export/schema.ts for the tables.
 */
export { exportSubscription, type ExportOptions, type ExportProgress, type ExportSummary, type KindProgress } from "./export/export-subscription.js";
export { type ExportFilters, type ExportKind, type ModuleFilters, BATCH_SIZE, DEFAULT_CONCURRENCY, FINDING_STATUSES, KINDS } from "./export/options.js";
export { openStore } from "./export/open-store.js";
export { checkExportDbUrl, DEFAULT_DB_URL } from "./export/open-store.js";
export { parseDatabaseUrl, redactUrl, type DatabaseTarget } from "./db/url.js";
export type { ExportStore, RunRecord, BatchRecord, BadHost, BadHostRecord, WorkerRecord } from "./export/store.js";
export { MIGRATIONS, SCHEMA_VERSION, type Dialect, type Migration } from "./export/schema.js";
export { ExportDatabaseError } from "./runtime/errors/export-database-error.js";
export { ExportIncompleteError, type FailedBatch } from "./runtime/errors/export-incomplete-error.js";

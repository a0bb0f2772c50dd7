/** Refuses a database that is not an export database before any report query runs. */
import type { Database } from "../db/database.js";
import type { Requirement } from "./section.js";
import { DatabaseError } from "../runtime/errors/database-error.js";

/** The tables and views the report reads. */
export const REPORT_RELATIONS = ["hosts", "detections", "kb_vulns", "export_runs", "export_run_stats", "open_detections", "open_by_severity", "open_by_qid"] as const;

/** Which of these tables and views the database has (names are our own identifiers, never user input). */
async function existingRelations(db: Database, relations: readonly string[]): Promise<Set<string>> {
  if (!relations.length) return new Set();
  const names = relations.map((n) => `'${n}'`).join(", ");
  const query =
    db.dialect === "sqlite"
      ? `SELECT name FROM sqlite_master WHERE type IN ('table', 'view') AND name IN (${names})`
      : `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = ANY (current_schemas(false)) AND table_name IN (${names})`;
  return new Set((await db.all<{ name: string }>(query)).map((r) => r.name));
}

export async function checkExportSchema(db: Database): Promise<void> {
  const found = await existingRelations(db, REPORT_RELATIONS);
  const missing = REPORT_RELATIONS.filter((n) => !found.has(n));
  if (missing.length) {
    throw new DatabaseError(`${db.url} is not a qualys export database (missing ${missing.join(", ")}): create it with \`qualys export\``, { url: db.url });
  }
}

/** The columns of a table or view (none when it does not exist), read from the catalog. */
async function columnsOf(db: Database, table: string): Promise<Set<string>> {
  if (!/^[a-z_][a-z0-9_]*$/.test(table)) throw new TypeError(`not a table name: ${table}`);
  const query =
    db.dialect === "sqlite"
      ? `SELECT name FROM pragma_table_info('${table}')`
      : `SELECT column_name AS name FROM information_schema.columns WHERE table_schema = ANY (current_schemas(false)) AND table_name = '${table}'`;
  return new Set((await db.all<{ name: string }>(query)).map((r) => r.name));
}

/**
 * Why a section cannot run here — a table, view or column it reads that this database lacks (an
 * export written before that data was exported) — or undefined when it can. `seen` caches the catalog.
 */
export async function missingFor(db: Database, requires: readonly Requirement[] | undefined, seen: Map<string, Set<string>> = new Map()): Promise<string | undefined> {
  for (const r of requires ?? []) {
    let columns = seen.get(r.table);
    if (!columns) seen.set(r.table, (columns = await columnsOf(db, r.table)));
    if (!columns.size) return `this database has no ${r.table} table: it was written before qualys export exported that data, and the next export adds it`;
    const lacking = (r.columns ?? []).filter((c) => !columns.has(c));
    if (lacking.length) return `${r.table} has no ${lacking.join(", ")} column${lacking.length === 1 ? "" : "s"}: the database was written by an older qualys export, and the next export adds ${lacking.length === 1 ? "it" : "them"}`;
  }
  return undefined;
}

/** Refuses a database that is not an export database before any report query runs. */
import type { Database } from "../db/database.js";
import { DatabaseError } from "../runtime/errors/database-error.js";

/** The tables and views the report reads. */
export const REPORT_RELATIONS = ["hosts", "detections", "kb_vulns", "export_runs", "export_run_stats", "open_detections", "open_by_severity", "open_by_qid"] as const;

/** Which of these tables and views the database has (names are our own identifiers, never user input). */
export async function existingRelations(db: Database, relations: readonly string[]): Promise<Set<string>> {
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

/**
 * Export databases for tests and benches: the committed migrations applied to a fresh SQLite file
 * or PostgreSQL database, then synthetic rows inserted as multi-row INSERTs of SQL literals
 * (the same path for both engines; the values are our own, never user input).
 */
import type { Database } from "../../src/db/database.js";
import { MIGRATIONS } from "../../src/export/schema.js";
import { generateExportData, type ExportDataOptions, type TableRows, type Value } from "./export-data.js";

export async function applyMigrations(db: Database): Promise<void> {
  for (const migration of MIGRATIONS) await db.exec(migration.sql[db.dialect]);
}

function literal(value: Value, dialect: Database["dialect"]): string {
  if (value === null) return "NULL";
  if (typeof value === "boolean") return dialect === "sqlite" ? (value ? "1" : "0") : value ? "TRUE" : "FALSE";
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new TypeError(`not a finite number: ${value}`);
    return String(value);
  }
  return `'${value.replace(/'/g, "''")}'`;
}

/** SQLite parses at most 500 rows per VALUES list comfortably; PostgreSQL takes more per round trip. */
export async function insertRows(db: Database, batch: TableRows): Promise<void> {
  const per = db.dialect === "sqlite" ? 500 : 2000;
  for (let i = 0; i < batch.rows.length; i += per) {
    const values = batch.rows
      .slice(i, i + per)
      .map((row) => `(${row.map((v) => literal(v, db.dialect)).join(", ")})`)
      .join(",\n");
    await db.exec(`INSERT INTO ${batch.table} (${batch.columns.join(", ")}) VALUES\n${values}`);
  }
}

/** Schema plus generated rows, in one transaction; `onRows` sees every batch (tests keep them as the oracle). */
export async function fillExportDatabase(db: Database, options: ExportDataOptions, onRows?: (batch: TableRows) => void): Promise<void> {
  await applyMigrations(db);
  await db.exec("BEGIN");
  try {
    await generateExportData(options, async (batch) => {
      onRows?.(batch);
      await insertRows(db, batch);
    });
    await db.exec("COMMIT");
  } catch (err) {
    await db.exec("ROLLBACK");
    throw err;
  }
  await db.exec("ANALYZE");
}

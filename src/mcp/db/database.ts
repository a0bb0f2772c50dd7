/**
 * The SQL tool's only contact with src/db: open read-only, run one statement, close. Each query
 * runs read-only in the engine: SQLite through a read-only handle; PostgreSQL inside its own
 * READ ONLY transaction (rolled back after, so no SET the statement makes outlives it) with a
 * statement_timeout. Runs in the SQL child process (sql-child.ts).
 */
import type { Dialect } from "../../db/database.js";
import { openDatabase } from "../../db/open.js";
import { checkExportSchema } from "../../report/schema-check.js";

export type Row = Record<string, unknown>;

export interface ReadOnlyDatabase {
  readonly dialect: Dialect;
  /** Runs one statement read-only; PostgreSQL stops it after `timeoutMs`. */
  query(sql: string, timeoutMs: number): Promise<Row[]>;
  close(): Promise<void>;
}

export async function openReadOnly(url: string): Promise<ReadOnlyDatabase> {
  const db = await openDatabase(url, { readonly: true });
  try {
    await checkExportSchema(db);
  } catch (err) {
    await db.close().catch(() => {});
    throw err;
  }
  return {
    dialect: db.dialect,
    async query(sql, timeoutMs) {
      if (db.dialect === "sqlite") return db.all(sql);
      await db.all("BEGIN TRANSACTION READ ONLY");
      try {
        // Both apply to this transaction only; standard strings are what the statement check reads.
        await db.all(`SET LOCAL statement_timeout = ${Math.max(1, Math.floor(timeoutMs))}`);
        await db.all("SET LOCAL standard_conforming_strings = on");
        return await db.all(sql);
      } finally {
        await db.all("ROLLBACK").catch(() => {});
      }
    },
    close: () => db.close(),
  };
}

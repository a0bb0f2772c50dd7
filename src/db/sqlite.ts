/** SQLite (node:sqlite or better-sqlite3, see sqlite/open.ts) behind the async Database interface. */
import { DatabaseError } from "../runtime/errors/database-error.js";
import type { Database, OpenOptions, Row } from "./database.js";
import { openSqliteConnection } from "./sqlite/open.js";

export async function openSqlite(path: string, url: string, options: OpenOptions = {}): Promise<Database> {
  const db = await openSqliteConnection(path, { readonly: options.readonly ?? false, url, ...(options.sqliteDriver ? { driver: options.sqliteDriver } : {}) });
  // WAL: a reader (the report) never blocks the writer (an export), nor the other way round.
  if (!options.readonly && path !== ":memory:") db.exec("PRAGMA journal_mode = WAL");
  return {
    dialect: "sqlite",
    engine: db.driver,
    url,
    async all<T extends Row = Row>(sql: string): Promise<T[]> {
      try {
        return db.prepare(sql).all<T>();
      } catch (err) {
        throw new DatabaseError(`SQLite query failed: ${(err as Error).message}`, { url, sql, cause: err });
      }
    },
    async exec(sql: string): Promise<void> {
      try {
        db.exec(sql);
      } catch (err) {
        throw new DatabaseError(`SQLite script failed: ${(err as Error).message}`, { url, sql, cause: err });
      }
    },
    async close(): Promise<void> {
      db.close();
    },
  };
}

/** SQLite through better-sqlite3 (synchronous; wrapped in the async Database interface). */
import { existsSync } from "node:fs";
import { DatabaseError } from "../runtime/errors/database-error.js";
import type { Database, OpenOptions, Row } from "./database.js";

export async function openSqlite(path: string, url: string, options: OpenOptions = {}): Promise<Database> {
  // Loaded here, not at the top, so PostgreSQL users never load the native module.
  const { default: BetterSqlite3 } = await import("better-sqlite3");
  if (options.readonly && path !== ":memory:" && !existsSync(path)) throw new DatabaseError(`SQLite database ${path} does not exist`, { url });
  let db: InstanceType<typeof BetterSqlite3>;
  try {
    db = new BetterSqlite3(path, { readonly: options.readonly ?? false, fileMustExist: options.readonly ?? false });
  } catch (err) {
    throw new DatabaseError(`cannot open SQLite database ${path}: ${(err as Error).message}`, { url, cause: err });
  }
  if (!options.readonly) db.pragma("journal_mode = WAL");
  return {
    dialect: "sqlite",
    url,
    async all<T extends Row = Row>(sql: string): Promise<T[]> {
      try {
        return db.prepare(sql).all() as T[];
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

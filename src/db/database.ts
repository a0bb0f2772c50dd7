/** One small interface over both engines, enough to run the report's SQL and to set a database up. */
import type { Dialect } from "./dialect.js";
import type { SqliteDriverName } from "./sqlite/connection.js";

export type { Dialect };

/** A result row: column name to value; numbers come back as JS numbers on both engines. */
export type Row = Record<string, unknown>;

export interface Database {
  readonly dialect: Dialect;
  /** The driver underneath: "node:sqlite", "better-sqlite3" or "pg". */
  readonly engine: SqliteDriverName | "pg";
  /** The URL it was opened with, password redacted. */
  readonly url: string;
  /** Runs one statement (no parameters: the report shows the exact text it runs) and returns its rows. */
  all<T extends Row = Row>(sql: string): Promise<T[]>;
  /** Runs a script of one or more statements (migrations, set-up); returns nothing. */
  exec(sql: string): Promise<void>;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** Open without write access (SQLite: read-only file handle that must exist; PostgreSQL: read-only session). Default false. */
  readonly readonly?: boolean;
  /** SQLite only: which driver (default: node:sqlite where Node has it, else better-sqlite3). */
  readonly sqliteDriver?: SqliteDriverName;
}

/**
 * One synchronous SQLite interface over the two drivers: Node's built-in `node:sqlite` (Node 22.13+,
 * no native addon to build) and better-sqlite3 (Node 20, or when asked for). The export writes
 * through it in tight loops, so it is as thin as the drivers allow: prepared statements, plain
 * values, transactions by BEGIN IMMEDIATE / COMMIT.
 *
 * Binding differs in one way that matters: node:sqlite binds every JS number as a REAL, so a whole
 * number written to a TEXT column reads back "5.0". Columns with INTEGER or REAL affinity store it
 * as the number it is; callers bind text to TEXT columns (the export's row builders do).
 */
export type SqliteDriverName = "node:sqlite" | "better-sqlite3";
export type SqlValue = string | number | bigint | null | Uint8Array;

export interface SqliteRunResult {
  readonly changes: number | bigint;
  readonly lastInsertRowid: number | bigint;
}

export interface SqliteStatement {
  run(...params: SqlValue[]): SqliteRunResult;
  all<T = Record<string, unknown>>(...params: SqlValue[]): T[];
  get<T = Record<string, unknown>>(...params: SqlValue[]): T | undefined;
}

export interface SqliteConnection {
  readonly driver: SqliteDriverName;
  readonly path: string;
  readonly isOpen: boolean;
  exec(sql: string): void;
  prepare(sql: string): SqliteStatement;
  /**
   * Runs `fn` in one transaction, BEGIN IMMEDIATE (the write lock taken up front, so two writers
   * wait for each other at the start instead of failing at commit), ROLLBACK when it throws.
   */
  transaction<T>(fn: () => T): T;
  close(): void;
}

/** The transaction frame both drivers share: neither nests, and a failed COMMIT must not leave one open. */
export function runTransaction<T>(db: { exec(sql: string): void; readonly isTransaction: boolean }, fn: () => T): T {
  db.exec("BEGIN IMMEDIATE");
  try {
    const out = fn();
    db.exec("COMMIT");
    return out;
  } catch (err) {
    if (db.isTransaction) db.exec("ROLLBACK");
    throw err;
  }
}

/** `node:sqlite` (DatabaseSync) behind the SqliteConnection interface. */
import { runTransaction, type SqliteConnection, type SqliteStatement, type SqlValue } from "./connection.js";

/** The part of node:sqlite used here (typed locally: @types/node for Node 20 does not describe it). */
interface StatementSync {
  run(...params: SqlValue[]): { changes: number | bigint; lastInsertRowid: number | bigint };
  all(...params: SqlValue[]): unknown[];
  get(...params: SqlValue[]): unknown;
}
interface DatabaseSyncInstance {
  readonly isOpen: boolean;
  readonly isTransaction: boolean;
  exec(sql: string): void;
  prepare(sql: string): StatementSync;
  close(): void;
}
export interface NodeSqliteModule {
  DatabaseSync: new (path: string, options?: { readOnly?: boolean }) => DatabaseSyncInstance;
}

export function nodeSqliteConnection(Database: NodeSqliteModule["DatabaseSync"], path: string, readonly: boolean): SqliteConnection {
  const db = new Database(path, { readOnly: readonly });
  const wrap = (stmt: StatementSync): SqliteStatement => ({
    run: (...params: SqlValue[]) => stmt.run(...params),
    all: <T>(...params: SqlValue[]) => stmt.all(...params) as T[],
    get: <T>(...params: SqlValue[]) => stmt.get(...params) as T | undefined,
  });
  return {
    driver: "node:sqlite",
    path,
    get isOpen() {
      return db.isOpen;
    },
    exec: (sql) => db.exec(sql),
    prepare: (sql) => wrap(db.prepare(sql)),
    transaction: (fn) => runTransaction(db, fn),
    close: () => {
      if (db.isOpen) db.close();
    },
  };
}

/** better-sqlite3 behind the SqliteConnection interface (the driver on Node 20, or when asked for). */
import type BetterSqlite3 from "better-sqlite3";
import { runTransaction, type SqliteConnection, type SqliteStatement, type SqlValue } from "./connection.js";

export function betterSqliteConnection(Database: typeof BetterSqlite3, path: string, readonly: boolean): SqliteConnection {
  const db = new Database(path, { readonly, fileMustExist: readonly });
  const wrap = (stmt: BetterSqlite3.Statement): SqliteStatement => {
    // A statement that returns no rows (INSERT, UPDATE…) cannot be asked for rows, and vice versa.
    const reader = stmt.reader;
    return {
      run: (...params: SqlValue[]) => stmt.run(...params),
      all: <T>(...params: SqlValue[]) => (reader ? (stmt.all(...params) as T[]) : (stmt.run(...params), [])),
      get: <T>(...params: SqlValue[]) => (reader ? (stmt.get(...params) as T | undefined) : (stmt.run(...params), undefined)),
    };
  };
  return {
    driver: "better-sqlite3",
    path,
    get isOpen() {
      return db.open;
    },
    exec: (sql) => void db.exec(sql),
    prepare: (sql) => wrap(db.prepare(sql)),
    transaction: (fn) => runTransaction({ exec: (sql) => void db.exec(sql), get isTransaction() { return db.inTransaction; } }, fn),
    close: () => {
      if (db.open) db.close();
    },
  };
}

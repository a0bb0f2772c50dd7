/**
 * Opens a SQLite file with the driver this Node has: the built-in `node:sqlite` where it exists
 * (Node 22.13+; no native build, no install script), else better-sqlite3 (an optional package,
 * needed on Node 20). `QUALYS_SQLITE_DRIVER=node:sqlite|better-sqlite3` (or `driver`) picks one.
 */
import { existsSync, mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { ConfigurationError } from "../../runtime/errors/configuration-error.js";
import { DatabaseError } from "../../runtime/errors/database-error.js";
import { importOptional } from "../../runtime/optional-import.js";
import { betterSqliteConnection } from "./better-sqlite3.js";
import type { SqliteConnection, SqliteDriverName } from "./connection.js";
import { nodeSqliteConnection, type NodeSqliteModule } from "./node-sqlite.js";

export interface SqliteOpenOptions {
  /** A read-only handle on a file that must exist. Default false (created when missing, with its folder). */
  readonly readonly?: boolean;
  /** How long to wait for another connection's write lock, ms. Default 5000. */
  readonly busyTimeoutMs?: number;
  /** Default: QUALYS_SQLITE_DRIVER, else node:sqlite when this Node has it, else better-sqlite3. */
  readonly driver?: SqliteDriverName;
  /** For messages: the URL it was named by. Default `sqlite:<path>`. */
  readonly url?: string;
}

const DRIVERS: readonly SqliteDriverName[] = ["node:sqlite", "better-sqlite3"];

let builtin: Promise<NodeSqliteModule | undefined> | undefined;
// A variable, so the compiler (whose Node 20 types know no node:sqlite) leaves the specifier alone.
const NODE_SQLITE: string = "node:sqlite";

/** `node:sqlite` when this Node has it (loaded once). */
export function nodeSqlite(): Promise<NodeSqliteModule | undefined> {
  return (builtin ??= (import(NODE_SQLITE) as Promise<NodeSqliteModule>).catch(() => undefined));
}

export async function sqliteDriver(asked: SqliteDriverName | undefined = envDriver()): Promise<SqliteDriverName> {
  if (asked) return asked;
  return (await nodeSqlite()) ? "node:sqlite" : "better-sqlite3";
}

function envDriver(): SqliteDriverName | undefined {
  const value = process.env.QUALYS_SQLITE_DRIVER?.trim();
  if (!value) return undefined;
  if (!DRIVERS.includes(value as SqliteDriverName)) throw new ConfigurationError(`QUALYS_SQLITE_DRIVER is "${value}": use ${DRIVERS.join(" or ")}`);
  return value as SqliteDriverName;
}

export async function openSqliteConnection(path: string, options: SqliteOpenOptions = {}): Promise<SqliteConnection> {
  const url = options.url ?? `sqlite:${path}`;
  const readonly = options.readonly ?? false;
  const memory = path === ":memory:";
  if (readonly && !memory && !existsSync(path)) throw new DatabaseError(`SQLite database ${path} does not exist`, { url });
  const driver = await sqliteDriver(options.driver);
  let conn: SqliteConnection;
  try {
    if (!readonly && !memory) mkdirSync(dirname(path), { recursive: true });
    if (driver === "node:sqlite") {
      const mod = await nodeSqlite();
      if (!mod) throw new ConfigurationError(`the SQLite driver node:sqlite needs Node 22.13 or later (this is ${process.version}); install better-sqlite3 instead`);
      conn = nodeSqliteConnection(mod.DatabaseSync, path, readonly);
    } else {
      const { default: BetterSqlite3 } = await importOptional<{ default: typeof import("better-sqlite3") }>("better-sqlite3", `SQLite on Node ${process.version} (no node:sqlite)`);
      conn = betterSqliteConnection(BetterSqlite3, path, readonly);
    }
  } catch (err) {
    if (err instanceof ConfigurationError) throw err;
    if ((err as Error)?.name === "MissingDependencyError") throw err;
    throw new DatabaseError(`cannot open SQLite database ${path}: ${(err as Error).message}`, { url, cause: err });
  }
  try {
    conn.exec(`PRAGMA busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 5000))}`);
  } catch (err) {
    conn.close();
    throw new DatabaseError(`cannot open SQLite database ${path}: ${(err as Error).message}`, { url, cause: err });
  }
  return conn;
}

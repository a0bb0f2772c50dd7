/**
 * The SQLite drivers this Node has: node:sqlite from Node 22.13 on, better-sqlite3 where its native
 * addon is built for this Node (the machine's Node 20; CI's Node 24/26 lines install without
 * building it, as a lean CLI install would). Export and report tests run once per driver, and the
 * tests read databases back through `openSync`, with whichever driver there is.
 */
import { createRequire } from "node:module";
import { betterSqliteConnection } from "../../src/db/sqlite/better-sqlite3.js";
import type { SqliteConnection, SqliteDriverName } from "../../src/db/sqlite/connection.js";
import { nodeSqliteConnection, type NodeSqliteModule } from "../../src/db/sqlite/node-sqlite.js";

const require = createRequire(import.meta.url);

function load<T>(name: string, usable: (mod: T) => void): T | undefined {
  try {
    const mod = require(name) as T;
    usable(mod);
    return mod;
  } catch {
    return undefined;
  }
}

const nodeSqlite = load<NodeSqliteModule>("node:sqlite", () => {});
// better-sqlite3 loads its addon on the first database, not on require.
const betterSqlite3 = load<typeof import("better-sqlite3")>("better-sqlite3", (Database) => new Database(":memory:").close());

export const SQLITE_DRIVERS: readonly SqliteDriverName[] = [...(nodeSqlite ? (["node:sqlite"] as const) : []), ...(betterSqlite3 ? (["better-sqlite3"] as const) : [])];

/** A synchronous connection (for tests reading a database back), with the first driver there is. */
export function openSync(path: string, options: { readonly?: boolean } = {}): SqliteConnection {
  const readonly = options.readonly ?? false;
  if (nodeSqlite) return nodeSqliteConnection(nodeSqlite.DatabaseSync, path, readonly);
  if (betterSqlite3) return betterSqliteConnection(betterSqlite3, path, readonly);
  throw new Error("no SQLite driver on this Node: node:sqlite needs Node 22.13+, better-sqlite3 needs its addon built");
}

/**
 * The SQLite drivers this Node has: better-sqlite3 everywhere the suite runs, node:sqlite from
 * Node 22.13 on. Export and report tests run once per driver (on Node 20 that is one).
 */
import { createRequire } from "node:module";
import type { SqliteDriverName } from "../../src/db/sqlite/connection.js";

const require = createRequire(import.meta.url);

function has(name: string): boolean {
  try {
    require(name);
    return true;
  } catch {
    return false;
  }
}

export const SQLITE_DRIVERS: readonly SqliteDriverName[] = [...(has("node:sqlite") ? (["node:sqlite"] as const) : []), "better-sqlite3"];

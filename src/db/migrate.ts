/**
 * Schema versions: ordered migrations, each applied once and recorded in `schema_version`, on
 * both engines, inside one transaction (PostgreSQL under an advisory lock, SQLite under its write
 * lock) so two processes starting at once never both apply one. A database written by a newer
 * version of the code is refused rather than written with an older idea of its tables.
 */
import type pg from "pg";
import { DatabaseError } from "../runtime/errors/database-error.js";
import type { Dialect } from "./dialect.js";
import type { SqliteConnection } from "./sqlite/connection.js";

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: Readonly<Record<Dialect, string>>;
}

export interface MigrationResult {
  /** The version the database was at before (0: empty). */
  readonly from: number;
  readonly to: number;
  /** The migrations applied now. */
  readonly applied: readonly Migration[];
}

function latest(migrations: readonly Migration[]): number {
  return migrations.length ? migrations[migrations.length - 1]!.version : 0;
}

function pending(migrations: readonly Migration[], current: number, url: string, what: string): Migration[] {
  const newest = latest(migrations);
  if (current > newest) {
    throw new DatabaseError(`${url} has ${what} schema version ${current}, newer than this qualys-ts writes (${newest}); upgrade qualys-ts`, { url });
  }
  return migrations.filter((m) => m.version > current);
}

export function migrateSqlite(db: SqliteConnection, migrations: readonly Migration[], url: string, what = "export"): MigrationResult {
  return db.transaction(() => {
    db.exec("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)");
    const current = Number(db.prepare("SELECT COALESCE(MAX(version), 0) AS v FROM schema_version").get<{ v: number }>()?.v ?? 0);
    const todo = pending(migrations, current, url, what);
    const record = db.prepare("INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?)");
    for (const m of todo) {
      db.exec(m.sql.sqlite);
      record.run(m.version, m.name, new Date().toISOString());
    }
    return { from: current, to: Math.max(current, latest(migrations)), applied: todo };
  });
}

/** An arbitrary, fixed key: every qualys-ts process migrating one PostgreSQL database takes the same lock. */
const MIGRATION_LOCK = 7342001;

export async function migratePostgres(client: pg.Client, migrations: readonly Migration[], url: string, what = "export"): Promise<MigrationResult> {
  return withPgTransaction(client, async () => {
    await client.query("SELECT pg_advisory_xact_lock($1)", [MIGRATION_LOCK]);
    await client.query("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL)");
    const current = Number((await client.query("SELECT COALESCE(MAX(version), 0) AS v FROM schema_version")).rows[0].v);
    const todo = pending(migrations, current, url, what);
    for (const m of todo) {
      await client.query(m.sql.postgres);
      await client.query("INSERT INTO schema_version (version, name, applied_at) VALUES ($1, $2, now())", [m.version, m.name]);
    }
    return { from: current, to: Math.max(current, latest(migrations)), applied: todo };
  });
}

/** BEGIN … COMMIT around `fn`, ROLLBACK when it throws (the error is the caller's to wrap). */
export async function withPgTransaction<T>(client: pg.Client, fn: () => Promise<T>): Promise<T> {
  await client.query("BEGIN");
  try {
    const out = await fn();
    await client.query("COMMIT");
    return out;
  } catch (err) {
    await client.query("ROLLBACK").catch(() => {});
    throw err;
  }
}

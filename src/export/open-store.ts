/** Opens the export database a `--db` URL names (src/db/url.ts; the PostgreSQL driver is loaded only when used). */
import { resolve } from "node:path";
import { parseDatabaseUrl } from "../db/url.js";
import { DatabaseUrlError } from "../runtime/errors/database-url-error.js";
import { SqliteStore } from "./sqlite-store.js";
import type { ExportStore } from "./store.js";

export const DEFAULT_DB_URL = "sqlite:./qualys.db";

/** Checks an export database URL without opening it: a DatabaseUrlError naming what is wrong. */
export function checkExportDbUrl(url: string): void {
  const target = parseDatabaseUrl(url);
  if (target.dialect === "sqlite" && target.path === ":memory:") throw new DatabaseUrlError("database URL sqlite::memory: would lose the export when the process ends: name a file (sqlite:./qualys.db)", { url: target.url });
}

export async function openStore(url: string = process.env.QUALYS_DB_URL || DEFAULT_DB_URL): Promise<ExportStore> {
  checkExportDbUrl(url);
  const target = parseDatabaseUrl(url);
  if (target.dialect === "sqlite") return SqliteStore.open(resolve(target.path));
  const { PostgresStore } = await import("./postgres-store.js");
  return PostgresStore.open(target.connectionString);
}

/** Opens a database by URL (`sqlite:./export.db`, `postgres://…`) with the matching driver. */
import type { Database, OpenOptions } from "./database.js";
import { openPostgres } from "./postgres.js";
import { openSqlite } from "./sqlite.js";
import { parseDatabaseUrl } from "./url.js";

export async function openDatabase(url: string, options: OpenOptions = {}): Promise<Database> {
  const target = parseDatabaseUrl(url);
  return target.dialect === "sqlite" ? openSqlite(target.path, target.url, options) : openPostgres(target.connectionString, target.url, options);
}

/** Opens the export database a `--db` URL names (the PostgreSQL driver is loaded only when used). */
import { DEFAULT_DB_URL, parseDbUrl } from "./db-url.js";
import { SqliteStore } from "./sqlite-store.js";
import type { ExportStore } from "./store.js";

export async function openStore(url: string = process.env.QUALYS_DB_URL || DEFAULT_DB_URL): Promise<ExportStore> {
  const target = parseDbUrl(url);
  if (target.dialect === "sqlite") return SqliteStore.open(target.path);
  const { PostgresStore } = await import("./postgres-store.js");
  return PostgresStore.open(target.url);
}

/** PostgreSQL through pg: one client, bigint and numeric columns returned as JS numbers. */
import { DatabaseError } from "../runtime/errors/database-error.js";
import type { Database, OpenOptions, Row } from "./database.js";

const INT8 = 20;
const NUMERIC = 1700;

/**
 * Counts and sums are int8 and rounded figures numeric: as numbers, so rows look the same as
 * SQLite's. A value a double cannot hold exactly stays text rather than losing digits.
 */
function toNumber(oid: number) {
  return (text: string): number | string => {
    const n = Number(text);
    const exact = oid === INT8 ? Number.isSafeInteger(n) : Number.isFinite(n) && String(n) === trimZeros(text);
    return exact ? n : text;
  };
}

/** "12.50" → "12.5", "3.000" → "3"; integers as they are. */
function trimZeros(text: string): string {
  return text.includes(".") ? text.replace(/0+$/, "").replace(/\.$/, "") : text;
}

export async function openPostgres(connectionString: string, url: string, options: OpenOptions = {}): Promise<Database> {
  const { default: pg } = await import("pg");
  const client = new pg.Client({
    connectionString,
    application_name: "qualys-ts",
    connectionTimeoutMillis: 15_000,
    types: {
      getTypeParser: ((oid: number, format?: "text" | "binary") =>
        oid === INT8 || oid === NUMERIC ? toNumber(oid) : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  });
  // A dropped connection after connect must become a query error, not an uncaught 'error' event.
  client.on("error", () => {});
  try {
    await client.connect();
    // A report must never change the export: refuse writes for the whole session.
    if (options.readonly) await client.query("SET default_transaction_read_only = on");
  } catch (err) {
    await client.end().catch(() => {});
    throw new DatabaseError(`cannot connect to PostgreSQL at ${url}: ${(err as Error).message}`, { url, cause: err });
  }
  return {
    dialect: "postgres",
    url,
    async all<T extends Row = Row>(sql: string): Promise<T[]> {
      try {
        return (await client.query(sql)).rows as T[];
      } catch (err) {
        if (err instanceof DatabaseError) throw err;
        throw new DatabaseError(`PostgreSQL query failed: ${(err as Error).message}`, { url, sql, cause: err });
      }
    },
    async exec(sql: string): Promise<void> {
      try {
        await client.query(sql);
      } catch (err) {
        throw new DatabaseError(`PostgreSQL script failed: ${(err as Error).message}`, { url, sql, cause: err });
      }
    },
    async close(): Promise<void> {
      await client.end();
    },
  };
}

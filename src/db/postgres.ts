/**
 * PostgreSQL through pg (an optional package, loaded when a postgres:// URL is opened): one client,
 * bigint and numeric columns returned as JS numbers so rows look the same as SQLite's.
 */
import type pg from "pg";
import { DatabaseError } from "../runtime/errors/database-error.js";
import { importOptional } from "../runtime/optional-import.js";
import type { Database, OpenOptions, Row } from "./database.js";

const INT8 = 20;
const NUMERIC = 1700;

/**
 * Counts and sums are int8 and rounded figures numeric: as numbers. A value a double cannot hold
 * exactly stays text rather than losing digits.
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

export async function loadPg(): Promise<typeof pg> {
  return (await importOptional<{ default: typeof pg }>("pg", "PostgreSQL")).default;
}

export interface ConnectOptions extends OpenOptions {
  /** Default 15 s. */
  readonly connectTimeoutMs?: number;
}

/** A connected client; `url` (redacted) names it in errors. */
export async function connectPostgres(connectionString: string, url: string, options: ConnectOptions = {}): Promise<pg.Client> {
  const driver = await loadPg();
  const client = new driver.Client({
    connectionString,
    application_name: "qualys-ts",
    connectionTimeoutMillis: options.connectTimeoutMs ?? 15_000,
    types: {
      getTypeParser: ((oid: number, format?: "text" | "binary") =>
        oid === INT8 || oid === NUMERIC ? toNumber(oid) : driver.types.getTypeParser(oid, format)) as typeof driver.types.getTypeParser,
    },
  });
  // A dropped connection after connect must become a query error, not an uncaught 'error' event.
  client.on("error", () => {});
  try {
    await client.connect();
    // A reader must never change the database: refuse writes for the whole session.
    if (options.readonly) await client.query("SET default_transaction_read_only = on");
  } catch (err) {
    await client.end().catch(() => {});
    const detail = (err as Error).message || (err as { code?: string }).code || String(err);
    throw new DatabaseError(`cannot connect to PostgreSQL at ${url}: ${detail}`, { url, cause: err });
  }
  return client;
}

export async function openPostgres(connectionString: string, url: string, options: OpenOptions = {}): Promise<Database> {
  const client = await connectPostgres(connectionString, url, options);
  return {
    dialect: "postgres",
    engine: "pg",
    url,
    async all<T extends Row = Row>(sql: string): Promise<T[]> {
      try {
        return (await client.query(sql)).rows as T[];
      } catch (err) {
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

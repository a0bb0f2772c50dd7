/** The two SQL engines the export and the report run on, and the column types that differ between them. */
export type Dialect = "sqlite" | "postgres";

/**
 * SQLite keeps times as ISO-8601 UTC text (sorts and compares as text, works with unixepoch()),
 * JSON as text and booleans as 0/1; PostgreSQL has the real types.
 */
export const COLUMN_TYPES = {
  sqlite: { time: "TEXT", json: "TEXT", bool: "INTEGER", serial: "INTEGER PRIMARY KEY", bigint: "INTEGER", real: "REAL", false: "0", true: "1" },
  postgres: { time: "TIMESTAMPTZ", json: "JSONB", bool: "BOOLEAN", serial: "BIGSERIAL PRIMARY KEY", bigint: "BIGINT", real: "DOUBLE PRECISION", false: "FALSE", true: "TRUE" },
} as const satisfies Record<Dialect, Record<string, string>>;

export type ColumnTypes = (typeof COLUMN_TYPES)[Dialect];

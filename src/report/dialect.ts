/**
 * The few SQL spellings that differ between SQLite and PostgreSQL: time literals, the seconds
 * between two times, and a time as ISO-8601 UTC text. Times reach the SQL as literals, never as
 * parameters, so the statement the report shows is the one that ran and can be rerun as is; they
 * are only ever the normalized `YYYY-MM-DDTHH:MM:SSZ` that options.ts produces.
 */
import type { Dialect } from "../db/database.js";

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

export function timeLiteral(dialect: Dialect, iso: string): string {
  if (!ISO.test(iso)) throw new TypeError(`not a normalized UTC time: ${iso}`);
  return dialect === "sqlite" ? `'${iso}'` : `TIMESTAMPTZ '${iso}'`;
}

/** Whole or fractional seconds from `earlier` to `later` (SQL expressions). */
export function secondsBetween(dialect: Dialect, later: string, earlier: string): string {
  return dialect === "sqlite" ? `(unixepoch(${later}) - unixepoch(${earlier}))` : `EXTRACT(EPOCH FROM (${later} - ${earlier}))`;
}

/** `column >= time`, comparing instants (SQLite text in any ISO spelling, PostgreSQL timestamptz). */
export function atOrAfter(dialect: Dialect, column: string, iso: string): string {
  return dialect === "sqlite" ? `unixepoch(${column}) >= unixepoch(${timeLiteral(dialect, iso)})` : `${column} >= ${timeLiteral(dialect, iso)}`;
}

/** 1-based position of `needle` in `haystack`, 0 when absent (SQLite instr, PostgreSQL strpos). */
export function position(dialect: Dialect, haystack: string, needle: string): string {
  return dialect === "sqlite" ? `instr(${haystack}, ${needle})` : `strpos(${haystack}, ${needle})`;
}

/** A time column as `YYYY-MM-DDTHH:MM:SSZ` text, the same on both engines. */
export function isoText(dialect: Dialect, column: string): string {
  return dialect === "sqlite" ? `strftime('%Y-%m-%dT%H:%M:%SZ', ${column})` : `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')`;
}

/**
 * Cells of the CSAM and WAS rows, read field by field from a JSON record: times as ISO-8601 UTC
 * text (ISO strings and epoch milliseconds alike), booleans as 0/1 (WAS sends "true"/"false"),
 * ids exact (a 64-bit id past 2^53 arrives as decimal text and stays so). A field read into a
 * column is left out of the record's `extra`; one that could not be read (a time that does not
 * parse) stays there, so nothing Qualys sent is lost.
 */
import type { Cell } from "./rows.js";

type Json = Record<string, unknown>;

export const isObject = (v: unknown): v is Json => v !== null && typeof v === "object" && !Array.isArray(v);

/** A list where Qualys may send one object for a one-element list, or nothing. */
export function listOf(value: unknown): Json[] {
  if (value === undefined || value === null) return [];
  return (Array.isArray(value) ? value : [value]).filter(isObject);
}

/** ISO text or epoch milliseconds → `YYYY-MM-DDTHH:MM:SS[.mmm]Z`; null when it is no time. */
export function timeCell(v: unknown): Cell {
  let ms: number;
  if (typeof v === "number" && Number.isFinite(v)) ms = v;
  else if (typeof v === "string" && /^\d{4}-\d{2}-\d{2}/.test(v)) ms = Date.parse(v.length === 10 ? `${v}T00:00:00Z` : v);
  else return null;
  if (!Number.isFinite(ms)) return null;
  const iso = new Date(ms).toISOString();
  return iso.endsWith(".000Z") ? `${iso.slice(0, 19)}Z` : iso;
}

export const textCell = (v: unknown): Cell => (v === undefined || v === null ? null : typeof v === "string" ? v : typeof v === "object" ? JSON.stringify(v) : String(v));

export function numberCell(v: unknown): Cell {
  if (typeof v === "number") return Number.isFinite(v) ? v : null;
  if (typeof v === "string" && v.trim() !== "" && Number.isFinite(Number(v))) return Number(v);
  return null;
}

/** An id: a number, or the exact decimal text of one past 2^53. */
export function idCell(v: unknown): Cell {
  if (typeof v === "number") return Number.isSafeInteger(v) ? v : null;
  if (typeof v === "string" && /^-?\d+$/.test(v.trim())) {
    const n = Number(v);
    return Number.isSafeInteger(n) ? n : v.trim();
  }
  return null;
}

export function boolCell(v: unknown): Cell {
  if (v === true || v === 1) return 1;
  if (v === false || v === 0) return 0;
  if (typeof v === "string") {
    const t = v.trim().toLowerCase();
    if (t === "true" || t === "1") return 1;
    if (t === "false" || t === "0") return 0;
  }
  return null;
}

/** A record read into cells; `extra()` is what no cell took. */
export class Fields {
  readonly #record: Json;
  readonly #used = new Set<string>();

  constructor(record: Json, consumed: readonly string[] = []) {
    this.#record = record;
    for (const k of consumed) this.#used.add(k);
  }

  #take(key: string, cell: Cell): Cell {
    const raw = this.#record[key];
    // Taken when it converted, or was empty: a value that did not convert stays in extra.
    if (cell !== null || raw === undefined || raw === null) this.#used.add(key);
    return cell;
  }

  text(key: string): Cell {
    const v = this.#record[key];
    return this.#take(key, typeof v === "object" && v !== null ? null : textCell(v));
  }
  time(key: string): Cell {
    return this.#take(key, timeCell(this.#record[key]));
  }
  number(key: string): Cell {
    return this.#take(key, numberCell(this.#record[key]));
  }
  id(key: string): Cell {
    return this.#take(key, idCell(this.#record[key]));
  }
  bool(key: string): Cell {
    return this.#take(key, boolCell(this.#record[key]));
  }

  /** The fields no cell took, as JSON; null when none are left. */
  extra(): Cell {
    let rest: Json | undefined;
    for (const [key, value] of Object.entries(this.#record)) {
      if (this.#used.has(key) || value === undefined) continue;
      (rest ??= {})[key] = value;
    }
    return rest ? JSON.stringify(rest) : null;
  }
}

/** A field of a nested object, without taking it (the object stays whole in extra). */
export function at(record: Json, ...path: string[]): unknown {
  let v: unknown = record;
  for (const key of path) v = isObject(v) ? v[key] : undefined;
  return v;
}

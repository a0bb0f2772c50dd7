/**
 * What one batch writes, as data: deletes by key and upserts of positional rows, which each store
 * carries out in the batch's one transaction (SQLite: prepared statements; PostgreSQL: COPY into a
 * staging table and one INSERT … SELECT). Kinds describe their writes this way, so a new kind adds
 * tables, not store code. The conflict clauses are plain SQL valid on both engines (`excluded.x`).
 */
import type { RowSource } from "./row-list.js";

export type KeyType = "bigint" | "text";

export type TableOp =
  /** DELETE FROM table WHERE column IN keys. */
  | { readonly op: "delete"; readonly table: string; readonly column: string; readonly type: KeyType; readonly keys: readonly (number | string)[] }
  /**
   * INSERT rows ON CONFLICT (key) <onConflict>. `onConflict` is "DO NOTHING" (the first of
   * repeated keys stays) or "DO UPDATE SET …"; rows repeating a key within one op are then merged
   * in order on SQLite and take one of them on PostgreSQL, so kinds do not send repeated keys.
   */
  | {
      readonly op: "upsert";
      readonly table: string;
      readonly columns: readonly string[];
      readonly key: readonly string[];
      readonly onConflict: string;
      readonly rows: RowSource;
      /**
       * The kind vouches that no row has a key another row of the op has, nor one stored when the
       * op runs (the batch deleted those keys before): the store may append the rows without the
       * conflict check (PostgreSQL: COPY straight into the table). A conflict then fails the batch.
       */
      readonly distinct?: boolean;
    };

export const DO_NOTHING = "DO NOTHING";

/** `DO UPDATE SET` every column but the key with the new value. */
export function replaceAll(columns: readonly string[], key: readonly string[]): string {
  const set = columns.filter((c) => !key.includes(c)).map((c) => `${c} = excluded.${c}`);
  return set.length ? `DO UPDATE SET ${set.join(", ")}` : DO_NOTHING;
}

export function upsertSql(op: Extract<TableOp, { op: "upsert" }>, source: string): string {
  return `INSERT INTO ${op.table} (${op.columns.join(", ")}) ${source} ON CONFLICT (${op.key.join(", ")}) ${op.onConflict}`;
}

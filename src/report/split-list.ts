/**
 * Host List Detection 5.0 elements whose repetition Qualys has not published (MITRE ATT&CK
 * tactics, detection sources) are stored one value, or several joined by ", " in the order sent
 * (src/export/rows.ts). A report counts each value: a recursive CTE (plain SQL on both engines,
 * only the position function differs) turns a detection into one row per value, so a detection
 * mapped to two tactics counts once under each.
 */
import type { Dialect } from "../db/database.js";
import { position } from "./dialect.js";

export interface SplitList {
  /** The CTE's name. */
  readonly name: string;
  /** The joined column, and optionally a second one split in step with it (tactic names beside their ids). */
  readonly column: string;
  readonly paired?: string;
  /** Where the detections come from (a view or table with `host_id`). */
  readonly from: string;
  /** Names of the value columns the CTE yields. */
  readonly as: readonly [string] | readonly [string, string];
}

/** `WITH RECURSIVE name (host_id, rest…, value…)`: one row per (detection, value), the value columns NULL on the seed rows. */
export function splitListCte(dialect: Dialect, s: SplitList): string {
  const at = (col: string) => position(dialect, col, "', '");
  // The next value: the text before the next separator (every rest ends with one); '' when a paired list runs short.
  const head = (col: string) => `CASE WHEN ${at(col)} > 0 THEN substr(${col}, 1, ${at(col)} - 1) ELSE '' END`;
  const tail = (col: string) => `substr(${col}, ${at(col)} + 2)`;
  const rests = s.paired ? ["rest", "rest_paired"] : ["rest"];
  const seed = [`${s.column} || ', '`, ...(s.paired ? [`COALESCE(${s.paired}, '') || ', '`] : [])];
  return `WITH RECURSIVE ${s.name} (host_id, ${rests.join(", ")}, ${s.as.join(", ")}) AS (
  SELECT host_id, ${seed.join(", ")}, ${s.as.map(() => "CAST(NULL AS TEXT)").join(", ")}
  FROM ${s.from}
  WHERE ${s.column} <> ''
  UNION ALL
  SELECT host_id,
    ${[...rests.map(tail), ...rests.map(head)].join(",\n    ")}
  FROM ${s.name}
  WHERE rest <> ''
)`;
}

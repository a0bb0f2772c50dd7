/** What one report section is: its SQL, the columns of its table, and the chart drawn from the rows. */
import type { TopLevelSpec } from "vega-lite";
import type { Dialect, Row } from "../db/database.js";

export interface QueryContext {
  readonly dialect: Dialect;
  /** The instant ages are measured against, `YYYY-MM-DDTHH:MM:SSZ`. */
  readonly asOf: string;
  /** Only fixes and export runs from this instant on, `YYYY-MM-DDTHH:MM:SSZ`. */
  readonly since?: string;
}

/** How a cell is written: counts with thousands separators, ids as they are, decimals with one digit. */
export type ColumnKind = "int" | "id" | "decimal" | "text";

export interface Column {
  /** The SQL result column; the table's header carries it as `data-column`. */
  readonly key: string;
  readonly label: string;
  readonly kind: ColumnKind;
}

/** A table or view (and columns of it) a section reads that older export databases lack. */
export interface Requirement {
  readonly table: string;
  readonly columns?: readonly string[];
}

export interface SectionDefinition {
  readonly id: string;
  readonly title: string;
  /** One or two sentences: what the figures are and how they are counted. */
  intro(ctx: QueryContext): string;
  sql(ctx: QueryContext): string;
  /** Every column the SQL returns, in its order. */
  readonly columns: readonly Column[];
  /**
   * What the SQL reads beyond the first export schema (PC posture tables, HLD 5.0 columns): on a
   * database without them the SQL is not run and the section says why, with its `empty` text.
   */
  readonly requires?: readonly Requirement[];
  /** Shown in place of the chart when there are no rows: what that means and how to get some. Default "No data to chart.". */
  readonly empty?: string;
  /** The Vega-Lite chart of the rows; none for the headline figures. */
  chart?(rows: readonly Row[], ctx: QueryContext): TopLevelSpec;
}

/** Strips the common indentation of a template literal, so the SQL shown reads as written. */
export function sql(strings: TemplateStringsArray, ...values: unknown[]): string {
  const text = strings.reduce((out, part, i) => out + part + (i < values.length ? String(values[i]) : ""), "");
  const lines = text.replace(/^\n/, "").replace(/\s+$/, "").split("\n");
  const indent = Math.min(...lines.filter((l) => l.trim()).map((l) => /^ */.exec(l)![0].length));
  return lines.map((l) => l.slice(indent)).join("\n");
}

/**
 * A section's rows as an HTML table. Every column of the query, in its order, with its SQL name
 * in `data-column`, so a reader (or a test) can match each cell to the query's result.
 */
import type { Row } from "../db/database.js";
import { escapeHtml } from "./escape.js";
import type { Column } from "./section.js";

const INTEGER = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });
const DECIMAL = new Intl.NumberFormat("en-US", { minimumFractionDigits: 1, maximumFractionDigits: 1 });

/** A value as the table shows it: "—" for NULL, 12,345 for counts, 4.5 for days. */
export function formatCell(value: unknown, column: Column): string {
  if (value === null || value === undefined) return "—";
  if (typeof value === "number" && column.kind === "int" && Number.isInteger(value)) return INTEGER.format(value);
  // A decimal column is rounded by its SQL; one digit here only pads 3 to 3.0.
  if (typeof value === "number" && column.kind === "decimal") return DECIMAL.format(value);
  return String(value);
}

export function renderTable(id: string, columns: readonly Column[], rows: readonly Row[]): string {
  const head = columns.map((c) => `<th scope="col" data-column="${escapeHtml(c.key)}"${c.kind === "text" ? "" : ' class="num"'}>${escapeHtml(c.label)}</th>`).join("");
  const body = rows.length
    ? rows
        .map((row) => `<tr>${columns.map((c) => `<td${c.kind === "text" ? "" : ' class="num"'}>${escapeHtml(formatCell(row[c.key], c))}</td>`).join("")}</tr>`)
        .join("\n")
    : `<tr><td colspan="${columns.length}" class="empty">No rows.</td></tr>`;
  return `<table data-section="${escapeHtml(id)}">\n<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody>\n</table>`;
}

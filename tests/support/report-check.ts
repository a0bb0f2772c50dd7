/** Assertions shared by the SQLite and PostgreSQL report tests. */
import { expect } from "vitest";
import type { Database } from "../../src/db/database.js";
import type { Report } from "../../src/report/build.js";
import { cellValue, parseReport } from "./report-html.js";

export const SECTION_IDS = ["summary", "by-severity", "top-qids", "ageing", "time-to-fix", "trend", "top-hosts", "mitre-tactics", "detection-sources", "pc-pass-rate", "pc-failed-controls", "assets-by-os", "assets-check-in", "was-by-severity", "was-by-webapp"];
/** The sections of kinds a database may lack (CSAM, WAS): they say so instead of failing. */
export const MODULE_SECTION_IDS = ["assets-by-os", "assets-check-in", "was-by-severity", "was-by-webapp"];
export const CHART_IDS = SECTION_IDS.slice(1);

/**
 * Every section's SQL, read back from the page's <details>, is the text the report ran; run
 * again on the database it gives exactly the table's columns, rows and cells.
 */
export async function expectTablesMatchQueries(report: Report, db: Database): Promise<void> {
  const sections = parseReport(report.html);
  expect([...sections.keys()]).toEqual(SECTION_IDS);
  for (const section of sections.values()) {
    const ran = report.sections.find((s) => s.id === section.id)!;
    expect(section.sql, section.id).toBe(ran.sql);
    const rows = await db.all(section.sql);
    expect(rows.length, `${section.id}: row count`).toBe(section.rows.length);
    expect(rows.length, `${section.id}: has rows`).toBeGreaterThan(0);
    expect(section.columns, `${section.id}: columns`).toEqual(Object.keys(rows[0]!));
    rows.forEach((row, r) =>
      section.columns.forEach((column, c) => {
        const shown = section.rows[r]![c]!;
        const value = row[column];
        const where = `${section.id} row ${r} ${column}`;
        if (value === null) expect(shown, where).toBe("—");
        else if (typeof value === "number") expect(Number(shown.replace(/,/g, "")), where).toBe(value);
        else expect(shown, where).toBe(String(value));
      }),
    );
  }
}

/** The page's figures equal the ones computed independently from the generated rows. */
export function expectFiguresMatchOracle(html: string, expected: Record<string, unknown>): void {
  const sections = parseReport(html);
  for (const id of SECTION_IDS) {
    const section = sections.get(id)!;
    const want = (Array.isArray(expected[id]) ? expected[id] : [expected[id]]) as Record<string, unknown>[];
    expect(section.rows.length, `${id}: rows`).toBe(want.length);
    want.forEach((row, r) => {
      expect(section.columns, `${id}: columns`).toEqual(Object.keys(row));
      section.columns.forEach((column, c) => {
        const shown = cellValue(section.rows[r]![c]!);
        const value = row[column];
        const where = `${id} row ${r} ${column}`;
        // Days to fix are shown rounded to 0.1; the oracle keeps every digit.
        if ((id === "time-to-fix" && column.endsWith("_days")) || column === "pass_rate") expect(Math.abs((shown as number) - (value as number)), where).toBeLessThanOrEqual(0.05 + 1e-9);
        else if (typeof value === "number") expect(shown, where).toBe(value);
        else expect(section.rows[r]![c], where).toBe(value === null ? "—" : String(value));
      });
    });
  }
}

/** Reads a report page back: each section's SQL, its table (or headline cards) as text cells. */
import { parse, type HTMLElement } from "node-html-parser";

export interface ParsedSection {
  readonly id: string;
  readonly sql: string;
  /** SQL column names, from the headers' data-column. */
  readonly columns: string[];
  /** Cell texts as shown, row by row. */
  readonly rows: string[][];
  readonly svg: HTMLElement | null;
  /** What the section says in place of a chart (no rows, or its SQL not run), or null. */
  readonly nodata: string | null;
  /** Its SQL was not run: the database lacks what it reads. */
  readonly notRun: boolean;
}

export function parseReport(html: string): Map<string, ParsedSection> {
  // <pre> holds our SQL as markup (<code>…</code>): parse it like any element, not as raw text.
  const root = parse(html, { blockTextElements: { script: true, style: true } });
  const sections = new Map<string, ParsedSection>();
  for (const section of root.querySelectorAll("main > section")) {
    const id = section.id;
    const sql = section.querySelector("details[data-sql] pre code")?.textContent ?? "";
    const cards = section.querySelectorAll(".cards .card");
    if (cards.length) {
      sections.set(id, {
        id,
        sql,
        columns: cards.map((c) => c.getAttribute("data-column")!),
        rows: [cards.map((c) => c.querySelector(".value")!.textContent)],
        svg: null,
        nodata: null,
        notRun: false,
      });
      continue;
    }
    const table = section.querySelector("table")!;
    const rows = table
      .querySelectorAll("tbody tr")
      .filter((tr) => !tr.querySelector("td.empty"))
      .map((tr) => tr.querySelectorAll("td").map((td) => td.textContent));
    const nodata = section.querySelector("p.nodata");
    sections.set(id, {
      id, sql, columns: table.querySelectorAll("thead th").map((th) => th.getAttribute("data-column")!), rows, svg: section.querySelector("figure svg"),
      nodata: nodata?.textContent ?? null, notRun: nodata?.getAttribute("data-not-run") === id,
    });
  }
  return sections;
}

/** A cell as a value: "—" is NULL, "12,345" and "4.5" are numbers, anything else text. */
export function cellValue(text: string): string | number | null {
  if (text === "—") return null;
  if (/^-?[\d,]+(\.\d+)?$/.test(text)) return Number(text.replace(/,/g, ""));
  return text;
}

/** A database value as the table would have to show it, for comparison with cellValue(). */
export function dbValue(value: unknown): string | number | null {
  if (value === null || value === undefined) return null;
  if (typeof value === "number" || typeof value === "string") return value;
  if (typeof value === "bigint") return Number(value);
  return String(value);
}

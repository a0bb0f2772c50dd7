/**
 * buildReport: runs each section's SQL on the export database, draws its chart and lays out the
 * page. writeReport: the same, written to a file or stream.
 */
import { once } from "node:events";
import { writeFile } from "node:fs/promises";
import type { Writable } from "node:stream";
import type { Database, Dialect } from "../db/database.js";
import { openDatabase } from "../db/open.js";
import { loadChartEngine, renderSvg } from "./chart.js";
import { renderPage, type RenderedSection } from "./html.js";
import { normalizeTime } from "./options.js";
import { checkExportSchema, missingFor } from "./schema-check.js";
import type { QueryContext } from "./section.js";
import { SECTIONS } from "./sections/index.js";
import { packageVersion } from "./version.js";

export interface ReportOptions {
  /** A database URL (`sqlite:./export.db`, `postgres://…`), opened read-only and closed after, or an open Database. */
  readonly db: string | Database;
  /** Count fixes and export runs from this date or date-time on (`2024-01-01`, `2024-01-01T00:00:00Z`). */
  readonly since?: string | Date;
  /** Measure ages against this instant instead of now; it is written into the SQL, so reruns agree. */
  readonly asOf?: string | Date;
  /** Cancels between queries. */
  readonly signal?: AbortSignal;
}

export interface ReportSection extends RenderedSection {
  /** Milliseconds the query took. */
  readonly queryMs: number;
  /** What the charting library warned about while drawing this section's chart (normally none). */
  readonly chartWarnings: readonly string[];
}

export interface Report {
  readonly html: string;
  readonly dialect: Dialect;
  readonly asOf: string;
  readonly since?: string;
  readonly sections: readonly ReportSection[];
}

export async function buildReport(options: ReportOptions): Promise<Report> {
  const asOf = normalizeTime(options.asOf ?? new Date(), "asOf");
  const since = options.since === undefined ? undefined : normalizeTime(options.since, "since");
  // The chart engine is an optional package: a missing one fails here, before the database is opened.
  await loadChartEngine();
  const db = typeof options.db === "string" ? await openDatabase(options.db, { readonly: true }) : options.db;
  try {
    await checkExportSchema(db);
    const ctx: QueryContext = { dialect: db.dialect, asOf, since };
    const sections: ReportSection[] = [];
    const catalog = new Map<string, Set<string>>();
    for (const def of SECTIONS) {
      options.signal?.throwIfAborted();
      // The text run is the text shown, terminator included, so it pastes into sqlite3 or psql.
      const sql = `${def.sql(ctx)};`;
      // A section over data an older export did not write: not run, and it says why.
      const notRun = await missingFor(db, def.requires, catalog);
      const started = performance.now();
      const rows = notRun ? [] : await db.all(sql);
      const queryMs = performance.now() - started;
      const chart = def.chart && rows.length ? await renderSvg(def.chart(rows, ctx)) : undefined;
      sections.push({
        id: def.id, title: def.title, intro: def.intro(ctx), sql, columns: def.columns, rows, svg: chart?.svg, empty: def.empty, notRun, queryMs, chartWarnings: chart?.warnings ?? [],
      });
    }
    const html = renderPage(sections, { dialect: db.dialect, asOf, since, generatedAt: normalizeTime(new Date(), "generatedAt"), version: packageVersion() });
    return { html, dialect: db.dialect, asOf, since, sections };
  } finally {
    if (typeof options.db === "string") await db.close();
  }
}

export interface WriteReportOptions extends ReportOptions {
  /** A file path, or a stream (left open). */
  readonly out: string | Writable;
}

export async function writeReport(options: WriteReportOptions): Promise<Report> {
  const report = await buildReport(options);
  if (typeof options.out === "string") {
    await writeFile(options.out, report.html);
  } else if (!options.out.write(report.html)) {
    await once(options.out, "drain");
  }
  return report;
}

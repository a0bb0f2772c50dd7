/**
 * `qualys-ts/report`: a risk report from the export database (`qualys export`) as one
 * self-contained HTML file — charts as inline SVG, a table of the figures and the SQL behind them
 * in every section.
 *
 *   import { writeReport } from "qualys-ts/report";
 *   await writeReport({ db: "sqlite:./export.db", since: "2024-01-01", out: "report.html" });
 */
export { buildReport, writeReport, type Report, type ReportOptions, type ReportSection, type WriteReportOptions } from "./report/build.js";
export type { Column, ColumnKind, QueryContext } from "./report/section.js";
export { openDatabase } from "./db/open.js";
export { parseDatabaseUrl, redactUrl, type DatabaseTarget } from "./db/url.js";
export type { Database, Dialect, OpenOptions, Row } from "./db/database.js";
export { DatabaseError } from "./runtime/errors/database-error.js";
export { DatabaseUrlError } from "./runtime/errors/database-url-error.js";

/**
 * Days from first found to fixed, per severity: median and 90th percentile over detections now
 * Fixed. Both are percentile_cont (linear interpolation between the two nearest ranks):
 * PostgreSQL has it built in; SQLite has no percentile function, so its SQL computes the same
 * interpolation with window functions.
 */
import type { QueryContext, SectionDefinition } from "../section.js";
import { sql } from "../section.js";
import { atOrAfter, secondsBetween } from "../dialect.js";
import { severityName } from "../severity.js";

function fixedFilter(ctx: QueryContext): string {
  const since = ctx.since ? `\n      AND ${atOrAfter(ctx.dialect, "last_fixed_datetime", ctx.since)}` : "";
  return `status = 'Fixed' AND last_fixed_datetime IS NOT NULL AND first_found_datetime IS NOT NULL${since}`;
}

/** The weight of row `i` (0-based) in the interpolated value at position `pos` (0-based, fractional). */
function weight(pos: string): string {
  const lo = `CAST(${pos} AS INTEGER)`;
  return `CASE WHEN i = ${lo} THEN 1 - (${pos} - ${lo}) WHEN i = ${lo} + 1 THEN ${pos} - ${lo} ELSE 0 END`;
}

function sqliteSql(ctx: QueryContext): string {
  return sql`
    WITH fixed AS (
      SELECT severity, ${secondsBetween("sqlite", "last_fixed_datetime", "first_found_datetime")} / 86400.0 AS days
      FROM detections
      WHERE ${fixedFilter(ctx)}
    ),
    ranked AS (
      SELECT severity, days,
        ROW_NUMBER() OVER (PARTITION BY severity ORDER BY days) - 1 AS i,
        COUNT(*) OVER (PARTITION BY severity) AS n,
        0.5 * (COUNT(*) OVER (PARTITION BY severity) - 1) AS p50,
        0.9 * (COUNT(*) OVER (PARTITION BY severity) - 1) AS p90
      FROM fixed
    )
    SELECT severity,
      MAX(n) AS fixed_detections,
      ROUND(SUM(days * (${weight("p50")})), 1) AS median_days,
      ROUND(SUM(days * (${weight("p90")})), 1) AS p90_days
    FROM ranked
    GROUP BY severity
    ORDER BY severity DESC NULLS LAST`;
}

function postgresSql(ctx: QueryContext): string {
  return sql`
    SELECT severity,
      COUNT(*) AS fixed_detections,
      ROUND(CAST(percentile_cont(0.5) WITHIN GROUP (ORDER BY days) AS NUMERIC), 1) AS median_days,
      ROUND(CAST(percentile_cont(0.9) WITHIN GROUP (ORDER BY days) AS NUMERIC), 1) AS p90_days
    FROM (
      SELECT severity, CAST(${secondsBetween("postgres", "last_fixed_datetime", "first_found_datetime")} AS DOUBLE PRECISION) / 86400 AS days
      FROM detections
      WHERE ${fixedFilter(ctx)}
    ) fixed
    GROUP BY severity
    ORDER BY severity DESC NULLS LAST`;
}

export const timeToFix: SectionDefinition = {
  id: "time-to-fix",
  title: "Time to fix by severity",
  intro: (ctx) =>
    `Days from first found to last fixed, over detections whose status is Fixed${ctx.since ? ` and that were fixed on or after ${ctx.since}` : ""}: the median and the 90th percentile (interpolated, as percentile_cont).`,
  sql: (ctx) => (ctx.dialect === "sqlite" ? sqliteSql(ctx) : postgresSql(ctx)),
  columns: [
    { key: "severity", label: "Severity", kind: "int" },
    { key: "fixed_detections", label: "Fixed detections", kind: "int" },
    { key: "median_days", label: "Median days", kind: "decimal" },
    { key: "p90_days", label: "90th percentile days", kind: "decimal" },
  ],
  chart: (rows) => {
    const values = rows.flatMap((r) => [
      { severity: severityName(r.severity), measure: "median", days: r.median_days },
      { severity: severityName(r.severity), measure: "90th percentile", days: r.p90_days },
    ]);
    return {
      description: "Grouped bar chart: median and 90th percentile days to fix, by severity",
      width: 560,
      height: 240,
      data: { values },
      mark: { type: "bar", tooltip: false },
      encoding: {
        x: { field: "severity", type: "nominal", title: "Severity", sort: "descending", axis: { labelAngle: 0 } },
        xOffset: { field: "measure", type: "nominal", sort: ["median", "90th percentile"] },
        y: { field: "days", type: "quantitative", title: "Days to fix" },
        color: { field: "measure", type: "nominal", title: null, sort: ["median", "90th percentile"], scale: { range: ["#4575b4", "#d73027"] } },
      },
    };
  },
};

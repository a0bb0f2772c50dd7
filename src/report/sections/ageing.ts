/** How long open detections have been open (since first found), in four age bands per severity. */
import { secondsBetween, timeLiteral } from "../dialect.js";
import { severityName, severityScale } from "../severity.js";
import { sql, type SectionDefinition } from "../section.js";

const BANDS = [
  { key: "days_0_30", label: "0–30 days" },
  { key: "days_31_90", label: "31–90 days" },
  { key: "days_91_180", label: "91–180 days" },
  { key: "days_over_180", label: "over 180 days" },
  { key: "unknown_age", label: "first found unknown" },
] as const;

export const ageing: SectionDefinition = {
  id: "ageing",
  title: "Ageing of open detections",
  intro: ({ asOf }) =>
    `Whole days from first found to ${asOf}: 0–30 means less than 31 days. A detection with no first-found time is counted as unknown.`,
  sql: ({ dialect, asOf }) => sql`
    SELECT severity,
      SUM(CASE WHEN age_seconds < 31 * 86400 THEN 1 ELSE 0 END) AS days_0_30,
      SUM(CASE WHEN age_seconds >= 31 * 86400 AND age_seconds < 91 * 86400 THEN 1 ELSE 0 END) AS days_31_90,
      SUM(CASE WHEN age_seconds >= 91 * 86400 AND age_seconds < 181 * 86400 THEN 1 ELSE 0 END) AS days_91_180,
      SUM(CASE WHEN age_seconds >= 181 * 86400 THEN 1 ELSE 0 END) AS days_over_180,
      SUM(CASE WHEN age_seconds IS NULL THEN 1 ELSE 0 END) AS unknown_age,
      COUNT(*) AS open_detections
    FROM (
      SELECT severity, ${secondsBetween(dialect, timeLiteral(dialect, asOf), "first_found_datetime")} AS age_seconds
      FROM open_detections
    ) aged
    GROUP BY severity
    ORDER BY severity DESC NULLS LAST`,
  columns: [
    { key: "severity", label: "Severity", kind: "int" },
    ...BANDS.map((b) => ({ key: b.key, label: b.label, kind: "int" as const })),
    { key: "open_detections", label: "All open", kind: "int" },
  ],
  chart: (rows) => {
    const bands = BANDS.filter((b) => b.key !== "unknown_age" || rows.some((r) => Number(r.unknown_age) > 0));
    const values = rows.flatMap((r) => bands.map((b) => ({ age: b.label, severity: severityName(r.severity), open_detections: r[b.key] })));
    const scale = severityScale(values.map((v) => v.severity));
    return {
      description: "Stacked bar chart: open detections by age band and severity",
      width: 560,
      height: 240,
      data: { values },
      mark: { type: "bar", tooltip: false },
      encoding: {
        x: { field: "age", type: "ordinal", title: "Open for", sort: bands.map((b) => b.label), axis: { labelAngle: 0 } },
        y: { field: "open_detections", type: "quantitative", title: "Open detections", stack: "zero" },
        color: { field: "severity", type: "nominal", title: "Severity", scale },
        order: { field: "severity", sort: "descending" },
      },
    };
  },
};

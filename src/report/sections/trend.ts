/** Open detections per severity at the end of each successful export run (export_run_stats). */
import { atOrAfter, isoText } from "../dialect.js";
import { severityScale } from "../severity.js";
import { sql, type SectionDefinition } from "../section.js";

const LEVELS = [5, 4, 3, 2, 1] as const;
const NAMES: Record<string, string> = { sev5: "5 Urgent", sev4: "4 Critical", sev3: "3 Serious", sev2: "2 Medium", sev1: "1 Minimal" };

export const trend: SectionDefinition = {
  id: "trend",
  title: "Trend of open detections per export run",
  intro: (ctx) =>
    `Open detections per severity as each successful export run left them${ctx.since ? `, for runs finished on or after ${ctx.since}` : ""}; total counts every severity.`,
  sql: ({ dialect, since }) => {
    const at = "COALESCE(r.finished_at, r.started_at)";
    const sinceFilter = since ? `\n      AND ${atOrAfter(dialect, at, since)}` : "";
    return sql`
    SELECT r.id AS run_id,
      ${isoText(dialect, at)} AS run_at,
${LEVELS.map((s) => `      SUM(CASE WHEN s.severity = ${s} THEN s.open_detections ELSE 0 END) AS sev${s},`).join("\n")}
      SUM(s.open_detections) AS total
    FROM export_runs r
    JOIN export_run_stats s ON s.run_id = r.id
    WHERE r.status = 'succeeded'${sinceFilter}
    GROUP BY r.id, ${at}
    ORDER BY r.id`;
  },
  columns: [
    { key: "run_id", label: "Run", kind: "id" },
    { key: "run_at", label: "Finished (UTC)", kind: "text" },
    ...LEVELS.map((s) => ({ key: `sev${s}`, label: `Sev ${s}`, kind: "int" as const })),
    { key: "total", label: "Total", kind: "int" },
  ],
  chart: (rows) => {
    const values = rows.flatMap((r) => Object.entries(NAMES).map(([key, severity]) => ({ run_at: r.run_at, run_id: r.run_id, severity, open_detections: r[key] })));
    return {
      description: "Line chart: open detections per severity at each export run",
      width: 560,
      height: 240,
      data: { values },
      mark: { type: "line", point: true, tooltip: false },
      encoding: {
        x: { field: "run_at", type: "temporal", title: "Export run finished (UTC)", scale: { type: "utc" }, axis: { format: "%Y-%m-%d", labelAngle: 0 } },
        y: { field: "open_detections", type: "quantitative", title: "Open detections" },
        color: { field: "severity", type: "nominal", title: "Severity", scale: severityScale([]) },
      },
    };
  },
};

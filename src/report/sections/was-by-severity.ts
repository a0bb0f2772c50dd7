/** WAS findings per severity and status, of web apps still present. */
import { severityName, severityScale } from "../severity.js";
import { sql, type SectionDefinition } from "../section.js";

const STATUSES = [
  { key: "new", label: "New", status: "NEW" },
  { key: "active", label: "Active", status: "ACTIVE" },
  { key: "reopened", label: "Re-opened", status: "REOPENED" },
] as const;

export const wasBySeverity: SectionDefinition = {
  id: "was-by-severity",
  title: "WAS findings by severity",
  intro: () =>
    "Web application findings with a status (vulnerabilities and sensitive content; information gathered has none), of web apps and findings not removed from the export. Open = New, Active or Re-opened (the open_was_findings view); “web apps” counts those with an open finding.",
  requires: [{ table: "was_findings" }, { table: "was_webapps" }],
  empty: "No WAS findings in this export: `qualys export` writes them (kinds webapps and findings) when the subscription has WAS.",
  sql: () => sql`
    SELECT f.severity,
${STATUSES.map((s) => `      SUM(CASE WHEN f.status = '${s.status}' THEN 1 ELSE 0 END) AS ${s.key},`).join("\n")}
      SUM(CASE WHEN f.status IN ('NEW', 'ACTIVE', 'REOPENED') THEN 1 ELSE 0 END) AS open_findings,
      SUM(CASE WHEN f.status = 'FIXED' THEN 1 ELSE 0 END) AS fixed,
      COUNT(*) AS all_findings,
      COUNT(DISTINCT CASE WHEN f.status IN ('NEW', 'ACTIVE', 'REOPENED') THEN f.webapp_id END) AS web_apps
    FROM was_findings f
    JOIN was_webapps w ON w.webapp_id = f.webapp_id
    WHERE f.status IS NOT NULL AND f.removed_at IS NULL AND w.removed_at IS NULL
    GROUP BY f.severity
    ORDER BY f.severity DESC NULLS LAST`,
  columns: [
    { key: "severity", label: "Severity", kind: "int" },
    ...STATUSES.map((s) => ({ key: s.key, label: s.label, kind: "int" as const })),
    { key: "open_findings", label: "Open", kind: "int" },
    { key: "fixed", label: "Fixed", kind: "int" },
    { key: "all_findings", label: "All", kind: "int" },
    { key: "web_apps", label: "Web apps (open)", kind: "int" },
  ],
  chart: (rows) => {
    const values = rows.flatMap((r) => STATUSES.map((s) => ({ severity: severityName(r.severity), status: s.label, findings: r[s.key] })));
    const scale = severityScale(values.map((v) => v.severity));
    return {
      description: "Stacked bar chart: open WAS findings per status, by severity",
      width: 560,
      height: 240,
      data: { values },
      mark: { type: "bar", tooltip: false },
      encoding: {
        x: { field: "status", type: "ordinal", title: "Status", sort: STATUSES.map((s) => s.label), axis: { labelAngle: 0 } },
        y: { field: "findings", type: "quantitative", title: "Open WAS findings", stack: "zero" },
        color: { field: "severity", type: "nominal", title: "Severity", scale },
        order: { field: "severity", sort: "descending" },
      },
    };
  },
};

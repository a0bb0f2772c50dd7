/** The 20 web apps with the most open WAS findings. */
import { SEVERITY_COLORS, SEVERITY_DOMAIN } from "../severity.js";
import { sql, type SectionDefinition } from "../section.js";

const LEVELS = [
  { key: "sev5", label: "Sev 5", name: SEVERITY_DOMAIN[0]! },
  { key: "sev4", label: "Sev 4", name: SEVERITY_DOMAIN[1]! },
  { key: "sev3", label: "Sev 3", name: SEVERITY_DOMAIN[2]! },
  { key: "sev1_2", label: "Sev 1–2", name: "1–2 Low" },
] as const;

export const wasByWebApp: SectionDefinition = {
  id: "was-by-webapp",
  title: "Top 20 web apps by open WAS findings",
  intro: () => "Web apps still in the export with the most open findings (New, Active or Re-opened: the open_was_findings view), by severity.",
  requires: [{ table: "was_findings" }, { table: "was_webapps" }, { table: "open_was_findings" }],
  empty: "No WAS findings in this export: `qualys export` writes them (kinds webapps and findings) when the subscription has WAS.",
  sql: () => sql`
    SELECT w.webapp_id, w.name,
      SUM(CASE WHEN o.severity = 5 THEN 1 ELSE 0 END) AS sev5,
      SUM(CASE WHEN o.severity = 4 THEN 1 ELSE 0 END) AS sev4,
      SUM(CASE WHEN o.severity = 3 THEN 1 ELSE 0 END) AS sev3,
      SUM(CASE WHEN o.severity <= 2 THEN 1 ELSE 0 END) AS sev1_2,
      COUNT(*) AS open_findings
    FROM open_was_findings o
    JOIN was_webapps w ON w.webapp_id = o.webapp_id
    GROUP BY w.webapp_id, w.name
    ORDER BY open_findings DESC, sev5 DESC, w.webapp_id
    LIMIT 20`,
  columns: [
    { key: "webapp_id", label: "Web app ID", kind: "id" },
    { key: "name", label: "Name", kind: "text" },
    ...LEVELS.map((l) => ({ key: l.key, label: l.label, kind: "int" as const })),
    { key: "open_findings", label: "Open", kind: "int" },
  ],
  chart: (rows) => {
    const values = rows.flatMap((r, rank) => {
      const label = `${String(r.name ?? "web app")} (${String(r.webapp_id)})`;
      return LEVELS.map((l) => ({ rank, label, severity: l.name, open: r[l.key] }));
    });
    return {
      description: "Horizontal stacked bar chart: web apps with the most open WAS findings, by severity",
      width: 420,
      height: { step: 16 },
      data: { values },
      mark: { type: "bar", tooltip: false },
      encoding: {
        y: { field: "label", type: "nominal", title: null, sort: { field: "rank", order: "ascending" }, axis: { labelLimit: 320 } },
        x: { field: "open", type: "quantitative", title: "Open WAS findings", stack: "zero", axis: { format: ",d", tickMinStep: 1 } },
        color: { field: "severity", type: "nominal", title: "Severity", scale: { domain: LEVELS.map((l) => l.name), range: [...SEVERITY_COLORS.slice(0, 3), SEVERITY_COLORS[4]!] } },
        order: { field: "severity", sort: "descending" },
      },
    };
  },
};

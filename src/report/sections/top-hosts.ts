/** The 20 hosts with the most open severity 4 and 5 detections. */
import { sql, type SectionDefinition } from "../section.js";
import { SEVERITY_COLORS, SEVERITY_DOMAIN } from "../severity.js";

export const topHosts: SectionDefinition = {
  id: "top-hosts",
  title: "Top 20 hosts by open severity 4–5 detections",
  intro: () => "Hosts still in the export with the most open Critical (4) and Urgent (5) detections.",
  sql: () => sql`
    SELECT h.host_id, h.ip, h.dns, h.os,
      SUM(CASE WHEN o.severity = 5 THEN 1 ELSE 0 END) AS sev5,
      SUM(CASE WHEN o.severity = 4 THEN 1 ELSE 0 END) AS sev4,
      COUNT(*) AS open_sev45
    FROM open_detections o
    JOIN hosts h ON h.host_id = o.host_id
    WHERE o.severity >= 4
    GROUP BY h.host_id, h.ip, h.dns, h.os
    ORDER BY open_sev45 DESC, sev5 DESC, h.host_id
    LIMIT 20`,
  columns: [
    { key: "host_id", label: "Host ID", kind: "id" },
    { key: "ip", label: "IP", kind: "text" },
    { key: "dns", label: "DNS", kind: "text" },
    { key: "os", label: "OS", kind: "text" },
    { key: "sev5", label: "Sev 5", kind: "int" },
    { key: "sev4", label: "Sev 4", kind: "int" },
    { key: "open_sev45", label: "Sev 4–5", kind: "int" },
  ],
  chart: (rows) => {
    const values = rows.flatMap((r, rank) => {
      const name = [r.dns, r.ip].find((v) => typeof v === "string" && v) ?? `host ${String(r.host_id)}`;
      const label = `${String(name)} (${String(r.host_id)})`;
      return [
        { rank, label, severity: "5 Urgent", open: r.sev5 },
        { rank, label, severity: "4 Critical", open: r.sev4 },
      ];
    });
    return {
      description: "Horizontal stacked bar chart: hosts with the most open severity 4 and 5 detections",
      width: 420,
      height: { step: 16 },
      data: { values },
      mark: { type: "bar", tooltip: false },
      encoding: {
        y: { field: "label", type: "nominal", title: null, sort: { field: "rank", order: "ascending" }, axis: { labelLimit: 320 } },
        x: { field: "open", type: "quantitative", title: "Open severity 4–5 detections", stack: "zero", axis: { format: ",d", tickMinStep: 1 } },
        color: { field: "severity", type: "nominal", title: "Severity", scale: { domain: SEVERITY_DOMAIN.slice(0, 2), range: SEVERITY_COLORS.slice(0, 2) } },
        order: { field: "severity", sort: "descending" },
      },
    };
  },
};

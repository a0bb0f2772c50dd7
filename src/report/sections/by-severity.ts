/** Open detections per severity, with the number of hosts each severity touches. */
import { severityName, severityScale } from "../severity.js";
import { sql, type SectionDefinition } from "../section.js";

export const bySeverity: SectionDefinition = {
  id: "by-severity",
  title: "Open detections by severity",
  intro: () => "How many open detections there are at each severity, and on how many hosts.",
  sql: () => sql`
    SELECT severity, open_detections, hosts
    FROM open_by_severity
    ORDER BY severity DESC NULLS LAST`,
  columns: [
    { key: "severity", label: "Severity", kind: "int" },
    { key: "open_detections", label: "Open detections", kind: "int" },
    { key: "hosts", label: "Hosts", kind: "int" },
  ],
  chart: (rows) => {
    const values = rows.map((r) => ({ severity: severityName(r.severity), open_detections: r.open_detections }));
    const scale = severityScale(values.map((v) => v.severity));
    return {
      description: "Bar chart: open detections by severity",
      width: 560,
      height: 220,
      data: { values },
      mark: { type: "bar", tooltip: false },
      encoding: {
        x: { field: "severity", type: "nominal", title: "Severity", sort: scale.domain, axis: { labelAngle: 0 } },
        y: { field: "open_detections", type: "quantitative", title: "Open detections" },
        color: { field: "severity", type: "nominal", scale, legend: null },
      },
    };
  },
};

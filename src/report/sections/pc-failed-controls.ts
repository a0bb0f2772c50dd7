/** Policy Compliance: the 20 controls failing on the most hosts, with their statements. */
import { sql, type SectionDefinition } from "../section.js";

const LABEL_CHARS = 60;

export const pcFailedControls: SectionDefinition = {
  id: "pc-failed-controls",
  title: "Top 20 failed PC controls",
  intro: () =>
    "The compliance controls failing on the most hosts, across every policy that holds them. Hosts counts the hosts evaluated; failed postures counts each failing policy and instance (a database control can fail once per instance). Criticality is the highest any policy gives the control.",
  requires: [{ table: "pc_posture" }, { table: "pc_controls" }],
  empty: "No failed PC control: no posture was exported into this database, or every control passed.",
  sql: () => sql`
    SELECT p.control_id, MAX(c.statement) AS statement, MAX(c.criticality_value) AS criticality,
      COUNT(DISTINCT CASE WHEN p.status = 'Failed' THEN p.host_id END) AS failing_hosts,
      COUNT(DISTINCT p.host_id) AS hosts,
      SUM(CASE WHEN p.status = 'Failed' THEN 1 ELSE 0 END) AS failed_postures
    FROM pc_posture p
    LEFT JOIN pc_controls c ON c.policy_id = p.policy_id AND c.control_id = p.control_id AND c.technology_id = p.technology_id
    GROUP BY p.control_id
    HAVING SUM(CASE WHEN p.status = 'Failed' THEN 1 ELSE 0 END) > 0
    ORDER BY failing_hosts DESC, failed_postures DESC, p.control_id
    LIMIT 20`,
  columns: [
    { key: "control_id", label: "Control", kind: "id" },
    { key: "statement", label: "Statement", kind: "text" },
    { key: "criticality", label: "Criticality", kind: "int" },
    { key: "failing_hosts", label: "Failing hosts", kind: "int" },
    { key: "hosts", label: "Hosts", kind: "int" },
    { key: "failed_postures", label: "Failed postures", kind: "int" },
  ],
  chart: (rows) => {
    const values = rows.map((r, i) => {
      const statement = typeof r.statement === "string" && r.statement ? r.statement : "(no control text)";
      const short = statement.length > LABEL_CHARS ? `${statement.slice(0, LABEL_CHARS - 1)}…` : statement;
      return { rank: i, label: `${String(r.control_id)} · ${short}`, failing_hosts: r.failing_hosts };
    });
    return {
      description: "Horizontal bar chart: compliance controls failing on the most hosts",
      width: 380,
      height: { step: 16 },
      data: { values },
      mark: { type: "bar", tooltip: false, color: "#d7301f" },
      encoding: {
        y: { field: "label", type: "nominal", title: null, sort: { field: "rank", order: "ascending" }, axis: { labelLimit: 400 } },
        x: { field: "failing_hosts", type: "quantitative", title: "Hosts failing", axis: { format: ",d", tickMinStep: 1 } },
      },
    };
  },
};

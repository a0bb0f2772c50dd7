/** Policy Compliance: the share of postures that pass, per policy (PCRS posture, `qualys export` kind posture). */
import { sql, type SectionDefinition } from "../section.js";

const LABEL_CHARS = 50;

export const pcPassRate: SectionDefinition = {
  id: "pc-pass-rate",
  title: "PC pass rate by policy",
  intro: () =>
    "Each compliance policy's postures (one per host, control and instance) and the share that passed. Failed and Error (a custom control whose evaluation failed) count as not passed. Lowest pass rate first.",
  requires: [{ table: "pc_posture" }, { table: "pc_policies" }],
  empty: "No PC posture in this database: qualys export writes it (the posture kind) for a subscription with Policy Compliance.",
  sql: () => sql`
    SELECT p.policy_id, MAX(pol.title) AS title,
      COUNT(DISTINCT p.host_id) AS hosts,
      COUNT(*) AS postures,
      SUM(CASE WHEN p.status = 'Passed' THEN 1 ELSE 0 END) AS passed,
      SUM(CASE WHEN p.status = 'Failed' THEN 1 ELSE 0 END) AS failed,
      SUM(CASE WHEN p.status = 'Error' THEN 1 ELSE 0 END) AS errors,
      ROUND(100.0 * SUM(CASE WHEN p.status = 'Passed' THEN 1 ELSE 0 END) / COUNT(*), 1) AS pass_rate
    FROM pc_posture p
    LEFT JOIN pc_policies pol ON pol.policy_id = p.policy_id
    GROUP BY p.policy_id
    ORDER BY pass_rate, p.policy_id`,
  columns: [
    { key: "policy_id", label: "Policy", kind: "id" },
    { key: "title", label: "Title", kind: "text" },
    { key: "hosts", label: "Hosts", kind: "int" },
    { key: "postures", label: "Postures", kind: "int" },
    { key: "passed", label: "Passed", kind: "int" },
    { key: "failed", label: "Failed", kind: "int" },
    { key: "errors", label: "Error", kind: "int" },
    { key: "pass_rate", label: "Pass rate %", kind: "decimal" },
  ],
  chart: (rows) => {
    const values = rows.map((r, i) => {
      const title = typeof r.title === "string" && r.title ? r.title : "(not in the policy list)";
      const short = title.length > LABEL_CHARS ? `${title.slice(0, LABEL_CHARS - 1)}…` : title;
      return { rank: i, label: `${String(r.policy_id)} · ${short}`, pass_rate: r.pass_rate };
    });
    return {
      description: "Horizontal bar chart: pass rate of each compliance policy",
      width: 380,
      height: { step: 20 },
      data: { values },
      mark: { type: "bar", tooltip: false },
      encoding: {
        y: { field: "label", type: "nominal", title: null, sort: { field: "rank", order: "ascending" }, axis: { labelLimit: 400 } },
        x: { field: "pass_rate", type: "quantitative", title: "Postures passed (%)", scale: { domain: [0, 100] } },
        color: { field: "pass_rate", type: "quantitative", scale: { domain: [0, 100], range: ["#b2182b", "#1a9850"] }, legend: null },
      },
    };
  },
};

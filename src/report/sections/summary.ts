/** The headline figures: active hosts, open detections, hosts affected, severity 4–5, QIDs, last run. */
import { isoText } from "../dialect.js";
import { sql, type SectionDefinition } from "../section.js";

export const summary: SectionDefinition = {
  id: "summary",
  title: "Summary",
  intro: () =>
    "Open detections are those with status New, Active or Re-Opened on hosts not removed from the export (the open_detections view).",
  sql: ({ dialect }) => sql`
    SELECT
      (SELECT COUNT(*) FROM hosts WHERE removed_at IS NULL) AS active_hosts,
      COUNT(*) AS open_detections,
      COUNT(DISTINCT host_id) AS affected_hosts,
      COALESCE(SUM(CASE WHEN severity >= 4 THEN 1 ELSE 0 END), 0) AS open_sev45,
      COUNT(DISTINCT qid) AS open_qids,
      (SELECT MAX(id) FROM export_runs WHERE status = 'succeeded') AS last_run_id,
      (SELECT ${isoText(dialect, "MAX(finished_at)")} FROM export_runs WHERE status = 'succeeded') AS last_run_finished_at
    FROM open_detections`,
  columns: [
    { key: "active_hosts", label: "Active hosts", kind: "int" },
    { key: "open_detections", label: "Open detections", kind: "int" },
    { key: "affected_hosts", label: "Hosts with open detections", kind: "int" },
    { key: "open_sev45", label: "Open severity 4–5", kind: "int" },
    { key: "open_qids", label: "Distinct open QIDs", kind: "int" },
    { key: "last_run_id", label: "Last export run", kind: "id" },
    { key: "last_run_finished_at", label: "Last run finished (UTC)", kind: "text" },
  ],
};

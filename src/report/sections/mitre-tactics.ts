/** Open detections by MITRE ATT&CK tactic (Host List Detection 5.0), a detection counted under each tactic of its QID. */
import { sql, type SectionDefinition } from "../section.js";
import { splitListCte } from "../split-list.js";

const LABEL_CHARS = 40;

export const mitreTactics: SectionDefinition = {
  id: "mitre-tactics",
  title: "Open detections by MITRE ATT&CK tactic",
  intro: () =>
    "Open detections by the ATT&CK tactic Host List Detection 5.0 maps their QID to. A QID may map to several tactics (stored joined by \", \"): such a detection counts once under each, so the rows add up to more than the open detections. The row without a tactic holds detections with no mapping (information gathered, or exported before HLD 5.0).",
  requires: [{ table: "open_detections", columns: ["mitre_tactic_id", "mitre_tactic_name"] }],
  empty: "No open detections to map to ATT&CK tactics.",
  sql: ({ dialect }) => sql`
    ${splitListCte(dialect, { name: "tactics", column: "mitre_tactic_id", paired: "mitre_tactic_name", from: "open_detections", as: ["tactic_id", "tactic_name"] }).replace(/\n/g, "\n    ")}
    SELECT tactic_id, tactic_name, open_detections, hosts
    FROM (
      SELECT tactic_id, MAX(NULLIF(tactic_name, '')) AS tactic_name, COUNT(*) AS open_detections, COUNT(DISTINCT host_id) AS hosts
      FROM tactics
      WHERE tactic_id IS NOT NULL
      GROUP BY tactic_id
      UNION ALL
      SELECT NULL, NULL, COUNT(*), COUNT(DISTINCT host_id)
      FROM open_detections
      WHERE mitre_tactic_id IS NULL OR mitre_tactic_id = ''
    ) counted
    WHERE open_detections > 0
    ORDER BY CASE WHEN tactic_id IS NULL THEN 1 ELSE 0 END, open_detections DESC, tactic_id`,
  columns: [
    { key: "tactic_id", label: "Tactic", kind: "id" },
    { key: "tactic_name", label: "Name", kind: "text" },
    { key: "open_detections", label: "Open detections", kind: "int" },
    { key: "hosts", label: "Hosts", kind: "int" },
  ],
  chart: (rows) => {
    const values = rows.map((r, i) => {
      const name = typeof r.tactic_name === "string" ? r.tactic_name : "";
      const label = r.tactic_id === null ? "(no ATT&CK mapping)" : `${String(r.tactic_id)}${name ? ` · ${name.length > LABEL_CHARS ? `${name.slice(0, LABEL_CHARS - 1)}…` : name}` : ""}`;
      return { rank: i, label, open_detections: r.open_detections, mapped: r.tactic_id === null ? "no mapping" : "mapped" };
    });
    return {
      description: "Horizontal bar chart: open detections by MITRE ATT&CK tactic",
      width: 420,
      height: { step: 18 },
      data: { values },
      mark: { type: "bar", tooltip: false },
      encoding: {
        y: { field: "label", type: "nominal", title: null, sort: { field: "rank", order: "ascending" }, axis: { labelLimit: 320 } },
        x: { field: "open_detections", type: "quantitative", title: "Open detections", axis: { format: ",d", tickMinStep: 1 } },
        color: { field: "mapped", type: "nominal", scale: { domain: ["mapped", "no mapping"], range: ["#b2182b", "#bdbdbd"] }, legend: null },
      },
    };
  },
};

/** The 20 vulnerabilities (QIDs) open on the most hosts, with their KnowledgeBase titles. */
import { severityName, severityScale } from "../severity.js";
import { sql, type SectionDefinition } from "../section.js";

const LABEL_CHARS = 60;

export const topQids: SectionDefinition = {
  id: "top-qids",
  title: "Top 20 QIDs by affected hosts",
  intro: () =>
    "The vulnerabilities open on the most hosts; the title comes from the KnowledgeBase (empty when the QID is not in the exported KB).",
  sql: () => sql`
    SELECT qid, title, severity, hosts, open_detections
    FROM open_by_qid
    ORDER BY hosts DESC, open_detections DESC, qid
    LIMIT 20`,
  columns: [
    { key: "qid", label: "QID", kind: "id" },
    { key: "title", label: "Title", kind: "text" },
    { key: "severity", label: "Severity", kind: "int" },
    { key: "hosts", label: "Hosts", kind: "int" },
    { key: "open_detections", label: "Open detections", kind: "int" },
  ],
  chart: (rows) => {
    const values = rows.map((r, i) => {
      const title = typeof r.title === "string" && r.title ? r.title : "(not in KB)";
      const short = title.length > LABEL_CHARS ? `${title.slice(0, LABEL_CHARS - 1)}…` : title;
      return { rank: i, label: `${String(r.qid)} · ${short}`, hosts: r.hosts, severity: severityName(r.severity) };
    });
    const scale = severityScale(values.map((v) => v.severity));
    return {
      description: "Horizontal bar chart: QIDs open on the most hosts",
      width: 380,
      height: { step: 16 },
      data: { values },
      mark: { type: "bar", tooltip: false },
      encoding: {
        // Rank, not the label, orders the bars: two QIDs may share a title.
        y: { field: "label", type: "nominal", title: null, sort: { field: "rank", order: "ascending" }, axis: { labelLimit: 400 } },
        x: { field: "hosts", type: "quantitative", title: "Hosts affected", axis: { format: ",d", tickMinStep: 1 } },
        color: { field: "severity", type: "nominal", title: "Severity", scale },
      },
    };
  },
};

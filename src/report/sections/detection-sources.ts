/** Open detections by the sensor that last found them (Host List Detection 5.0's latest detection source). */
import { sql, type SectionDefinition } from "../section.js";
import { splitListCte } from "../split-list.js";

export const detectionSources: SectionDefinition = {
  id: "detection-sources",
  title: "Open detections by latest detection source",
  intro: () =>
    "Open detections by the source (scanner, Cloud Agent…) that last detected them, as Host List Detection 5.0 reports it. Several sources in one detection (stored joined by \", \") count once each. The row without a source (—) holds detections exported before HLD 5.0 or sent without one.",
  requires: [{ table: "open_detections", columns: ["latest_detection_source"] }],
  empty: "No open detections.",
  sql: ({ dialect }) => sql`
    ${splitListCte(dialect, { name: "sources", column: "latest_detection_source", from: "open_detections", as: ["source"] }).replace(/\n/g, "\n    ")}
    SELECT source, open_detections, hosts
    FROM (
      SELECT source, COUNT(*) AS open_detections, COUNT(DISTINCT host_id) AS hosts
      FROM sources
      WHERE source IS NOT NULL
      GROUP BY source
      UNION ALL
      SELECT NULL, COUNT(*), COUNT(DISTINCT host_id)
      FROM open_detections
      WHERE latest_detection_source IS NULL OR latest_detection_source = ''
    ) counted
    WHERE open_detections > 0
    ORDER BY CASE WHEN source IS NULL THEN 1 ELSE 0 END, open_detections DESC, source`,
  columns: [
    { key: "source", label: "Latest detection source", kind: "text" },
    { key: "open_detections", label: "Open detections", kind: "int" },
    { key: "hosts", label: "Hosts", kind: "int" },
  ],
  chart: (rows) => {
    const values = rows.map((r, i) => ({ rank: i, source: r.source === null ? "(not reported)" : String(r.source), open_detections: r.open_detections }));
    return {
      description: "Bar chart: open detections by latest detection source",
      width: 420,
      height: { step: 22 },
      data: { values },
      mark: { type: "bar", tooltip: false, color: "#2166ac" },
      encoding: {
        y: { field: "source", type: "nominal", title: null, sort: { field: "rank", order: "ascending" }, axis: { labelLimit: 300 } },
        x: { field: "open_detections", type: "quantitative", title: "Open detections", axis: { format: ",d", tickMinStep: 1 } },
      },
    };
  },
};

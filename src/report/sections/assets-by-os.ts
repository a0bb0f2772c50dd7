/** CSAM assets still present per operating system, and how many of them are VM hosts too. */
import { sql, type SectionDefinition } from "../section.js";

export const assetsByOs: SectionDefinition = {
  id: "assets-by-os",
  title: "Assets by operating system",
  intro: () =>
    "CSAM assets not removed from the export, per operating system as CSAM names it (the 25 most common); “VM hosts” counts those linked to a VM host (assets.host_id).",
  requires: [{ table: "assets" }],
  empty: "No CSAM assets in this export: `qualys export` writes them (kind assets) when the subscription has CSAM.",
  sql: () => sql`
    SELECT COALESCE(os, '(unknown)') AS os,
      MAX(os_category) AS os_category,
      COUNT(*) AS assets,
      SUM(CASE WHEN host_id IS NOT NULL THEN 1 ELSE 0 END) AS vm_hosts
    FROM assets
    WHERE removed_at IS NULL
    GROUP BY COALESCE(os, '(unknown)')
    ORDER BY assets DESC, os
    LIMIT 25`,
  columns: [
    { key: "os", label: "Operating system", kind: "text" },
    { key: "os_category", label: "Category", kind: "text" },
    { key: "assets", label: "Assets", kind: "int" },
    { key: "vm_hosts", label: "VM hosts", kind: "int" },
  ],
  chart: (rows) => {
    const values = rows.flatMap((r, rank) => [
      { rank, os: r.os, kind: "VM host", assets: r.vm_hosts },
      { rank, os: r.os, kind: "CSAM only", assets: Number(r.assets) - Number(r.vm_hosts) },
    ]);
    return {
      description: "Horizontal stacked bar chart: assets per operating system, VM hosts and CSAM-only assets",
      width: 420,
      height: { step: 16 },
      data: { values },
      mark: { type: "bar", tooltip: false },
      encoding: {
        y: { field: "os", type: "nominal", title: null, sort: { field: "rank", order: "ascending" }, axis: { labelLimit: 320 } },
        x: { field: "assets", type: "quantitative", title: "Assets", stack: "zero", axis: { format: ",d", tickMinStep: 1 } },
        color: { field: "kind", type: "nominal", title: "Asset", scale: { domain: ["VM host", "CSAM only"], range: ["#3182bd", "#9ecae1"] } },
        order: { field: "kind", sort: "descending" },
      },
    };
  },
};

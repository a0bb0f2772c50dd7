/** How long ago CSAM assets last checked in (agent check-in, else the last sensor update), per OS category. */
import { secondsBetween, timeLiteral } from "../dialect.js";
import { sql, type SectionDefinition } from "../section.js";

const BANDS = [
  { key: "under_1_day", label: "under 1 day" },
  { key: "days_1_7", label: "1–7 days" },
  { key: "days_7_30", label: "7–30 days" },
  { key: "days_30_90", label: "30–90 days" },
  { key: "over_90_days", label: "over 90 days" },
  { key: "unknown_check_in", label: "never" },
] as const;
const DAY = 86400;

export const assetsCheckIn: SectionDefinition = {
  id: "assets-check-in",
  title: "Assets by last check-in",
  intro: ({ asOf }) =>
    `Time from each asset's last check-in to ${asOf}: the agent's last check-in (agent.lastCheckedIn) for agent assets, else the last update by any sensor (sensorLastUpdatedDate); “under 1 day” includes check-ins after that instant. Assets not removed from the export, per OS category.`,
  requires: [{ table: "assets" }],
  empty: "No CSAM assets in this export: `qualys export` writes them (kind assets) when the subscription has CSAM.",
  sql: ({ dialect, asOf }) => sql`
    SELECT category,
      SUM(CASE WHEN age_seconds < ${DAY} THEN 1 ELSE 0 END) AS under_1_day,
      SUM(CASE WHEN age_seconds >= ${DAY} AND age_seconds < 7 * ${DAY} THEN 1 ELSE 0 END) AS days_1_7,
      SUM(CASE WHEN age_seconds >= 7 * ${DAY} AND age_seconds < 30 * ${DAY} THEN 1 ELSE 0 END) AS days_7_30,
      SUM(CASE WHEN age_seconds >= 30 * ${DAY} AND age_seconds < 90 * ${DAY} THEN 1 ELSE 0 END) AS days_30_90,
      SUM(CASE WHEN age_seconds >= 90 * ${DAY} THEN 1 ELSE 0 END) AS over_90_days,
      SUM(CASE WHEN age_seconds IS NULL THEN 1 ELSE 0 END) AS unknown_check_in,
      COUNT(*) AS assets
    FROM (
      SELECT COALESCE(os_category, '(unknown)') AS category,
        ${secondsBetween(dialect, timeLiteral(dialect, asOf), "COALESCE(agent_last_checked_in, sensor_last_updated_date)")} AS age_seconds
      FROM assets
      WHERE removed_at IS NULL
    ) aged
    GROUP BY category
    ORDER BY assets DESC, category`,
  columns: [
    { key: "category", label: "OS category", kind: "text" },
    ...BANDS.map((b) => ({ key: b.key, label: b.label, kind: "int" as const })),
    { key: "assets", label: "All assets", kind: "int" },
  ],
  chart: (rows) => {
    const bands = BANDS.filter((b) => b.key !== "unknown_check_in" || rows.some((r) => Number(r.unknown_check_in) > 0));
    const values = rows.flatMap((r) => bands.map((b) => ({ band: b.label, category: r.category, assets: r[b.key] })));
    return {
      description: "Stacked bar chart: assets by time since their last check-in and OS category",
      width: 560,
      height: 240,
      data: { values },
      mark: { type: "bar", tooltip: false },
      encoding: {
        x: { field: "band", type: "ordinal", title: "Last check-in", sort: bands.map((b) => b.label), axis: { labelAngle: 0 } },
        y: { field: "assets", type: "quantitative", title: "Assets", stack: "zero" },
        color: { field: "category", type: "nominal", title: "OS category", scale: { scheme: "tableau10" } },
      },
    };
  },
};

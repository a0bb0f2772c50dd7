/** Qualys severity levels as the charts name and colour them (1 Minimal … 5 Urgent). */
const NAMES: Record<number, string> = { 5: "5 Urgent", 4: "4 Critical", 3: "3 Serious", 2: "2 Medium", 1: "1 Minimal" };

/** Most severe first; colours from dark red to blue-grey, distinguishable in greyscale print too. */
export const SEVERITY_DOMAIN = [5, 4, 3, 2, 1].map((s) => NAMES[s]!);
export const SEVERITY_COLORS = ["#7f0000", "#d7301f", "#fc8d59", "#fdcc8a", "#9ecae1"];

export function severityName(severity: unknown): string {
  return typeof severity === "number" && NAMES[severity] ? NAMES[severity] : severity == null ? "unknown" : `severity ${String(severity)}`;
}

/** The colour scale every chart uses, with any other level (0, unknown) appended in grey. */
export function severityScale(names: readonly string[]): { domain: string[]; range: string[] } {
  const extra = [...new Set(names.filter((n) => !SEVERITY_DOMAIN.includes(n)))];
  return { domain: [...SEVERITY_DOMAIN, ...extra], range: [...SEVERITY_COLORS, ...extra.map(() => "#bdbdbd")] };
}

/**
 * Nested records as flat rows for CSV: `{a: {b: 1}, c: ["x", "y"], d: [{e: 1}]}` →
 * `{"a.b": 1, c: "x;y", d: '[{"e":1}]'}`. Dates become ISO strings; lists of scalars are joined
 * with ";"; lists of objects stay JSON in one cell (one row per element is a command's choice).
 */
export function flatten(value: unknown, prefix = "", out: Record<string, unknown> = {}): Record<string, unknown> {
  if (value instanceof Date) out[prefix] = value.toISOString();
  else if (Array.isArray(value)) {
    if (value.every((v) => v === null || typeof v !== "object" || v instanceof Date)) {
      out[prefix] = value.map((v) => (v instanceof Date ? v.toISOString() : v === null ? "" : String(v))).join(";");
    } else out[prefix] = JSON.stringify(value);
  } else if (value !== null && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else if (prefix) out[prefix] = value;
  return out;
}

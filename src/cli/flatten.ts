/** Nested records as flat rows for CSV: `{a: {b: 1}, c: [x, y]}` → `{"a.b": 1, c: "x;y"}`. */
export function flatten(value: unknown, prefix = "", out: Record<string, unknown> = {}): Record<string, unknown> {
  if (value instanceof Date) out[prefix] = value.toISOString();
  else if (Array.isArray(value)) {
    if (value.every((v) => v === null || typeof v !== "object" || v instanceof Date)) out[prefix] = value.map((v) => (v instanceof Date ? v.toISOString() : String(v))).join(";");
    else out[prefix] = JSON.stringify(value);
  } else if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else if (prefix) out[prefix] = value;
  return out;
}

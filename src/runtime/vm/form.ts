/**
 * Qualys form parameters: lists as comma-joined strings, booleans as 0/1, dates as
 * `YYYY-MM-DDTHH:MM:SSZ` (no milliseconds); undefined and null are left out.
 */
export type FormValue = string | number | boolean | Date | readonly (string | number)[] | null | undefined;

export function formValue(value: Exclude<FormValue, null | undefined>): string {
  if (value instanceof Date) return value.toISOString().replace(/\.\d{3}Z$/, "Z");
  if (typeof value === "boolean") return value ? "1" : "0";
  if (Array.isArray(value)) return value.join(",");
  return String(value);
}

export function encodeForm(params: Record<string, FormValue>): URLSearchParams {
  const form = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null) continue;
    form.set(key, formValue(value as Exclude<FormValue, null | undefined>));
  }
  return form;
}

/**
 * Qualys form parameters: lists as comma-joined strings, booleans as 0/1, dates as
 * `YYYY-MM-DDTHH:MM:SSZ` (no milliseconds); undefined and null are left out. Anything else is
 * refused before sending: Qualys would get "[object Object]" or "NaN" as a filter value, and an
 * empty list has no safe reading (sent, it is an invalid value; left out, it would widen a narrow
 * purge or list to every host).
 */
import { InvalidParameterError } from "../errors/invalid-parameter-error.js";

export type FormScalar = string | number | bigint | boolean | Date;
export type FormValue = FormScalar | readonly (string | number | bigint)[] | null | undefined;

/** "an object", "a function", "null": for messages about a value of the wrong kind. */
function kind(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (value instanceof Date) return "a Date";
  const t = typeof value;
  return /^[aeiou]/.test(t) ? `an ${t}` : `a ${t}`;
}

export function formValue(value: unknown, parameter: string, operation?: string): string {
  const fail = (why: string) => new InvalidParameterError(why, { operation, parameter });
  if (typeof value === "string" || typeof value === "bigint") return String(value);
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw fail(`is ${value}; give a finite number`);
    return String(value);
  }
  if (typeof value === "boolean") return value ? "1" : "0";
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw fail("is an invalid Date");
    return value.toISOString().replace(/\.\d{3}Z$/, "Z");
  }
  if (Array.isArray(value)) {
    if (value.length === 0) throw fail("is an empty list; leave it out to not filter on it");
    return value
      .map((item: unknown, i) => {
        if (typeof item !== "string" && typeof item !== "number" && typeof item !== "bigint") {
          throw fail(`has ${kind(item)} at index ${i}; list items are strings or numbers`);
        }
        const text = formValue(item, `${parameter}[${i}]`, operation);
        // Qualys splits list parameters on commas, so an item holding one would become two.
        if (text.includes(",")) throw fail(`item ${JSON.stringify(text)} holds a comma, which Qualys reads as a separator`);
        return text;
      })
      .join(",");
  }
  throw fail(`is ${kind(value)}; give a string, number, boolean, Date or list`);
}

/** The form for `params`, which must be a plain object (or undefined for no parameters). */
export function encodeForm(params: unknown, operation?: string): URLSearchParams {
  const form = new URLSearchParams();
  if (params === undefined || params === null) return form;
  if (typeof params !== "object" || Array.isArray(params) || params instanceof Date) {
    throw new InvalidParameterError(`takes an object of parameters, not ${kind(params)}`, { operation });
  }
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null) continue;
    form.set(key, formValue(value, key, operation));
  }
  return form;
}

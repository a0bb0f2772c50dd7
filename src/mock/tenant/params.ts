/**
 * Request parameters as Qualys reads them: ID lists with ranges (`1,3-5`), dates (`2026-11-01`
 * or `2026-11-01T10:00:00Z`), 0/1 flags, enumerations. A bad value is a ParamError that the
 * server answers with SIMPLE_RETURN 1905 (HTTP 400), as Qualys does.
 */

export class ParamError extends Error {
  constructor(
    readonly code: "1903" | "1904" | "1905" | "1901",
    message: string,
  ) {
    super(message);
    this.name = "ParamError";
  }
}

/** Sorted, merged inclusive ranges. */
export type IdRanges = readonly (readonly [number, number])[];

export function parseIds(name: string, value: string): IdRanges {
  const ranges: [number, number][] = [];
  for (const raw of value.split(",")) {
    const part = raw.trim();
    const m = /^(\d+)(?:\s*-\s*(\d+))?$/.exec(part);
    const from = m ? Number(m[1]) : NaN;
    const to = m?.[2] !== undefined ? Number(m[2]) : from;
    if (!m || from < 1 || to < from) {
      throw new ParamError("1905", `parameter ${name} has invalid value: ${part} (neither a positive integer nor a range: ${part})`);
    }
    ranges.push([from, to]);
  }
  ranges.sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const r of ranges) {
    const last = merged.at(-1);
    if (last && r[0] <= last[1] + 1) last[1] = Math.max(last[1], r[1]);
    else merged.push([r[0], r[1]]);
  }
  return merged;
}

export function inRanges(ranges: IdRanges, id: number): boolean {
  let lo = 0;
  let hi = ranges.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const [from, to] = ranges[mid]!;
    if (id < from) hi = mid - 1;
    else if (id > to) lo = mid + 1;
    else return true;
  }
  return false;
}

export function parseDate(name: string, value: string): number {
  const ok = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2})?Z?)?$/.test(value);
  const ms = ok ? Date.parse(value.length === 10 ? `${value}T00:00:00Z` : value.endsWith("Z") ? value : `${value}Z`) : NaN;
  if (!Number.isFinite(ms)) throw new ParamError("1905", `parameter ${name} has invalid value: ${value}`);
  return ms;
}

export function parseInteger(name: string, value: string, min: number): number {
  if (!/^\d+$/.test(value) || Number(value) < min) throw new ParamError("1905", `parameter ${name} has invalid value: ${value}`);
  return Number(value);
}

export function parseFlag(name: string, value: string | null, fallback: boolean): boolean {
  if (value === null || value === "") return fallback;
  if (value !== "0" && value !== "1") throw new ParamError("1905", `parameter ${name} has invalid value: ${value}`);
  return value === "1";
}

/** A comma list whose items must each be one of `allowed` (compared case-insensitively). */
export function parseChoices<T extends string>(name: string, value: string, allowed: readonly T[]): Set<T> {
  const out = new Set<T>();
  for (const raw of value.split(",")) {
    const item = allowed.find((a) => a.toLowerCase() === raw.trim().toLowerCase());
    if (!item) throw new ParamError("1905", `parameter ${name} has invalid value: ${raw.trim()}`);
    out.add(item);
  }
  return out;
}

export function optional<T>(params: URLSearchParams, name: string, parse: (name: string, value: string) => T): T | undefined {
  const value = params.get(name);
  return value === null || value === "" ? undefined : parse(name, value);
}

/** Refuses parameters the endpoint does not know (Qualys: 1901 Unrecognized parameter(s)). */
export function checkKnown(params: URLSearchParams, known: ReadonlySet<string>): void {
  const unknown = [...new Set(params.keys())].filter((k) => !known.has(k));
  if (unknown.length) throw new ParamError("1901", `Unrecognized parameter(s): ${unknown.join(", ")}`);
}

/**
 * Tool answers are JSON text of bounded size: a model's context is small and a Qualys answer can
 * be megabytes. `fitJson` keeps the value's shape and cuts the biggest parts first (the tail of
 * the longest list, the end of the longest text), naming every cut so nothing is dropped
 * silently.
 */

/** JSON text of a value; bigints (large ids) as strings rather than a TypeError. */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === "bigint" ? v.toString() : v)) ?? "null";
}

export interface Fitted {
  readonly text: string;
  /** One line per cut, e.g. `$.items: 12 of 400 items kept`. */
  readonly cuts: readonly string[];
}

const size = (v: unknown) => toJson(v).length;

/** The value as JSON of at most `limit` characters (never less than a small floor), with its cuts. */
export function fitJson(value: unknown, limit: number): Fitted {
  const text = toJson(value);
  if (text.length <= limit) return { text, cuts: [] };
  const cuts: string[] = [];
  const fitted = shrink(JSON.parse(text) as unknown, Math.max(limit, 64), "$", cuts);
  return { text: toJson(fitted), cuts };
}

function shrink(value: unknown, budget: number, path: string, cuts: string[]): unknown {
  if (size(value) <= budget) return value;
  if (typeof value === "string") {
    const keep = Math.max(0, budget - 40);
    cuts.push(`${path}: text cut to ${keep} of ${value.length} characters`);
    return `${value.slice(0, keep)}…[cut]`;
  }
  if (Array.isArray(value)) return shrinkArray(value, budget, path, cuts);
  if (value && typeof value === "object") return shrinkObject(value as Record<string, unknown>, budget, path, cuts);
  return value;
}

function shrinkArray(items: unknown[], budget: number, path: string, cuts: string[]): unknown[] {
  const kept: unknown[] = [];
  let used = 2;
  for (const item of items) {
    const s = size(item) + 1;
    if (used + s > budget) break;
    kept.push(item);
    used += s;
  }
  // Not even the first item fits: keep it, cut down, rather than an empty list.
  if (kept.length === 0 && items.length > 0) {
    kept.push(shrink(items[0], budget - 4, `${path}[0]`, cuts));
  }
  if (kept.length < items.length) cuts.push(`${path}: ${kept.length} of ${items.length} items kept`);
  return kept;
}

function shrinkObject(object: Record<string, unknown>, budget: number, path: string, cuts: string[]): Record<string, unknown> {
  const out = { ...object };
  // Cut the largest member until the whole fits; each pass shrinks one member to what is left.
  const tried = new Set<string>();
  while (size(out) > budget) {
    const candidates = Object.keys(out).filter((k) => !tried.has(k));
    if (candidates.length === 0) break;
    const largest = candidates.reduce((a, b) => (size(out[a]) >= size(out[b]) ? a : b));
    tried.add(largest);
    const rest = size(out) - size(out[largest]);
    const member = `${path}.${largest}`;
    if (budget - rest < 16) {
      cuts.push(`${member}: left out`);
      delete out[largest];
    } else {
      out[largest] = shrink(out[largest], budget - rest, member, cuts);
    }
  }
  return out;
}

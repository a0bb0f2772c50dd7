/** What a `qualys` command body gets: a connected client, the progress line, and the output. */
import type { Writable } from "node:stream";
import { InvalidArgumentError } from "commander";
import type { QualysClient } from "../client.js";
import type { CsvShape } from "./output.js";
import type { Progress } from "./progress.js";

export interface CommandContext {
  readonly client: QualysClient;
  readonly progress: Progress;
  /** Aborted on Ctrl-C: passed to every call, so waits and downloads stop at once. */
  readonly signal: AbortSignal;
  /** Raw output (report downloads). */
  readonly stdout: Writable;
  /** Writes records in the chosen --format as they come; `csv` shapes CSV rows and columns. */
  emit(records: AsyncIterable<unknown> | Iterable<unknown>, csv?: CsvShape): Promise<void>;
}

/** Wraps a command body into a commander action that connects, runs, and always disconnects. */
export type Run = <A extends unknown[]>(body: (ctx: CommandContext, ...args: A) => Promise<void>) => (...args: A) => Promise<void>;

/** Parses a whole-number option value (a usage error otherwise). */
export function int(value: string): number {
  const n = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || !Number.isSafeInteger(n)) throw new InvalidArgumentError("expected a whole number.");
  return n;
}

/** Parses a JSON-object option value (a usage error otherwise). */
export function json(value: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw new InvalidArgumentError("expected JSON.");
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) throw new InvalidArgumentError("expected a JSON object.");
  return parsed as Record<string, unknown>;
}

/**
 * Ids and id ranges as Qualys takes them (`1,5-9`): whole numbers, each range low to high.
 * Checked here so a typo is a usage error, not a Qualys 1905 after a round trip.
 */
export function idList(value: string): string {
  return rangeList(value, "an id", 1, Number.MAX_SAFE_INTEGER);
}

/** Severities 1–5 and ranges (`4-5`, `3,5`). */
export function severityList(value: string): string {
  return rangeList(value, "a severity", 1, 5);
}

function rangeList(value: string, what: string, min: number, max: number): string {
  const parts = value.split(",").map((p) => p.trim());
  if (!value.trim() || parts.some((p) => p === "")) throw new InvalidArgumentError(`expected ${what} list such as ${min},${min + 1}-${Math.min(max, min + 4)}.`);
  for (const part of parts) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!m) throw new InvalidArgumentError(`"${part}" is not ${what} or a range of them (e.g. ${min}-${Math.min(max, min + 4)}).`);
    const low = Number(m[1]);
    const high = m[2] === undefined ? low : Number(m[2]);
    for (const n of [low, high]) if (!Number.isSafeInteger(n) || n < min || n > max) throw new InvalidArgumentError(`${n} is out of range (${min}–${max === Number.MAX_SAFE_INTEGER ? "…" : max}).`);
    if (low > high) throw new InvalidArgumentError(`the range ${part} runs backwards: write ${high}-${low}.`);
  }
  return parts.join(",");
}

/** A comma list whose every item is one of `allowed` (case as Qualys spells them). */
export function oneOf(allowed: readonly string[]): (value: string) => string {
  return (value) => {
    const items = value.split(",").map((s) => s.trim());
    for (const item of items) if (!allowed.includes(item)) throw new InvalidArgumentError(`"${item}" is not one of ${allowed.join(", ")}.`);
    return items.join(",");
  };
}

/** A date as Qualys takes it: YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ, and a real one. */
export function date(value: string): string {
  const v = value.trim();
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2}):(\d{2})Z)?$/.exec(v);
  const real = m && !Number.isNaN(Date.parse(m[4] === undefined ? `${v}T00:00:00Z` : v)) && new Date(m[4] === undefined ? `${v}T00:00:00Z` : v).toISOString().slice(0, 10) === `${m[1]}-${m[2]}-${m[3]}`;
  if (!m || !real || Number(m[4] ?? 0) > 23 || Number(m[5] ?? 0) > 59 || Number(m[6] ?? 0) > 59) {
    throw new InvalidArgumentError("expected a date YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ (UTC).");
  }
  return v;
}

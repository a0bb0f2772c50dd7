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

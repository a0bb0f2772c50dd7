/**
 * Listing cursors: opaque to the model (base64url of JSON), checked when handed back. A cursor
 * holds the arguments the listing started with (so a model that repeats them along with the
 * cursor is understood), the arguments of the next request (paging inputs filled in: page
 * number, searchAfter, lastSeenAssetId, `id GREATER`, a truncation page's `id_min`…), and how
 * many records of that request's page were already shown (when an answer was cut to size).
 */
import { isDeepStrictEqual } from "node:util";

export type Args = Record<string, unknown>;

export interface Cursor {
  /** The arguments the listing started with, without `cursor`. */
  readonly start: Args;
  /** The next request's arguments. */
  readonly next: Args;
  /** Records of the next request's page already shown. */
  readonly skip: number;
}

/** A cursor that is not one this server issued for this tool, or arguments that contradict it. */
export class CursorError extends Error {
  override readonly name = "CursorError";
}

const VERSION = 1;
const MAX_LENGTH = 256 * 1024;
const isArgs = (v: unknown): v is Args => v !== null && typeof v === "object" && !Array.isArray(v);

export function encodeCursor(tool: string, cursor: Cursor): string {
  return Buffer.from(JSON.stringify({ v: VERSION, t: tool, a: cursor.start, n: cursor.next, s: cursor.skip }), "utf8").toString("base64url");
}

export function decodeCursor(tool: string, text: unknown): Cursor {
  const refuse = (why: string) => new CursorError(`cursor ${why}: pass the \`cursor\` of this tool's last answer unchanged, or call without one to start the listing again`);
  if (typeof text !== "string" || text.length === 0 || text.length > MAX_LENGTH || !/^[A-Za-z0-9_-]+$/.test(text)) throw refuse("is not one this server issued");
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(text, "base64url").toString("utf8"));
  } catch {
    throw refuse("is not one this server issued");
  }
  if (!isArgs(raw) || raw.v !== VERSION || !isArgs(raw.a) || !isArgs(raw.n)) throw refuse("is not one this server issued");
  if (raw.t !== tool) throw refuse(`belongs to ${typeof raw.t === "string" ? raw.t : "another tool"}, not ${tool}`);
  const skip = raw.s ?? 0;
  if (typeof skip !== "number" || !Number.isSafeInteger(skip) || skip < 0) throw refuse("is damaged");
  return { start: raw.a, next: raw.n, skip };
}

/**
 * The arguments a call with a cursor runs with: the cursor's. Other arguments given along with it
 * must be the ones the listing started with: a model asking for something else must start over.
 */
export function resumeArgs(tool: string, args: Args): { readonly cursor?: Cursor; readonly args: Args } {
  const { cursor: text, ...rest } = args;
  if (text === undefined) return { args: rest };
  const cursor = decodeCursor(tool, text);
  for (const [key, value] of Object.entries(rest)) {
    if (key === "confirm") continue;
    if (!isDeepStrictEqual(value, cursor.start[key])) {
      throw new CursorError(`the cursor continues a listing started with other arguments (${key} differs): pass the cursor alone or with the same arguments, or call without it to start a new listing`);
    }
  }
  return { cursor, args: cursor.next };
}

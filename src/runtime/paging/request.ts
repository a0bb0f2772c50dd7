/**
 * Reading and setting paging parameters on a fetcher's init without touching the caller's object:
 * a walk sends many requests from one init, and the caller may reuse it.
 */
import { PagingError } from "../errors/paging-error.js";

export type Init = Record<string, unknown>;
export type Where = "body" | "query";

function objectAt(value: unknown, what: string): Record<string, unknown> {
  if (value === undefined || value === null) return {};
  if (typeof value !== "object" || Array.isArray(value)) {
    throw new PagingError(`a paged call needs ${what} to be an object`, { problem: "usage" });
  }
  return value as Record<string, unknown>;
}

export function bodyOf(init: Init): Record<string, unknown> {
  return objectAt(init.body, "its body");
}

function queryOf(init: Init): Record<string, unknown> {
  return objectAt(objectAt(init.params, "params").query, "params.query");
}

export function readParam(init: Init, where: Where, name: string): unknown {
  return where === "body" ? bodyOf(init)[name] : queryOf(init)[name];
}

/** A copy of `init` with `params` set in the body or the query; unset keys (undefined) are left out. */
export function withParams(init: Init, where: Where, params: Record<string, unknown>): Init {
  const set = Object.fromEntries(Object.entries(params).filter(([, v]) => v !== undefined));
  if (where === "body") return { ...init, body: { ...bodyOf(init), ...set } };
  const p = objectAt(init.params, "params");
  return { ...init, params: { ...p, query: { ...queryOf(init), ...set } } };
}

/**
 * A page size or number the caller gave: a number, or digits (query values are often strings).
 * Anything else is refused before a request goes out rather than sent for the server to misread.
 */
export function integerParam(value: unknown, name: string, min: number): number | undefined {
  if (value === undefined || value === null) return undefined;
  const n = typeof value === "string" && /^\s*-?\d+\s*$/.test(value) ? Number(value) : value;
  if (typeof n !== "number" || !Number.isSafeInteger(n) || n < min) {
    throw new PagingError(`"${name}" must be an integer of at least ${min}, not ${JSON.stringify(value)}`, { problem: "usage" });
  }
  return n;
}

export function signalOf(init: Init): AbortSignal | undefined {
  return init.signal instanceof AbortSignal ? init.signal : undefined;
}

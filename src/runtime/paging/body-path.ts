/**
 * Dotted paths into a JSON request body (`ServiceRequest.preferences.limitResults`), set on a copy:
 * a walk sends many requests from the caller's body and never changes it.
 */
import { PagingError } from "../errors/paging-error.js";
import { pick } from "./path.js";

export const getAt = pick;

export function setAt(body: Record<string, unknown>, path: string, value: unknown): Record<string, unknown> {
  const [key, ...rest] = path.split(".");
  const current = body[key!];
  if (rest.length === 0) return { ...body, [key!]: value };
  if (current !== undefined && current !== null && (typeof current !== "object" || Array.isArray(current))) {
    throw new PagingError(`a paged call needs "${key}" in the body to be an object`, { problem: "usage" });
  }
  return { ...body, [key!]: setAt((current ?? {}) as Record<string, unknown>, rest.join("."), value) };
}

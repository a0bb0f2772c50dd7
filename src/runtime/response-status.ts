/**
 * Some JSON APIs answer failures with HTTP 200 and their own code: QPS (WAS) sends
 * `{"ServiceResponse": {"responseCode": "INVALID_REQUEST", "responseErrorDetails": {...}}}`,
 * CSAM `{"responseCode": "FAILED", "responseMessage": …}`. The spec says where the code sits
 * (`x-response-status`); a code outside its success list is a QualysApiError, the JSON
 * counterpart of the VM decoder's ServiceResponse check.
 */
import { QualysApiError } from "./errors/qualys-api-error.js";
import { pick } from "./paging/path.js";
import type { ResponseStatusSpec } from "./types.js";

const text = (value: unknown): string | undefined =>
  typeof value === "string" ? value : typeof value === "number" || typeof value === "boolean" ? String(value) : undefined;

export function checkResponseStatus(spec: ResponseStatusSpec, data: unknown, operation: string, httpStatus: number): void {
  if (data === null || typeof data !== "object") return;
  const code = text(pick(data, spec.code));
  // No code at all: nothing says failure (an answer shape the spec does not flag).
  if (code === undefined || spec.success.includes(code)) return;
  const dot = spec.code.indexOf(".");
  throw new QualysApiError({
    code,
    text: (spec.message && text(pick(data, spec.message))) || code,
    httpStatus,
    operation,
    resolution: spec.resolution ? text(pick(data, spec.resolution)) : undefined,
    root: dot > 0 ? spec.code.slice(0, dot) : undefined,
  });
}

/**
 * Reads Qualys's error documents. Qualys reports many failures with HTTP 200 (2001 account
 * expired, 7001 report not ready, every QPS error), so the body decides, not the status.
 * Fields are looked up by element name through the descriptor that decoded the body, so a spec
 * may name them as it likes (or leave them undeclared: they are then in `extra`).
 */
import { QualysApiError } from "../errors/qualys-api-error.js";
import { redactedHead } from "../redact/cut.js";
import type { XmlElement } from "./descriptor.js";
import { valueAt } from "./lookup.js";

export interface ErrorContext {
  readonly httpStatus?: number;
  readonly operation?: string;
}

/** A field's text, or undefined when absent or empty (an empty element decodes to ""). */
const text = (v: unknown): string | undefined => {
  if (v === undefined || v === null) return undefined;
  const s = String(v).trim();
  return s === "" ? undefined : s;
};

/**
 * The QualysApiError a decoded document stands for, or undefined when it is not an error:
 * - SIMPLE_RETURN with a numeric CODE (a non-numeric CODE is a documented success quirk:
 *   "Scan Report Template(s) Created Successfully [89876]" in CODE with an empty TEXT);
 * - ServiceResponse whose responseCode is not SUCCESS;
 * - GENERIC_RETURN whose RETURN status is not SUCCESS; a v1 ERROR root.
 */
export function apiErrorOf(rootName: string, element: XmlElement, doc: unknown, context: ErrorContext): QualysApiError | undefined {
  const base = { httpStatus: context.httpStatus, operation: context.operation, root: rootName };
  switch (rootName) {
    case "SIMPLE_RETURN": {
      const code = text(valueAt(doc, element, ["RESPONSE", "CODE"]));
      if (code === undefined || !/^\d+$/.test(code)) return undefined;
      return new QualysApiError({ ...base, code, text: text(valueAt(doc, element, ["RESPONSE", "TEXT"])) ?? "" });
    }
    case "ServiceResponse": {
      const code = text(valueAt(doc, element, ["responseCode"]));
      if (code === undefined || code === "SUCCESS") return undefined;
      const message = text(valueAt(doc, element, ["responseErrorDetails", "errorMessage"]));
      const resolution = text(valueAt(doc, element, ["responseErrorDetails", "errorResolution"]));
      return new QualysApiError({ ...base, code, text: message ?? code, resolution });
    }
    case "GENERIC_RETURN": {
      for (const path of [["RETURN"], ["API", "RETURN"]]) {
        const status = text(valueAt(doc, element, [...path, "@status"]));
        if (status === undefined) continue;
        if (status.toUpperCase() === "SUCCESS") return undefined;
        const message =
          text(valueAt(doc, element, [...path, "MESSAGE"])) ?? text(valueAt(doc, element, [...path, "TEXT"])) ?? text(valueAt(doc, element, [...path, "#text"]));
        return new QualysApiError({ ...base, code: text(valueAt(doc, element, [...path, "@number"])) ?? status, text: message ?? "" });
      }
      return undefined;
    }
    case "ERROR":
      return new QualysApiError({ ...base, code: text(valueAt(doc, element, ["@number"])) ?? "ERROR", text: text(valueAt(doc, element, ["#text"])) ?? "" });
    default:
      return undefined;
  }
}

/** One line saying what an unexpected (non-error) answer document said, for the error message. */
export function summaryOf(rootName: string, element: XmlElement, doc: unknown, redact?: (text: string) => string): string {
  const parts =
    rootName === "SIMPLE_RETURN"
      ? [valueAt(doc, element, ["RESPONSE", "CODE"]), valueAt(doc, element, ["RESPONSE", "TEXT"])]
      : rootName === "ServiceResponse"
        ? [valueAt(doc, element, ["responseCode"])]
        : [];
  const said = parts
    .map(text)
    .filter((p): p is string => !!p)
    .join(": ");
  return redactedHead(said, 200, redact);
}

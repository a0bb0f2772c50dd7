/**
 * The paging signals in a decoded rest-of-document, read by element name through its descriptor
 * so the VM runtime does not depend on how a spec named the fields:
 * - v2 "fo" truncation: RESPONSE/WARNING with CODE 1980 and the next page's URL (CDATA, trimmed);
 * - QPS: responseCode, count, hasMoreRecords, lastId at the ServiceResponse root.
 */
import type { XmlRoot } from "./descriptor.js";
import { valueAt } from "./lookup.js";

export interface TruncationWarning {
  /** "1980" when more records exist. */
  readonly code: string | undefined;
  readonly text: string | undefined;
  /** Next page, trimmed; absent when Qualys gave none. */
  readonly url: string | undefined;
}

const str = (v: unknown): string | undefined => {
  if (v === undefined || v === null) return undefined;
  const s = String(v).trim();
  return s === "" ? undefined : s;
};

/** The WARNING of a v2 list page (RESPONSE/WARNING, or WARNING at the root in v1-like shapes), if any. */
export function truncationWarningOf(document: unknown, root: XmlRoot<unknown, unknown>): TruncationWarning | undefined {
  for (const path of [["RESPONSE", "WARNING"], ["WARNING"]]) {
    const warning = valueAt(document, root.element, path);
    if (warning === undefined) continue;
    return {
      code: str(valueAt(document, root.element, [...path, "CODE"])),
      text: str(valueAt(document, root.element, [...path, "TEXT"])),
      url: str(valueAt(document, root.element, [...path, "URL"])),
    };
  }
  return undefined;
}

/** The next-page URL when the page was truncated (WARNING CODE 1980), else undefined. */
export function nextPageUrlOf(document: unknown, root: XmlRoot<unknown, unknown>): string | undefined {
  const warning = truncationWarningOf(document, root);
  return warning?.code === "1980" ? warning.url : undefined;
}

export interface QpsPaging {
  readonly responseCode: string | undefined;
  readonly count: number | undefined;
  readonly hasMoreRecords: boolean;
  readonly lastId: number | undefined;
}

/** QPS paging fields of a ServiceResponse, whatever types the spec gave them. */
export function qpsPagingOf(document: unknown, root: XmlRoot<unknown, unknown>): QpsPaging {
  const num = (v: unknown) => {
    const s = str(v);
    const n = s === undefined ? NaN : Number(s);
    return Number.isFinite(n) ? n : undefined;
  };
  const more = valueAt(document, root.element, ["hasMoreRecords"]);
  return {
    responseCode: str(valueAt(document, root.element, ["responseCode"])),
    count: num(valueAt(document, root.element, ["count"])),
    hasMoreRecords: more === true || (typeof more === "string" && more.trim().toLowerCase() === "true"),
    lastId: num(valueAt(document, root.element, ["lastId"])),
  };
}

/** What a walk reads from each decoded page: its items and the advertised total. */
import { PagingError } from "../errors/paging-error.js";
import { pick } from "./path.js";

interface Paths {
  readonly items: string;
  readonly total?: string;
}

/**
 * The page's items. A missing list counts as empty when the page still carries a total (some APIs
 * omit the list when nothing matches; if that hides records, the walk's total check notices). With
 * neither, the answer is not a page at all (e.g. a CAR envelope `{errorCode, message, body: null}`
 * sent with HTTP 200): ending the walk there would pass an error off as "no records".
 */
export function itemsOf(spec: Paths, page: unknown, pageIndex: number): unknown[] {
  if (page === null || typeof page !== "object") {
    throw new PagingError(`page ${pageIndex} is not a JSON object`, { problem: "bad-page", page: pageIndex });
  }
  const items = pick(page, spec.items);
  if (items === undefined || items === null) {
    if (totalOf(spec, page) !== undefined) return [];
    throw new PagingError(`page ${pageIndex} has no "${spec.items}" list${spec.total ? ` and no "${spec.total}"` : ""}: ${JSON.stringify(page).slice(0, 300)}`, {
      problem: "bad-page",
      page: pageIndex,
    });
  }
  if (!Array.isArray(items)) {
    throw new PagingError(`page ${pageIndex}: "${spec.items}" is not a list`, { problem: "bad-page", page: pageIndex });
  }
  return items;
}

export function totalOf(spec: Paths, page: unknown): number | undefined {
  if (!spec.total) return undefined;
  const total = pick(page, spec.total);
  const n = typeof total === "string" && total.trim() !== "" ? Number(total) : total;
  return typeof n === "number" && Number.isFinite(n) && n >= 0 ? n : undefined;
}

/** Enough of a page to tell whether the server sent the same page again. */
export function fingerprint(items: unknown[]): string {
  return JSON.stringify([items.length, items[0], items[items.length - 1]]);
}

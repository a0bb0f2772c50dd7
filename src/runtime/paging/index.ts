/**
 * Paging as async iterators, driven only by an operation's `x-pagination` (PaginationSpec): no
 * per-path cases live here. `call(init)` fetches one page (the decoded body, or a typed error);
 * the walk copies the caller's init for every request and never changes it, and the caller's
 * `signal` (passed on to every request) also stops the walk between pages.
 *
 *   for await (const page of car.searchJobsV1.pages({ body: { filter, pageSize: 100 } })) …
 *   for await (const job of car.searchJobsV1.items({ body: { filter } })) …
 */
import type { PaginationSpec } from "../types.js";
import { itemsOf } from "./page.js";
import { lastSeenIdItems, lastSeenIdPages } from "./last-seen-id.js";
import { pageNumberPages } from "./page-number.js";
import { qpsItems, qpsLastIdPages } from "./qps-last-id.js";
import { searchAfterPages } from "./search-after.js";

export { pick } from "./path.js";
export { unwrapData, type Unwrapped } from "./unwrap.js";

type Init = Record<string, unknown>;
type Call = (init: Init) => Promise<unknown>;

/**
 * Every page, fetched when the loop asks for the next one. The first answer is yielded even when
 * it holds no items (it carries the total); a later empty page only marks the end.
 */
export function pageIterator(spec: PaginationSpec, call: Call, init: Init): AsyncIterableIterator<unknown> {
  switch (spec.style) {
    case "pageNumber":
      return pageNumberPages(spec, call, init);
    case "searchAfter":
      return searchAfterPages(spec, call, init);
    case "lastSeenId":
      return lastSeenIdPages(spec, call, init);
    case "qpsLastId":
      return qpsLastIdPages(spec, call, init);
  }
}

function pageItems(spec: PaginationSpec, page: unknown, index: number): unknown[] {
  if (spec.style === "lastSeenId") return lastSeenIdItems(spec, page, index);
  if (spec.style === "qpsLastId") return qpsItems(spec, page, index, true);
  return itemsOf(spec, page, index);
}

/**
 * Every item of every page, in order, each once: what the spec's `items` path points at. For
 * searchAfter operations that is the `{sortValues, data}` wrapper (see `unwrapData`); for QPS
 * lists with `unwrap` it is the record inside `{"Finding": {...}}`.
 */
export async function* itemIterator(spec: PaginationSpec, call: Call, init: Init): AsyncIterableIterator<unknown> {
  let index = 0;
  for await (const page of pageIterator(spec, call, init)) yield* pageItems(spec, page, ++index);
}

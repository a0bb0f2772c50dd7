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
import { pageNumberPages } from "./page-number.js";
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
  return spec.style === "pageNumber" ? pageNumberPages(spec, call, init) : searchAfterPages(spec, call, init);
}

/**
 * Every item of every page, in order, each once: what the spec's `items` path points at. For
 * searchAfter operations that is the `{sortValues, data}` wrapper (see `unwrapData`).
 */
export async function* itemIterator(spec: PaginationSpec, call: Call, init: Init): AsyncIterableIterator<unknown> {
  let index = 0;
  for await (const page of pageIterator(spec, call, init)) yield* itemsOf(spec, page, ++index);
}

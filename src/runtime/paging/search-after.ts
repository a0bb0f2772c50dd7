/**
 * `sort` + `searchAfter` paging (CAR v2 jobs and asset jobs, v1 assets): the only way past 10,000
 * records. Each list item is `{sortValues, data}`; the last item's cursor field (`sortValues`)
 * becomes the next request's cursor parameter (`searchAfter`).
 *
 * Qualys needs a `sort` ending with a unique key (id): without one it cannot resume after a cursor,
 * and records sharing a sort value are skipped. The walk refuses to start without a sort.
 *
 * The walk ends after an empty or short page. A full page that reaches the server's total does not
 * end it: one more request confirms the end, because a search total may be capped or stale (a
 * cursor cannot skip records, so the extra page costs one request and can only add records).
 * A short page while the latest total says more remain throws PagingError `incomplete`; a page
 * that starts at or ends on the cursor just sent (a server ignoring it) throws `stalled`.
 */
import { PagingError } from "../errors/paging-error.js";
import { withRecords } from "./progress.js";
import type { PaginationSpec } from "../types.js";
import { itemsOf, totalOf } from "./page.js";
import { pick } from "./path.js";
import { bodyOf, integerParam, signalOf, withParams, type Init } from "./request.js";

type Spec = Extract<PaginationSpec, { style: "searchAfter" }>;
type Call = (init: Init) => Promise<unknown>;

/** `sort` may be a list or, as one CAR sample shows, a string holding a JSON list. */
function hasSort(sort: unknown): boolean {
  if (Array.isArray(sort)) return sort.length > 0;
  if (typeof sort === "string") {
    const text = sort.trim();
    if (text === "") return false;
    try {
      const parsed: unknown = JSON.parse(text);
      if (Array.isArray(parsed)) return parsed.length > 0;
    } catch {
      // Not JSON: let the server judge the string.
    }
    return true;
  }
  return sort !== null && typeof sort === "object" && Object.keys(sort).length > 0;
}

const same = (a: unknown, b: unknown) => a !== undefined && JSON.stringify(a) === JSON.stringify(b);

export async function* searchAfterPages(spec: Spec, call: Call, init: Init): AsyncGenerator<unknown, void, undefined> {
  const body = bodyOf(init);
  // The spec type names no sort parameter; "sort" is what every searchAfter API in the sources uses.
  const sortParam = (spec as { readonly sortParam?: string }).sortParam ?? "sort";
  if (!hasSort(body[sortParam])) {
    throw new PagingError(
      `searchAfter paging needs a "${sortParam}" in the body ending with a unique key, e.g. [{"created.dateTime":"desc"},{"id":"desc"}]`,
      { problem: "usage" },
    );
  }
  const pageSize = integerParam(body[spec.sizeParam], spec.sizeParam, 1) ?? spec.defaultPageSize;
  let cursor: unknown = body[spec.cursorParam] ?? undefined;
  // Resuming from the caller's cursor: the server's total also counts records before it.
  const resumed = cursor !== undefined;
  const signal = signalOf(init);
  let received = 0;

  for (let index = 1; ; index++) {
    signal?.throwIfAborted();
    let page: unknown;
    try {
      page = await call(withParams(init, "body", { [spec.sizeParam]: pageSize, [spec.cursorParam]: cursor }));
    } catch (err) {
      throw withRecords(err, received);
    }
    const items = itemsOf(spec, page, index);
    const total = totalOf(spec, page);
    const incomplete = () =>
      new PagingError(
        `page ${index} ended the listing after ${received} items, but the server's total is ${total}: ` +
          `the "${sortParam}" may not end with a unique key (records sharing a sort value are skipped), or records changed during the walk`,
        { problem: "incomplete", page: index, received, expected: total },
      );

    if (items.length === 0) {
      if (index === 1) yield page;
      if (!resumed && total !== undefined && received < total) throw incomplete();
      return;
    }
    const next = pick(items[items.length - 1], spec.cursorField);
    if (same(cursor, pick(items[0], spec.cursorField)) || same(cursor, next)) {
      throw new PagingError(`page ${index} starts or ends at the "${spec.cursorParam}" just sent: the server ignores it; stopping instead of looping`, {
        problem: "stalled",
        page: index,
        received,
        expected: total,
      });
    }
    yield page;
    received += items.length;
    if (pageSize !== undefined && items.length < pageSize) {
      if (!resumed && total !== undefined && received < total) throw incomplete();
      return;
    }
    if (!Array.isArray(next) || next.length === 0) {
      throw new PagingError(`page ${index}: its last item has no "${spec.cursorField}" to continue from`, {
        problem: "bad-page",
        page: index,
        received,
        expected: total,
      });
    }
    cursor = next;
  }
}

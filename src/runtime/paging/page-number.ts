/**
 * `pageNumber` paging: CAR v1 searches (from 0, in the JSON body, `{body: {totalCount, list}}`) and
 * QFlow lists (from 1, in the query, `{total, items}`), as the spec's x-pagination says.
 *
 * The walk ends after an empty page, a short page (fewer than the page size) or the page that
 * reaches the server's total, without asking for a page past it. When it ends on an empty or
 * short page while the server's latest total says records remain, it throws PagingError
 * `incomplete` after yielding what it got: going on by page number would skip or repeat records
 * (the server capped the page size, or records moved between pages), and stopping quietly would
 * drop them. A full page identical to the one before (a server ignoring the page number) throws
 * `stalled` instead of looping.
 */
import { PagingError } from "../errors/paging-error.js";
import { withRecords } from "./progress.js";
import type { PaginationSpec } from "../types.js";
import { fingerprint, itemsOf, totalOf } from "./page.js";
import { integerParam, readParam, signalOf, withParams, type Init } from "./request.js";

type Spec = Extract<PaginationSpec, { style: "pageNumber" }>;
type Call = (init: Init) => Promise<unknown>;

export async function* pageNumberPages(spec: Spec, call: Call, init: Init): AsyncGenerator<unknown, void, undefined> {
  const pageSize = integerParam(readParam(init, spec.in, spec.sizeParam), spec.sizeParam, 1) ?? spec.defaultPageSize;
  if (pageSize === undefined) {
    throw new PagingError(`this operation needs "${spec.sizeParam}": Qualys documents no default page size for it`, { problem: "usage" });
  }
  const first = integerParam(readParam(init, spec.in, spec.pageParam), spec.pageParam, spec.firstPage) ?? spec.firstPage;
  // A walk that starts on a later page still compares against the total of the whole listing.
  const before = (first - spec.firstPage) * pageSize;
  const signal = signalOf(init);
  let received = 0;
  let previous: string | undefined;

  for (let index = 1; ; index++) {
    signal?.throwIfAborted();
    let page: unknown;
    try {
      page = await call(withParams(init, spec.in, { [spec.pageParam]: first + index - 1, [spec.sizeParam]: pageSize }));
    } catch (err) {
      throw withRecords(err, received);
    }
    const items = itemsOf(spec, page, index);
    const total = totalOf(spec, page);
    const listed = before + received + items.length;
    const incomplete = () =>
      new PagingError(
        `page ${index} held ${items.length} of ${pageSize} items, but the server's total is ${total} and only ${listed} were listed: ` +
          `the server may cap "${spec.sizeParam}" below ${pageSize}, or records changed during the walk. ` +
          `Stopping here rather than skipping records.`,
        { problem: "incomplete", page: index, received: listed - before, expected: total },
      );

    if (items.length === 0) {
      // The first answer is yielded even when empty: it carries the total; a later empty page only marks the end.
      if (index === 1) yield page;
      if (total !== undefined && listed < total) throw incomplete();
      return;
    }
    const print = fingerprint(items);
    if (print === previous) {
      throw new PagingError(`page ${index} repeats page ${index - 1}: the server ignores "${spec.pageParam}"; stopping instead of looping`, {
        problem: "stalled",
        page: index,
        received,
        expected: total,
      });
    }
    previous = print;
    yield page;
    received += items.length;
    if (total !== undefined && listed >= total) return;
    if (items.length < pageSize) {
      if (total !== undefined) throw incomplete();
      return;
    }
  }
}

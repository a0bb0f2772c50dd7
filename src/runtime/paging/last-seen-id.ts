/**
 * `lastSeenId` paging (CSAM search, components, v1 host list): the answer names the next cursor
 * (`lastSeenAssetId`; `lastAssetComponentId` for components) and says whether more follow
 * (`hasMore`). The cursor is taken from the answer, as Qualys's docs and most clients do, not
 * from the last item (clients disagree on that, and an answer may list no items yet say more
 * follow). 204 or an empty body ends the walk: Qualys's way of saying "no (more) results".
 *
 * An answer without a readable `hasMore` is a PagingError `bad-page`, thrown before its items
 * are handed out (QualysETL reports the key going missing now and then; guessing "no more"
 * would silently drop the rest). A cursor the walk already sent is `stalled`.
 */
import { PagingError } from "../errors/paging-error.js";
import type { PaginationSpec } from "../types.js";
import { listOf, moreFlag } from "./flags.js";
import { pick } from "./path.js";
import { integerParam, readParam, signalOf, withParams, type Init } from "./request.js";

type Spec = Extract<PaginationSpec, { style: "lastSeenId" }>;
type Call = (init: Init) => Promise<unknown>;

export function lastSeenIdItems(spec: Spec, page: unknown, pageIndex: number): unknown[] {
  const value = pick(page, spec.items);
  const items = listOf(value);
  if (items === undefined && value !== undefined && value !== null) {
    throw new PagingError(`page ${pageIndex}: "${spec.items}" is not a list`, { problem: "bad-page", page: pageIndex });
  }
  return items ?? [];
}

const isCursor = (v: unknown) => (typeof v === "number" && Number.isFinite(v)) || (typeof v === "string" && v.trim() !== "");

export async function* lastSeenIdPages(spec: Spec, call: Call, init: Init): AsyncGenerator<unknown, void, undefined> {
  const size = integerParam(readParam(init, spec.in, spec.sizeParam), spec.sizeParam, 1);
  if (size !== undefined && spec.maxPageSize !== undefined && size > spec.maxPageSize) {
    throw new PagingError(`"${spec.sizeParam}" may be at most ${spec.maxPageSize}, not ${size}`, { problem: "usage" });
  }
  let cursor: unknown = readParam(init, spec.in, spec.cursorParam) ?? undefined;
  const sent = new Set<string>();
  const signal = signalOf(init);
  let received = 0;

  for (let index = 1; ; index++) {
    signal?.throwIfAborted();
    if (cursor !== undefined) sent.add(String(cursor));
    const page = await call(withParams(init, spec.in, { [spec.cursorParam]: cursor }));
    if (page === undefined || page === null || page === "") return;
    if (typeof page !== "object") throw new PagingError(`page ${index} is not a JSON object`, { problem: "bad-page", page: index, received });
    const items = lastSeenIdItems(spec, page, index);
    const rawMore = pick(page, spec.hasMore);
    const more = moreFlag(rawMore);
    const resume = cursor === undefined ? "from the start" : `with ${spec.cursorParam}=${String(cursor)}`;
    if (more === undefined) {
      throw new PagingError(
        `page ${index} ${rawMore === undefined ? `has no "${spec.hasMore}"` : `has "${spec.hasMore}" = ${JSON.stringify(rawMore)}, neither 0/1 nor true/false`}: ` +
          `cannot tell whether more records follow; stopping instead of guessing (resume ${resume})`,
        { problem: "bad-page", page: index, received },
      );
    }
    yield page;
    received += items.length;
    if (!more) return;
    const next = pick(page, spec.nextCursor);
    if (!isCursor(next)) {
      throw new PagingError(`page ${index} says more records follow but has no "${spec.nextCursor}" to continue from`, { problem: "bad-page", page: index, received });
    }
    if (sent.has(String(next))) {
      throw new PagingError(`page ${index} hands back "${spec.nextCursor}" ${String(next)}, a cursor already sent: stopping instead of looping`, {
        problem: "stalled",
        page: index,
        received,
      });
    }
    cursor = next;
  }
}

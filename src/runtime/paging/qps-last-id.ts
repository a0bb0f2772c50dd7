/**
 * `qpsLastId` paging (QPS REST: WAS webapps, findings, scans, catalog): while `hasMoreRecords`
 * says more follow, ask again with the caller's criteria plus `id GREATER <lastId>` (Qualys's
 * "making API calls" page). A body that sets `startFromOffset` pages by offset instead (1-based,
 * plus the records received), which graph-qualys uses on webapps and findings.
 *
 * Ends on `hasMoreRecords` false, or on the documented empty answer (`count` 0 with neither
 * `hasMoreRecords` nor `data`). Any other answer without a readable `hasMoreRecords` is a
 * PagingError `bad-page`; a `lastId` that does not grow is `stalled`.
 */
import { PagingError } from "../errors/paging-error.js";
import type { PaginationSpec } from "../types.js";
import { getAt, setAt } from "./body-path.js";
import { listOf, moreFlag } from "./flags.js";
import { pick } from "./path.js";
import { bodyOf, integerParam, signalOf, type Init } from "./request.js";

type Spec = Extract<PaginationSpec, { style: "qpsLastId" }>;
type Call = (init: Init) => Promise<unknown>;
type Criterion = Record<string, unknown>;

/** The page's records, unwrapped from `{"<Type>": record}` when the spec says so. */
export function qpsItems(spec: Spec, page: unknown, pageIndex: number, unwrap: boolean): unknown[] {
  const value = pick(page, spec.items);
  const items = listOf(value);
  if (items === undefined && value !== undefined && value !== null) {
    throw new PagingError(`page ${pageIndex}: "${spec.items}" is not a list`, { problem: "bad-page", page: pageIndex });
  }
  if (!unwrap || !spec.unwrap) return items ?? [];
  return (items ?? []).map((item, i) => {
    const record = item !== null && typeof item === "object" ? (item as Record<string, unknown>)[spec.unwrap!] : undefined;
    if (record === undefined || record === null) {
      throw new PagingError(`page ${pageIndex}, item ${i + 1}: no "${spec.unwrap}" record in ${JSON.stringify(item).slice(0, 200)}`, { problem: "bad-page", page: pageIndex });
    }
    return record;
  });
}

const numeric = (v: unknown): number | undefined => {
  const n = typeof v === "string" && /^\s*\d+\s*$/.test(v) ? Number(v) : v;
  return typeof n === "number" && Number.isSafeInteger(n) && n >= 0 ? n : undefined;
};

function criteriaOf(body: Record<string, unknown>, spec: Spec): Criterion[] {
  // QualysETL sends a single Criteria object where others send a list; both are accepted.
  const list = listOf(getAt(body, spec.criteria)) ?? [];
  return list.filter((c): c is Criterion => c !== null && typeof c === "object");
}

export async function* qpsLastIdPages(spec: Spec, call: Call, init: Init): AsyncGenerator<unknown, void, undefined> {
  const body = bodyOf(init);
  const size = integerParam(getAt(body, spec.sizeParam), spec.sizeParam, 1);
  if (size !== undefined && spec.maxPageSize !== undefined && size > spec.maxPageSize) {
    throw new PagingError(`"${spec.sizeParam}" may be at most ${spec.maxPageSize}, not ${size}`, { problem: "usage" });
  }
  const offsetPath = spec.sizeParam.replace(/[^.]+$/, "startFromOffset");
  const offset = integerParam(getAt(body, offsetPath), "startFromOffset", 1);
  // The caller's own `id GREATER` is where the first page starts; later pages replace it.
  const kept = criteriaOf(body, spec).filter((c) => !(c.field === spec.idField && c.operator === "GREATER"));
  const signal = signalOf(init);
  let received = 0;
  let lastId: number | undefined;

  for (let index = 1; ; index++) {
    signal?.throwIfAborted();
    let next = body;
    if (index > 1 && offset !== undefined) next = setAt(body, offsetPath, offset + received);
    else if (index > 1) next = setAt(body, spec.criteria, [...kept, { field: spec.idField, operator: "GREATER", value: String(lastId) }]);
    const page = await call({ ...init, body: next });
    if (page === null || typeof page !== "object") throw new PagingError(`page ${index} is not a JSON object`, { problem: "bad-page", page: index, received });
    const items = qpsItems(spec, page, index, false);
    const rawMore = pick(page, spec.hasMore);
    const more = moreFlag(rawMore);
    if (more === undefined) {
      const count = spec.count ? numeric(pick(page, spec.count)) : undefined;
      if (rawMore === undefined && count === 0 && items.length === 0) {
        if (index === 1) yield page;
        return;
      }
      throw new PagingError(
        `page ${index} ${rawMore === undefined ? `has no "${spec.hasMore}"` : `has "${spec.hasMore}" = ${JSON.stringify(rawMore)}`}: cannot tell whether more records follow; stopping instead of guessing`,
        { problem: "bad-page", page: index, received },
      );
    }
    if (items.length > 0 || index === 1) yield page;
    received += items.length;
    if (!more) return;
    if (offset !== undefined) {
      if (items.length === 0) throw new PagingError(`page ${index} says more records follow but lists none: the offset cannot move`, { problem: "stalled", page: index, received });
      continue;
    }
    const id = numeric(pick(page, spec.lastId));
    if (id === undefined) {
      throw new PagingError(`page ${index} says more records follow but has no numeric "${spec.lastId}" to continue from`, { problem: "bad-page", page: index, received });
    }
    if (lastId !== undefined && id <= lastId) {
      throw new PagingError(`page ${index} ends at ${spec.idField} ${id}, not past ${lastId}: the server ignores "${spec.idField} GREATER"; stopping instead of looping`, {
        problem: "stalled",
        page: index,
        received,
      });
    }
    lastId = id;
  }
}

/**
 * Paging as async iterators, driven only by an operation's `x-pagination` (PaginationSpec):
 * CAR `pageNumber` (from 0, JSON body), CAR `sort` + `searchAfter`, QFlow `pageNumber` (from 1,
 * query). No per-path special cases live here.
 */
import { PagingError } from "../errors/paging-error.js";
import type { PaginationSpec } from "../types.js";

type Init = Record<string, unknown>;
type Call = (init: Init) => Promise<unknown>;

/** Reads a dotted path ("body.list") out of a decoded page. */
export function pick(value: unknown, path: string): unknown {
  let current = value;
  for (const key of path.split(".")) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

function itemsOf(spec: PaginationSpec, page: unknown): unknown[] {
  const items = pick(page, spec.items);
  if (items === undefined || items === null) return [];
  if (!Array.isArray(items)) throw new PagingError(`page field "${spec.items}" is not a list`);
  return items;
}

function totalOf(spec: PaginationSpec, page: unknown): number | undefined {
  if (!spec.total) return undefined;
  const total = pick(page, spec.total);
  return typeof total === "number" ? total : undefined;
}

/** Copies the caller's init with `params` set in the body or the query, never mutating it. */
function withParams(init: Init, where: "body" | "query", params: Record<string, unknown>): Init {
  if (where === "body") {
    const body = (init.body ?? {}) as Record<string, unknown>;
    if (typeof body !== "object" || Array.isArray(body)) throw new PagingError("paged operation needs an object body");
    return { ...init, body: { ...body, ...params } };
  }
  const p = (init.params ?? {}) as Record<string, unknown>;
  const query = (p.query ?? {}) as Record<string, unknown>;
  return { ...init, params: { ...p, query: { ...query, ...params } } };
}

function read(init: Init, where: "body" | "query", name: string): unknown {
  if (where === "body") return (init.body as Record<string, unknown> | undefined)?.[name];
  return ((init.params as Record<string, unknown> | undefined)?.query as Record<string, unknown> | undefined)?.[name];
}

async function* pageNumberPages(spec: Extract<PaginationSpec, { style: "pageNumber" }>, call: Call, init: Init) {
  const requested = read(init, spec.in, spec.sizeParam);
  const pageSize = typeof requested === "number" ? requested : spec.defaultPageSize;
  if (pageSize === undefined) {
    throw new PagingError(`this operation needs "${spec.sizeParam}": Qualys documents no default page size for it`);
  }
  const start = read(init, spec.in, spec.pageParam);
  let pageNumber = typeof start === "number" ? start : spec.firstPage;
  let seen = 0;
  for (;;) {
    const page = await call(withParams(init, spec.in, { [spec.pageParam]: pageNumber, [spec.sizeParam]: pageSize }));
    const items = itemsOf(spec, page);
    if (items.length === 0) return;
    yield page;
    seen += items.length;
    const total = totalOf(spec, page);
    // A short page is the last one; so is the page that reaches the advertised total.
    if (items.length < pageSize || (total !== undefined && seen >= total)) return;
    pageNumber += 1;
  }
}

async function* searchAfterPages(spec: Extract<PaginationSpec, { style: "searchAfter" }>, call: Call, init: Init) {
  const body = (init.body ?? {}) as Record<string, unknown>;
  if (body.sort === undefined || (Array.isArray(body.sort) && body.sort.length === 0)) {
    // Without a sort on a unique key Qualys cannot resume after a cursor (CAR getting started).
    throw new PagingError("searchAfter paging needs a `sort` in the body, ending with a unique key such as id");
  }
  const pageSize = typeof body[spec.sizeParam] === "number" ? (body[spec.sizeParam] as number) : spec.defaultPageSize;
  let cursor = body[spec.cursorParam];
  let seen = 0;
  for (;;) {
    const params: Record<string, unknown> = { ...(pageSize !== undefined ? { [spec.sizeParam]: pageSize } : {}) };
    if (cursor !== undefined) params[spec.cursorParam] = cursor;
    const page = await call(withParams(init, "body", params));
    const items = itemsOf(spec, page);
    if (items.length === 0) return;
    yield page;
    seen += items.length;
    const total = totalOf(spec, page);
    if ((pageSize !== undefined && items.length < pageSize) || (total !== undefined && seen >= total)) return;
    const next = pick(items[items.length - 1], spec.cursorField);
    if (!Array.isArray(next) || next.length === 0) {
      throw new PagingError(`the last item of a page has no "${spec.cursorField}" to continue from`);
    }
    cursor = next;
  }
}

/** Every page of a paged operation, fetched as the loop asks for it. */
export function pageIterator(spec: PaginationSpec, call: Call, init: Init): AsyncIterableIterator<unknown> {
  return spec.style === "pageNumber" ? pageNumberPages(spec, call, init) : searchAfterPages(spec, call, init);
}

/** Every item of every page (for searchAfter styles: the `{sortValues, data}` wrappers). */
export async function* itemIterator(spec: PaginationSpec, call: Call, init: Init): AsyncIterableIterator<unknown> {
  for await (const page of pageIterator(spec, call, init)) yield* itemsOf(spec, page);
}

/**
 * A 127.0.0.1 stand-in for CAR searches, recording every request:
 * - `POST /sm/v1/jobs/search`: `pageNumber` (from 0) + `pageSize` (default 10) in the body; the list
 *   holds the records' `data`.
 * - `POST /sm/v2/jobs/search`: `sort` + `searchAfter`; the list holds `{sortValues, data}` wrappers.
 *   It insists on a sort, on `searchAfter` being the last `sortValues` it sent, and, like Qualys,
 *   refuses any page number that reaches past 10,000 records.
 * Answers use the CAR envelope `{errorCode, message, body: {totalCount, list}}`; refusals are 400s.
 */
import { startJsonServer, type JsonServer, type RecordedRequest } from "./json-server.js";

export interface CarRecord {
  readonly sortValues: readonly (string | number)[];
  readonly data: { readonly id: string } & Record<string, unknown>;
}

export interface CarPagesOptions {
  /** The records, in the order the search sorts them. */
  readonly records: readonly CarRecord[];
  /** The totalCount the server reports (default: the true count); a search total may be capped. */
  readonly totalCount?: (trueCount: number) => number;
  /** The largest page the server sends, whatever was asked. */
  readonly maxPageSize?: number;
  /** Answer page 0 whatever `pageNumber` says. */
  readonly ignorePageNumber?: boolean;
  /** Answer the first page whatever `searchAfter` says (and stop checking it). */
  readonly ignoreSearchAfter?: boolean;
  /** Records silently skipped after each cursor, as a sort without a unique key makes Qualys do. */
  readonly skipAfterCursor?: number;
  /** Answer every search with this error message in the envelope, under HTTP 200. */
  readonly errorUnder200?: string;
}

export const WINDOW = 10_000;

export interface CarPagesServer extends JsonServer {
  /** The bodies of the requests, in order. */
  bodies(): Record<string, unknown>[];
}

const refuse = (message: string) => ({ status: 400, body: { errorCode: "400", message, body: null } });
const page = (total: number, list: unknown[]) => ({ body: { errorCode: null, message: null, body: { totalCount: total, list } } });

export async function startCarPagesServer(options: CarPagesOptions): Promise<CarPagesServer> {
  const { records } = options;
  const total = options.totalCount?.(records.length) ?? records.length;
  const position = new Map(records.map((r, i) => [JSON.stringify(r.sortValues), i]));
  let lastSent: readonly unknown[] | undefined;

  const byPage = (body: Record<string, unknown>) => {
    const size = (body.pageSize as number | undefined) ?? 10;
    const number = options.ignorePageNumber ? 0 : ((body.pageNumber as number | undefined) ?? 0);
    if ((number + 1) * size > WINDOW) return refuse(`pageNumber * pageSize may not pass ${WINDOW}: use searchAfter`);
    const served = Math.min(size, options.maxPageSize ?? size);
    return page(total, records.slice(number * size, number * size + served).map((r) => r.data));
  };

  const bySearchAfter = (body: Record<string, unknown>) => {
    const size = (body.pageSize as number | undefined) ?? 10;
    if (body.sort === undefined || body.sort === "" || (Array.isArray(body.sort) && body.sort.length === 0)) return refuse("sort is mandatory");
    if (typeof body.pageNumber === "number" && (body.pageNumber + 1) * size > WINDOW) return refuse(`pageNumber * pageSize may not pass ${WINDOW}`);
    const cursor = body.searchAfter as unknown[] | undefined;
    let start = 0;
    if (cursor !== undefined && !options.ignoreSearchAfter) {
      if (lastSent !== undefined && JSON.stringify(cursor) !== JSON.stringify(lastSent)) {
        return refuse("searchAfter is not the last sortValues of the previous page");
      }
      const at = position.get(JSON.stringify(cursor));
      if (at === undefined) return refuse("unknown searchAfter");
      start = at + 1 + (options.skipAfterCursor ?? 0);
    }
    const list = records.slice(start, start + Math.min(size, options.maxPageSize ?? size));
    if (list.length) lastSent = list[list.length - 1]!.sortValues;
    return page(total, list);
  };

  const server = await startJsonServer((req: RecordedRequest) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (options.errorUnder200) return { body: { errorCode: "CAR-4001", message: options.errorUnder200, body: null } };
    if (req.method === "POST" && req.path === "/sm/v1/jobs/search") return byPage(body);
    if (req.method === "POST" && req.path === "/sm/v2/jobs/search") return bySearchAfter(body);
    return { status: 404, body: { errorCode: "404", message: "no such path", body: null } };
  });
  return { ...server, bodies: () => server.requests.map((r) => r.body as Record<string, unknown>) };
}

/** `n` jobs sorted by created.dateTime then id, both descending, as the seed's sample sorts them. */
export function carJobs(n: number): CarRecord[] {
  return Array.from({ length: n }, (_, i) => {
    const id = String(100_000 - i);
    return { sortValues: [1_674_216_006_119 - i * 1000, id], data: { id, title: `job ${i + 1}` } };
  });
}

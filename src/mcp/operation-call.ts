/**
 * A gateway (JSON) operation as a tool call, through the client's generated fetcher (auth, the
 * shared scheduler, retries, redaction). A paged operation answers one page: the runtime's own
 * walk (src/runtime/paging, driven by the spec's `x-pagination`) is started and stopped at the
 * moment it asks for the second page, so the cursor holds exactly the request it would have sent.
 * A streamed record answer (`x-stream`) answers the records that fit (record-stream.ts).
 */
import type { QualysClient } from "../client.js";
import { ConfigurationError } from "../runtime/errors/configuration-error.js";
import { PagingError } from "../runtime/errors/paging-error.js";
import { pageIterator } from "../runtime/paging/index.js";
import { lastSeenIdItems } from "../runtime/paging/last-seen-id.js";
import { itemsOf, totalOf } from "../runtime/paging/page.js";
import { pick } from "../runtime/paging/path.js";
import { qpsItems } from "../runtime/paging/qps-last-id.js";
import type { PaginationSpec } from "../runtime/types.js";
import type { Args, Cursor } from "./cursor.js";
import { listingAnswer } from "./listing.js";
import { answerOf, readDownload, type Answer } from "./answer.js";
import { recordDecoder, streamedRecords } from "./record-stream.js";
import type { OperationToolSpec } from "./tool-spec.js";

type Init = Record<string, unknown>;
type Fetcher = (init: Init) => Promise<unknown>;

export interface CallSettings {
  readonly signal?: AbortSignal;
  /** Characters of JSON an answer may have. */
  readonly limit: number;
}

function fetcherOf(client: QualysClient, tool: OperationToolSpec): Fetcher {
  const fn = (client as unknown as Record<string, Record<string, unknown> | undefined>)[tool.module]?.[tool.operation];
  if (typeof fn !== "function") throw new ConfigurationError(`the client has no ${tool.module}.${tool.operation} for tool ${tool.name}`);
  return fn as Fetcher;
}

/** Flat tool arguments → openapi-fetch init (`params.path/query/header`, `body`). */
export function initOf(tool: OperationToolSpec, args: Args): Init {
  const params: Record<string, Record<string, unknown>> = {};
  for (const [place, names] of Object.entries(tool.params)) {
    for (const name of names ?? []) if (args[name] !== undefined) (params[place] ??= {})[name] = args[name];
  }
  return { params, ...(tool.body && args.body !== undefined ? { body: args.body } : {}) };
}

/** openapi-fetch init → flat tool arguments (the inverse of initOf, for cursors). */
export function argsOf(tool: OperationToolSpec, init: Init): Args {
  const params = (init.params ?? {}) as Record<string, Record<string, unknown> | undefined>;
  const args: Args = {};
  for (const [place, names] of Object.entries(tool.params)) {
    for (const name of names ?? []) if (params[place]?.[name] !== undefined) args[name] = params[place]![name];
  }
  if (init.body !== undefined) args.body = init.body;
  return args;
}

function pageItems(spec: PaginationSpec, page: unknown): unknown[] {
  if (spec.style === "lastSeenId") return lastSeenIdItems(spec, page, 1);
  if (spec.style === "qpsLastId") return qpsItems(spec, page, 1, true);
  return itemsOf(spec, page, 1);
}

function pageTotal(spec: PaginationSpec, page: unknown): number | undefined {
  if (spec.style === "pageNumber" || spec.style === "searchAfter") return totalOf(spec, page);
  if (spec.style === "qpsLastId" && spec.count) {
    const n = Number(pick(page, spec.count));
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

/** Thrown by the page function when the walk asks for the page after the first: its request. */
class NextRequest {
  constructor(readonly init: Init) {}
}

async function onePage(tool: OperationToolSpec & { paging: PaginationSpec }, fetcher: Fetcher, start: Args, resume: Cursor | undefined, args: Args, settings: CallSettings): Promise<Answer> {
  let sent: Init | undefined;
  const call = (init: Init) => {
    if (sent) return Promise.reject(new NextRequest(init));
    sent = init;
    return fetcher({ ...init, signal: settings.signal });
  };
  const walk = pageIterator(tool.paging, call, initOf(tool, args));
  const first = await walk.next();
  const notes: string[] = [];
  let next: Init | undefined;
  if (!first.done) {
    try {
      await walk.next();
    } catch (err) {
      if (err instanceof NextRequest) next = err.init;
      // The walk's own checks on the page just read (a short page while the total says more remain…).
      else if (err instanceof PagingError) notes.push(`the listing stops here: ${err.message}`);
      else throw err;
    }
  }
  const page = first.done ? undefined : first.value;
  const skip = resume?.skip ?? 0;
  const items = page === undefined ? [] : pageItems(tool.paging, page);
  const listing = listingAnswer(
    tool.name,
    start,
    {
      items: items.slice(skip),
      total: page === undefined ? undefined : pageTotal(tool.paging, page),
      pageArgs: argsOf(tool, sent ?? initOf(tool, args)),
      nextArgs: next && argsOf(tool, next),
      skipped: skip,
      notes,
    },
    settings.limit,
  );
  return { text: listing.text };
}

export async function callOperation(client: QualysClient, tool: OperationToolSpec, start: Args, resume: Cursor | undefined, args: Args, settings: CallSettings): Promise<Answer> {
  const fetcher = fetcherOf(client, tool);
  if (tool.paging) return onePage(tool as OperationToolSpec & { paging: PaginationSpec }, fetcher, start, resume, args, settings);
  const data = await fetcher({ ...initOf(tool, args), signal: settings.signal });
  if (tool.output === "stream") {
    const decode = recordDecoder(tool.name);
    const body = data as ReadableStream<Uint8Array> | undefined;
    return decode ? streamedRecords(decode, body, { tool: tool.name, operation: tool.operation, start, args, resume, limit: settings.limit }) : readDownload(body ?? null, undefined, settings.limit);
  }
  return answerOf(data, settings.limit);
}

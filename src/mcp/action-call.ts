/**
 * A VM (XML) action as a tool call, through the client's generated action function (form
 * building, auth, the shared scheduler, retries, streaming decode, redaction). Record listings
 * answer one page: the walk is stopped when the runtime reports the end of the first page
 * (`onPage`), before it asks for the next; the next page's request is read from that page the
 * way the runtime reads it (truncation WARNING 1980 and its URL, or QPS hasMoreRecords/lastId).
 * Records are read only until the answer is full, so a huge page is never held whole.
 */
import type { QualysClient } from "../client.js";
import { vmActions, descriptors as vmDescriptors } from "../generated/vm/index.js";
import { ConfigurationError } from "../runtime/errors/configuration-error.js";
import type { VmAction } from "../runtime/vm/module.js";
import type { XmlRoot } from "../runtime/xml/descriptor.js";
import { qpsPagingOf, truncationWarningOf } from "../runtime/xml/paging.js";
import { answerOf, readDownload, type Answer } from "./answer.js";
import type { Args, Cursor } from "./cursor.js";
import { toJson } from "./json-fit.js";
import { listingAnswer } from "./listing.js";
import type { CallSettings } from "./operation-call.js";
import type { ActionToolSpec } from "./tool-spec.js";

/** The XML modules' action tables and descriptors (only `vm` today). */
const XML_MODULES: Record<string, { actions: Record<string, VmAction>; descriptors: Record<string, unknown> }> = {
  vm: { actions: vmActions, descriptors: vmDescriptors },
};

type ActionFn = (params: Args, options: Record<string, unknown>) => unknown;

interface RecordStreamLike extends AsyncIterable<unknown> {
  readonly pages: readonly unknown[];
}

function resolveAction(client: QualysClient, tool: ActionToolSpec): { fn: ActionFn; meta: VmAction; root?: XmlRoot<unknown, unknown> } {
  const module = XML_MODULES[tool.module];
  const meta = module?.actions[tool.operation];
  const fn = (client as unknown as Record<string, Record<string, unknown> | undefined>)[tool.module]?.[tool.operation];
  if (!module || !meta || typeof fn !== "function") throw new ConfigurationError(`the client has no ${tool.module}.${tool.operation} for tool ${tool.name}`);
  const root = meta.descriptor ? (module.descriptors[meta.descriptor] as XmlRoot<unknown, unknown> | undefined) : undefined;
  return { fn: fn as ActionFn, meta, root };
}

/** Thrown from `onPage` to stop the walk at the end of the first page. */
class PageEnd {
  constructor(readonly document: unknown) {}
}

/** The next page's arguments, read from the page just decoded; undefined on the last page. */
function nextArgs(tool: ActionToolSpec, root: XmlRoot<unknown, unknown>, document: unknown, args: Args): Args | undefined {
  if (tool.paging === "truncation") {
    const warning = truncationWarningOf(document, root);
    if (warning?.code !== "1980" || !warning.url) return undefined;
    // The runtime sends the URL's query as the next form to its own configured host; so does the cursor.
    const next = Object.fromEntries(new URL(warning.url).searchParams);
    delete next.action;
    return next;
  }
  if (tool.paging === "qps") {
    const paging = qpsPagingOf(document, root);
    if (!paging.hasMoreRecords || paging.lastId === undefined) return undefined;
    const filters = ((args.filters ?? []) as { field?: unknown; operator?: unknown }[]).filter((f) => !(f.field === "id" && f.operator === "GREATER"));
    return { ...args, filters: [...filters, { field: "id", operator: "GREATER", value: paging.lastId }] };
  }
  return undefined;
}

async function records(tool: ActionToolSpec, fn: ActionFn, root: XmlRoot<unknown, unknown>, start: Args, resume: Cursor | undefined, args: Args, settings: CallSettings): Promise<Answer> {
  const paged = tool.paging !== undefined;
  const stream = fn(args, {
    signal: settings.signal,
    onPage: paged
      ? ({ document }: { document: unknown }) => {
          throw new PageEnd(document);
        }
      : undefined,
  }) as RecordStreamLike;
  const skip = resume?.skip ?? 0;
  const items: unknown[] = [];
  let seen = 0;
  let size = 0;
  let full = false;
  let document: unknown;
  try {
    for await (const record of stream) {
      if (seen++ < skip) continue;
      items.push(record);
      size += toJson(record).length + 1;
      // One record past the limit tells the listing the page goes on; the rest is not read.
      if (size > settings.limit) {
        full = true;
        break;
      }
    }
    document = stream.pages[0];
  } catch (err) {
    if (!(err instanceof PageEnd)) throw err;
    document = err.document;
  }
  const next = !full && document !== undefined && paged ? nextArgs(tool, root, document, args) : undefined;
  const listing = listingAnswer(
    tool.name,
    start,
    {
      items,
      pageArgs: args,
      nextArgs: next,
      skipped: skip,
      resumable: paged,
      extra: document !== undefined && !full ? { document } : undefined,
    },
    settings.limit,
  );
  return { text: listing.text };
}

export async function callAction(client: QualysClient, tool: ActionToolSpec, start: Args, resume: Cursor | undefined, args: Args, settings: CallSettings): Promise<Answer> {
  const { fn, meta, root } = resolveAction(client, tool);
  if (meta.output === "raw") {
    const response = (await fn(args, { signal: settings.signal, as: "response" })) as Response;
    return readDownload(response.body, response.headers.get("content-type"), settings.limit);
  }
  if (!root) throw new ConfigurationError(`no XML descriptor for ${tool.name}`);
  if (meta.output === "document") return answerOf(await fn(args, { signal: settings.signal }), settings.limit);
  return records(tool, fn, root, start, resume, args, settings);
}

/**
 * The WAS kinds (QPS REST 3.0, JSON, verbose), each walked by `id GREATER lastId` as a batch
 * written page by page with the last id as its cursor:
 * - `webapps` (search/was/webapp, pages of 1000) with their tags. Incremental runs walk twice:
 *   `updatedDate GREATER since` (renames, tag changes, new apps) and `lastScan.date GREATER since`
 *   (a scan changes the app's lastScan without, as far as any source shows, its updatedDate).
 * - `findings` (search/was/finding, pages of 300: verbose findings carry their payloads) with
 *   their result/payload rows. Incremental runs walk `lastTestedDate GREATER since`: every scan
 *   that tests a finding moves it, so it catches new findings, ones found again, fixed (a fixed
 *   finding is not detected: lastDetectedDate stays) and re-opened, and ones tested and still
 *   fixed; `updatedDate` alone would miss the last, lastDetectedDate the fixes.
 * Full runs walk everything and mark what they did not see removed. A subscription without WAS
 * answers HTTP 200 `UNAUTHORIZED`: ModuleUnavailableError.
 */
import { wasSinceCriterion, type WasCriterion } from "../../runtime/was/criteria.js";
import { InvalidResponseError } from "../../runtime/errors/invalid-response-error.js";
import { moreFlag } from "../../runtime/paging/flags.js";
import type { Row } from "../rows.js";
import type { BatchPlan, BatchRecord } from "../store.js";
import { DO_NOTHING, type TableOp } from "../table-ops.js";
import { FINDING_COLUMNS, FINDING_RESULT_COLUMNS, findingRows, WEBAPP_COLUMNS, WEBAPP_TAG_COLUMNS, webAppRows } from "../was-rows.js";
import { cursorOf, cursorSize, cursorWrites, moduleRefusal, planCount, requireUrl, type PageWrite } from "./cursor.js";
import type { ExportKindDef, FetchContext, PlanContext } from "./kind.js";

export const WEBAPP_PAGE = 1000;
export const FINDING_PAGE = 300;

type Json = Record<string, unknown>;
type Listing = "webapps" | "findings";

/** The date fields an incremental run walks, one batch each. */
const SINCE_FIELDS: Record<Listing, readonly string[]> = { webapps: ["updatedDate", "lastScan.date"], findings: ["lastTestedDate"] };

const withSeen = (columns: readonly string[]) => [...columns, "first_seen_run", "last_seen_run"];
const upsertClause = (columns: readonly string[], key: string) =>
  `DO UPDATE SET ${columns.filter((c) => c !== key && c !== "first_seen_run").map((c) => `${c} = excluded.${c}`).join(", ")}, removed_at = NULL`;

const WEBAPP_ROW = withSeen(WEBAPP_COLUMNS);
const FINDING_ROW = withSeen(FINDING_COLUMNS);
const WEBAPP_CONFLICT = upsertClause(WEBAPP_ROW, "webapp_id");
const FINDING_CONFLICT = upsertClause(FINDING_ROW, "finding_id");

function criteria(listing: Listing, ctx: { options: { findingCriteria: readonly WasCriterion[] } }, since: { at: string; field: string } | undefined, afterId?: string | null): WasCriterion[] {
  return [
    ...(listing === "findings" ? ctx.options.findingCriteria : []),
    ...(since ? [wasSinceCriterion(listing, since.at, since.field)] : []),
    ...(afterId ? [{ field: "id", operator: "GREATER" as const, value: afterId }] : []),
  ];
}

function request(limit: number, list: readonly WasCriterion[]): { ServiceRequest: Json } {
  return { ServiceRequest: { preferences: { limitResults: limit, verbose: true }, ...(list.length ? { filters: { Criteria: list } } : {}) } };
}

/** The page's records: QPS wraps each in its type (`{"WebApp": {…}}`); a lone record may come unlisted. */
function records(page: unknown, type: string): Json[] {
  const data = (page as { ServiceResponse?: { data?: unknown } })?.ServiceResponse?.data;
  const list = Array.isArray(data) ? data : data && typeof data === "object" ? [data] : [];
  return list.map((item) => ((item as Json)?.[type] ?? item) as Json);
}

function webAppOps(apps: readonly Json[], runId: number): { ops: TableOp[]; records: number } {
  const byId = new Map<unknown, NonNullable<ReturnType<typeof webAppRows>>>();
  for (const a of apps) {
    const rows = webAppRows(a, runId);
    if (!rows) throw new InvalidResponseError(`searchWebApps sent a web app without a numeric id: ${JSON.stringify(a).slice(0, 200)}`, "searchWebApps", undefined);
    byId.set(rows.webapp[0], rows);
  }
  const all = [...byId.values()];
  return {
    records: all.length,
    ops: [
      { op: "delete", table: "was_webapp_tags", column: "webapp_id", type: "bigint", keys: all.map((r) => r.webapp[0] as number) },
      { op: "upsert", table: "was_webapps", columns: WEBAPP_ROW, key: ["webapp_id"], onConflict: WEBAPP_CONFLICT, rows: all.map((r): Row => [...r.webapp, runId, runId]) },
      { op: "upsert", table: "was_webapp_tags", columns: WEBAPP_TAG_COLUMNS, key: ["webapp_id", "seq"], onConflict: DO_NOTHING, rows: all.flatMap((r) => r.tags) },
    ],
  };
}

function findingOps(findings: readonly Json[], runId: number): { ops: TableOp[]; records: number } {
  const byId = new Map<unknown, NonNullable<ReturnType<typeof findingRows>>>();
  for (const f of findings) {
    const rows = findingRows(f, runId);
    if (!rows) throw new InvalidResponseError(`searchFindings sent a finding without a numeric id: ${JSON.stringify(f).slice(0, 200)}`, "searchFindings", undefined);
    byId.set(rows.finding[0], rows);
  }
  const all = [...byId.values()];
  return {
    records: all.length,
    ops: [
      { op: "delete", table: "was_finding_results", column: "finding_id", type: "bigint", keys: all.map((r) => r.finding[0] as number) },
      { op: "upsert", table: "was_findings", columns: FINDING_ROW, key: ["finding_id"], onConflict: FINDING_CONFLICT, rows: all.map((r): Row => [...r.finding, runId, runId]) },
      { op: "upsert", table: "was_finding_results", columns: FINDING_RESULT_COLUMNS, key: ["finding_id", "result_seq", "payload_seq"], onConflict: DO_NOTHING, rows: all.flatMap((r) => r.results) },
    ],
  };
}

const LISTINGS = {
  webapps: { type: "WebApp", page: WEBAPP_PAGE, ops: webAppOps, search: "searchWebApps", count: "countWebApps" },
  findings: { type: "Finding", page: FINDING_PAGE, ops: findingOps, search: "searchFindings", count: "countFindings" },
} as const;

async function plan(listing: Listing, ctx: PlanContext): Promise<BatchPlan[]> {
  requireUrl(ctx.client, "vm", "was");
  const { count } = LISTINGS[listing];
  const since = await ctx.kindSince();
  const walks = since ? SINCE_FIELDS[listing] : [undefined];
  const plans: BatchPlan[] = [];
  for (const [i, field] of walks.entries()) {
    const list = criteria(listing, ctx, field && since ? { at: since, field } : undefined);
    const body = { ServiceRequest: list.length ? { filters: { Criteria: list } } : {} };
    // The first call: a subscription without WAS answers UNAUTHORIZED; the counts drive the progress bar.
    const total = await planCount("was", () => ctx.client.was[count]({ body, signal: ctx.signal } as never), (a) => (a as { ServiceResponse?: { count?: unknown } } | undefined)?.ServiceResponse?.count);
    plans.push({ kind: listing, firstId: i, lastId: i, ids: { ...(total === undefined ? {} : { total }), ...(field && since ? { since, field } : {}) } });
  }
  return plans;
}

function fetch(listing: Listing, ctx: FetchContext, batch: BatchRecord) {
  const { type, page, ops, search } = LISTINGS[listing];
  const { since, field } = cursorOf(batch);
  const body = request(page, criteria(listing, ctx, field && since ? { at: since, field } : undefined, batch.cursor));
  const pages = ctx.client.was[search].pages({ body, signal: ctx.signal } as never) as AsyncIterable<unknown>;
  return cursorWrites(guard(pages), (p): PageWrite => {
    const written = ops(records(p, type), ctx.runId);
    const response = (p as { ServiceResponse?: { hasMoreRecords?: unknown; lastId?: unknown } }).ServiceResponse;
    // No hasMoreRecords: the documented empty answer (count 0 alone); the walk has checked the rest.
    const more = moreFlag(response?.hasMoreRecords) ?? false;
    const lastId = response?.lastId;
    return { ...written, cursor: more && lastId !== undefined && lastId !== null ? String(lastId) : null, more };
  });
}

async function* guard<P>(pages: AsyncIterable<P>): AsyncGenerator<P> {
  try {
    yield* pages;
  } catch (err) {
    throw moduleRefusal("was", err);
  }
}

export const webAppsKind: ExportKindDef = {
  name: "webapps",
  module: "was",
  unit: "web apps",
  hostKeyed: false,
  progressByRecords: true,
  removedTable: () => "was_webapps",
  limitKey: () => "vm:was.searchWebApps",
  plan: (ctx) => plan("webapps", ctx),
  size: cursorSize,
  fetch: (ctx, batch) => fetch("webapps", ctx, batch),
};

export const findingsKind: ExportKindDef = {
  name: "findings",
  module: "was",
  unit: "findings",
  hostKeyed: false,
  progressByRecords: true,
  removedTable: (options) => (options.findingCriteria.length ? undefined : "was_findings"),
  limitKey: () => "vm:was.searchFindings",
  plan: (ctx) => plan("findings", ctx),
  size: cursorSize,
  fetch: (ctx, batch) => fetch("findings", ctx, batch),
};

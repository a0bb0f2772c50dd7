/**
 * The `assets` kind: CSAM assets (POST /rest/2.0/search/am/asset) with every section, walked by
 * `lastSeenAssetId` in pages of 300 (CSAM's most) as one batch written page by page: each page
 * replaces its assets' rows and child rows in one transaction that also records the cursor, so
 * a killed run goes on from the last page written. Incremental runs ask for
 * `asset.lastUpdated GREATER since` (lastModifiedDate: it moves on any change, sensor updates
 * included); full runs ask for everything and mark the assets they did not see removed.
 */
import { csamSinceFilter, type CsamFilter } from "../../runtime/csam/filters.js";
import { ASSET_CHILD_TABLES, ASSET_COLUMNS, assetRows, childColumns, type AssetChildTable } from "../asset-rows.js";
import { InvalidResponseError } from "../../runtime/errors/invalid-response-error.js";
import { moreFlag } from "../../runtime/paging/flags.js";
import type { Row } from "../rows.js";
import type { BatchRecord } from "../store.js";
import { DO_NOTHING, type TableOp } from "../table-ops.js";
import { cursorOf, cursorSize, cursorWrites, moduleRefusal, planCount, requireUrl, type PageWrite } from "./cursor.js";
import type { ExportKindDef, FetchContext } from "./kind.js";

/** CSAM's largest page. */
export const ASSET_PAGE = 300;

type Json = Record<string, unknown>;

const ROW_COLUMNS = [...ASSET_COLUMNS, "first_seen_run", "last_seen_run"];
/** Every column but the key and first_seen_run takes the new value; a returning asset is present again. */
const ON_CONFLICT = `DO UPDATE SET ${ROW_COLUMNS.filter((c) => c !== "asset_id" && c !== "first_seen_run").map((c) => `${c} = excluded.${c}`).join(", ")}, removed_at = NULL`;

function filterBody(filters: readonly CsamFilter[], since: string | undefined): { filters: CsamFilter[]; operation: "AND" } | undefined {
  const all = [...filters, ...(since ? [csamSinceFilter(since, "modified")] : [])];
  return all.length ? { filters: all, operation: "AND" } : undefined;
}

/** A page of assets as the writes of one transaction: their rows and child rows replaced. */
export function assetPageOps(assets: readonly Json[], runId: number): { ops: TableOp[]; records: number } {
  const byId = new Map<unknown, NonNullable<ReturnType<typeof assetRows>>>();
  for (const a of assets) {
    const rows = assetRows(a, runId);
    // An asset without an id has no row to go to: the page is refused rather than written without it.
    if (!rows) throw new InvalidResponseError(`searchAssets sent an asset without a numeric assetId: ${JSON.stringify(a).slice(0, 200)}`, "searchAssets", undefined);
    byId.set(rows.asset[0], rows);
  }
  const all = [...byId.values()];
  const ids = all.map((r) => r.asset[0] as number | string);
  const ops: TableOp[] = ASSET_CHILD_TABLES.map((table) => ({ op: "delete", table, column: "asset_id", type: "bigint", keys: ids }));
  ops.push({ op: "upsert", table: "assets", columns: ROW_COLUMNS, key: ["asset_id"], onConflict: ON_CONFLICT, rows: all.map((r): Row => [...r.asset, runId, runId]) });
  for (const table of ASSET_CHILD_TABLES as AssetChildTable[]) {
    ops.push({ op: "upsert", table, columns: childColumns(table), key: ["asset_id", "seq"], onConflict: DO_NOTHING, rows: all.flatMap((r) => r.children[table]) });
  }
  return { ops, records: all.length };
}

export const assetsKind: ExportKindDef = {
  name: "assets",
  module: "csam",
  unit: "assets",
  hostKeyed: false,
  progressByRecords: true,
  removedTable: (options) => (options.assetFilters.length ? undefined : "assets"),
  limitKey: () => "gateway:csam.searchAssets",
  async plan(ctx) {
    requireUrl(ctx.client, "gateway", "csam");
    const since = await ctx.kindSince();
    const body = filterBody(ctx.options.assetFilters, since);
    // The first call: a subscription without CSAM refuses it (403); its count drives the progress bar.
    const total = await planCount("csam", () => ctx.client.csam.countAssets({ ...(body ? { body } : {}), signal: ctx.signal } as never), (a) => (a as { count?: unknown } | undefined)?.count);
    return [{ kind: "assets", firstId: 0, lastId: 0, ids: { ...(total === undefined ? {} : { total }), ...(since ? { since } : {}) } }];
  },
  size: cursorSize,
  fetch(ctx: FetchContext, batch: BatchRecord) {
    const body = filterBody(ctx.options.assetFilters, cursorOf(batch).since);
    // The cursor as text: sent as the digits it was received as.
    const query = { pageSize: ASSET_PAGE, ...(batch.cursor ? { lastSeenAssetId: batch.cursor } : {}) };
    const pages = ctx.client.csam.searchAssets.pages({ params: { query }, ...(body ? { body } : {}), signal: ctx.signal } as never);
    return cursorWrites(guard(pages), (page): PageWrite => {
      const p = page as { assetListData?: { asset?: unknown }; hasMore?: unknown; lastSeenAssetId?: unknown };
      const list = p.assetListData?.asset;
      const assets = (Array.isArray(list) ? list : list && typeof list === "object" ? [list] : []) as Json[];
      const { ops, records } = assetPageOps(assets, ctx.runId);
      // The walk has checked hasMore is readable (0/1, true/false, "1").
      const more = moreFlag(p.hasMore) ?? false;
      return { ops, records, cursor: p.lastSeenAssetId === undefined || p.lastSeenAssetId === null ? null : String(p.lastSeenAssetId), more };
    });
  },
};

/** A refusal mid-walk (the licence ended) says so, like one at plan time. */
async function* guard<P>(pages: AsyncIterable<P>): AsyncGenerator<P> {
  try {
    yield* pages;
  } catch (err) {
    throw moduleRefusal("csam", err);
  }
}

/**
 * CSAM v2 on the tenant's gateway: search (lastSeenAssetId cursor, pageSize ≤ 300, hasMore 0/1,
 * 204 when nothing is left), count and get. Errors as qualysdk reads CSAM's:
 * `{responseCode: FAILED, responseMessage}` with HTTP 400.
 */
import { assetMatches, assetQuery, CsamRequestError, selectAssets, shapeAsset, type AssetQuery } from "./csam-select.js";
import { ApiError, writeJsonList, type JsonCall, type JsonRoute } from "./json-call.js";

const MAX_PAGE = 300;
const DEFAULT_PAGE = 100;

/**
 * An asset as CSAM sends it: 64-bit software ids, which the model keeps as decimal strings (a JS
 * number cannot hold them), go out as bare JSON numbers.
 */
export const assetJson = (asset: unknown): string => JSON.stringify(asset).replace(/"id":"(\d{16,})"/g, '"id":$1');

const failed = (message: string) => new ApiError(400, { responseCode: "FAILED", responseMessage: message });

function bodyOf(call: JsonCall): unknown {
  const text = call.body.toString("utf8").trim();
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw failed("The request body is not valid JSON");
  }
}

function queryOf(call: JsonCall): AssetQuery {
  try {
    return assetQuery(bodyOf(call), call.query);
  } catch (err) {
    if (err instanceof CsamRequestError) throw failed(err.message);
    throw err;
  }
}

function integer(call: JsonCall, name: string, min: number, max: number, fallback: number): number {
  const text = call.query.get(name);
  if (text === null || text === "") return fallback;
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) throw failed(`Invalid value for ${name}: ${text}${name === "pageSize" ? ` (${min}–${max})` : ""}`);
  return Number(text);
}

const search: JsonRoute = {
  method: "POST",
  pattern: /^\/rest\/2\.0\/search\/am\/asset$/,
  async run(call) {
    const pageSize = integer(call, "pageSize", 1, MAX_PAGE, DEFAULT_PAGE);
    const lastSeen = integer(call, "lastSeenAssetId", 0, Number.MAX_SAFE_INTEGER, 0);
    const query = queryOf(call);
    const page = [];
    let more = false;
    for (const asset of selectAssets(call.model, query, lastSeen)) {
      if (page.length === pageSize) {
        more = true;
        break;
      }
      page.push(asset);
    }
    if (page.length === 0) return call.empty(204);
    const head = `{"responseMessage":"Valid API Access","count":${page.length},"responseCode":"SUCCESS","lastSeenAssetId":${page.at(-1)!.assetId},"hasMore":${more ? 1 : 0},"assetListData":{"asset":[`;
    await writeJsonList(call.open(), head, page, "]}}", assetJson);
  },
};

const count: JsonRoute = {
  method: "POST",
  pattern: /^\/rest\/2\.0\/count\/am\/asset$/,
  async run(call) {
    const lastSeen = integer(call, "lastSeenAssetId", 0, Number.MAX_SAFE_INTEGER, 0);
    const query = queryOf(call);
    let n = 0;
    for (const { asset } of call.model.csam.keysAfter(lastSeen)) if (assetMatches(query, asset())) n += 1;
    const writer = call.open();
    await writer.write(JSON.stringify({ count: n, responseCode: "SUCCESS", responseMessage: "Valid API Access" }));
  },
};

const get: JsonRoute = {
  method: "GET",
  pattern: /^\/rest\/2\.0\/get\/am\/asset$/,
  async run(call) {
    const id = call.query.get("assetId");
    if (!id || !/^\d+$/.test(id)) throw failed(`Invalid value for assetId: ${id ?? "(none)"}`);
    const query = queryOf(call);
    const asset = call.model.csam.asset(Number(id));
    if (!asset) return call.empty(204);
    const head = `{"responseMessage":"Valid API Access","count":1,"responseCode":"SUCCESS","hasMore":0,"assetListData":{"asset":[`;
    await writeJsonList(call.open(), head, [shapeAsset(query, asset)], "]}}", assetJson);
  },
};

export const CSAM_ROUTES: readonly JsonRoute[] = [search, count, get];

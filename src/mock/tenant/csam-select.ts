/**
 * Which CSAM assets a search, count or page selects: the JSON filter body
 * (`{filters:[{field, operator, value}], operation}`), the query's `assetLastUpdated`, and the
 * includeFields / excludeFields sections, as pure functions of the model. The server pages what
 * these select; tests call them for what an export must hold.
 */
import { ASSET_SECTIONS, type CsamAsset } from "./assets.js";
import type { TenantModel } from "./model.js";

export interface CsamFilter {
  readonly field: string;
  readonly operator: string;
  readonly value: string;
}

export interface AssetQuery {
  readonly filters: readonly CsamFilter[];
  readonly operation: "AND" | "OR";
  /** Query `assetLastUpdated`: lastModifiedDate after it. */
  readonly lastUpdatedAfter?: number;
  readonly include?: ReadonlySet<string>;
  readonly exclude?: ReadonlySet<string>;
}

/** A request CSAM refuses: HTTP 400 with `{responseCode: FAILED, responseMessage}`. */
export class CsamRequestError extends Error {}

type Kind = "date" | "number" | "string";
/** Filter tokens the tenant knows, with what each compares (csam-was.md §1.3; x-incremental in specs/csam.yaml). */
const FIELDS: Record<string, { kind: Kind; of: (a: CsamAsset) => string | number | null }> = {
  "asset.lastUpdated": { kind: "date", of: (a) => a.lastModifiedDate },
  "inventory.lastUpdated": { kind: "date", of: (a) => a.sensorLastUpdatedDate },
  "asset.created": { kind: "date", of: (a) => a.createdDate as string },
  "asset.assetID": { kind: "number", of: (a) => a.assetId },
  "asset.hostId": { kind: "number", of: (a) => a.hostId },
  "asset.name": { kind: "string", of: (a) => a.assetName as string },
  "operatingSystem.category1": { kind: "string", of: (a) => (a.operatingSystem as { category1: string }).category1 },
};
const OPERATORS: Record<Kind, readonly string[]> = {
  date: ["EQUALS", "NOT_EQUALS", "GREATER", "LESSER", "GREATER_THAN_EQUAL", "LESS_THAN_EQUAL"],
  number: ["EQUALS", "NOT_EQUALS", "IN", "GREATER", "LESSER", "GREATER_THAN_EQUAL", "LESS_THAN_EQUAL"],
  string: ["EQUALS", "NOT_EQUALS", "IN", "CONTAINS"],
};

export function parseCsamDate(text: string): number {
  const ok = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?Z)?$/.test(text.trim());
  const ms = ok ? Date.parse(text.length === 10 ? `${text}T00:00:00Z` : text) : NaN;
  if (!Number.isFinite(ms)) throw new CsamRequestError(`Invalid date value: ${text}`);
  return ms;
}

/** The filter body (possibly empty) and the query, checked as CSAM would. */
export function assetQuery(body: unknown, query: URLSearchParams = new URLSearchParams()): AssetQuery {
  if (body !== undefined && (body === null || typeof body !== "object" || Array.isArray(body))) throw new CsamRequestError("The request body must be a JSON object with filters");
  const raw = (body ?? {}) as { filters?: unknown; operation?: unknown };
  const list = raw.filters === undefined ? [] : Array.isArray(raw.filters) ? raw.filters : [raw.filters];
  const filters = list.map((f) => {
    const { field, operator, value } = (f ?? {}) as Record<string, unknown>;
    if (typeof field !== "string" || typeof operator !== "string" || (typeof value !== "string" && typeof value !== "number")) throw new CsamRequestError(`Invalid filter: ${JSON.stringify(f)}`);
    const known = FIELDS[field];
    if (!known) throw new CsamRequestError(`Invalid filter field: ${field}`);
    if (!OPERATORS[known.kind].includes(operator)) throw new CsamRequestError(`Operator ${operator} is not supported for field ${field}`);
    if (known.kind === "date") parseCsamDate(String(value));
    if (known.kind === "number" && !String(value).split(",").every((v) => /^\s*\d+\s*$/.test(v))) throw new CsamRequestError(`Invalid value for field ${field}: ${value}`);
    return { field, operator, value: String(value) };
  });
  const operation = raw.operation === undefined ? "AND" : raw.operation;
  if (operation !== "AND" && operation !== "OR") throw new CsamRequestError(`Invalid operation: ${String(operation)}`);
  const sections = (name: string) => {
    const value = query.get(name);
    if (!value) return undefined;
    const set = new Set(value.split(",").map((s) => s.trim()).filter(Boolean));
    for (const s of set) if (!(s in ASSET_SECTIONS)) throw new CsamRequestError(`Invalid ${name} value: ${s}`);
    return set;
  };
  const after = query.get("assetLastUpdated");
  return { filters, operation, lastUpdatedAfter: after ? parseCsamDate(after) : undefined, include: sections("includeFields"), exclude: sections("excludeFields") };
}

function matches(asset: CsamAsset, filter: CsamFilter): boolean {
  const field = FIELDS[filter.field]!;
  const raw = field.of(asset);
  if (raw === null) return filter.operator === "NOT_EQUALS";
  if (field.kind === "string") {
    const have = String(raw).toLowerCase();
    const want = filter.value.toLowerCase();
    if (filter.operator === "CONTAINS") return have.includes(want);
    if (filter.operator === "IN") return want.split(",").map((v) => v.trim()).includes(have);
    return filter.operator === "EQUALS" ? have === want : have !== want;
  }
  const have = field.kind === "date" ? Date.parse(String(raw)) : Number(raw);
  if (filter.operator === "IN") return filter.value.split(",").map(Number).includes(have);
  const want = field.kind === "date" ? parseCsamDate(filter.value) : Number(filter.value);
  switch (filter.operator) {
    case "EQUALS":
      return have === want;
    case "NOT_EQUALS":
      return have !== want;
    case "GREATER":
      return have > want;
    case "LESSER":
      return have < want;
    case "GREATER_THAN_EQUAL":
      return have >= want;
    default:
      return have <= want;
  }
}

export function assetMatches(query: AssetQuery, asset: CsamAsset): boolean {
  if (query.lastUpdatedAfter !== undefined && !(Date.parse(asset.lastModifiedDate) > query.lastUpdatedAfter)) return false;
  if (query.filters.length === 0) return true;
  return query.operation === "AND" ? query.filters.every((f) => matches(asset, f)) : query.filters.some((f) => matches(asset, f));
}

/** The asset with only the sections the query asks for (includeFields wins over excludeFields). */
export function shapeAsset(query: AssetQuery, asset: CsamAsset): CsamAsset {
  if (!query.include && !query.exclude) return asset;
  const out: Record<string, unknown> = { ...asset };
  for (const [section, key] of Object.entries(ASSET_SECTIONS)) {
    const keep = query.include ? query.include.has(section) : !query.exclude!.has(section);
    if (!keep) delete out[key];
  }
  return out as CsamAsset;
}

/** Matching assets after `lastSeenAssetId`, ascending id, shaped: what a search walk returns. */
export function* selectAssets(model: TenantModel, query: AssetQuery, lastSeenAssetId = 0): Generator<CsamAsset> {
  for (const { asset } of model.csam.keysAfter(lastSeenAssetId)) {
    const record = asset();
    if (assetMatches(query, record)) yield shapeAsset(query, record);
  }
}

/** Every asset a search with this body and query returns over all its pages. */
export function expectedAssets(model: TenantModel, body?: unknown, query: Record<string, string> = {}): CsamAsset[] {
  return [...selectAssets(model, assetQuery(body, new URLSearchParams(query)))];
}

/**
 * Which hosts, detections and QIDs a request selects, as pure functions of the model and the
 * request parameters. The server streams what these yield; tests call them to know what an
 * export must contain.
 */
import type { DetectionStatus, DetectionType, TenantDetection } from "./detections.js";
import type { KbVuln } from "./kb.js";
import type { TenantHost, TenantHostRecord, TenantModel } from "./model.js";
import { checkKnown, inRanges, optional, parseChoices, parseDate, parseFlag, parseIds, parseInteger, ParamError, type IdRanges } from "./params.js";

export interface HostFilter {
  readonly ids?: IdRanges;
  readonly idMin?: number;
  readonly idMax?: number;
  /** LAST_SCAN_DATETIME >= vmProcessedAfter, < vmProcessedBefore. */
  readonly vmProcessedAfter?: number;
  readonly vmProcessedBefore?: number;
}

export interface DetectionQuery extends HostFilter {
  readonly status: ReadonlySet<DetectionStatus>;
  readonly severities?: ReadonlySet<number>;
  readonly qids?: IdRanges;
  readonly types: ReadonlySet<DetectionType>;
  /** LAST_UPDATE_DATETIME >= since, < before. */
  readonly detectionUpdatedSince?: number;
  readonly detectionUpdatedBefore?: number;
  readonly truncationLimit: number;
  readonly showResults: boolean;
  readonly showQds: boolean;
  readonly showQdsFactors: boolean;
  readonly showAssetId: boolean;
  /** `host_metadata` (all, ec2, azure, google, alicloud): which cloud metadata to show. */
  readonly hostMetadata?: string;
}

export type HostDetails = "None" | "Basic" | "All";

export interface HostListQuery extends HostFilter {
  readonly details: HostDetails;
  readonly truncationLimit: number;
  readonly showAssetId: boolean;
}

export interface KbQuery {
  readonly ids?: IdRanges;
  readonly idMin?: number;
  readonly idMax?: number;
  readonly lastModifiedAfter?: number;
  readonly lastModifiedBefore?: number;
  readonly publishedAfter?: number;
  readonly details: HostDetails;
  readonly isPatchable?: boolean;
}

export type Params = URLSearchParams | Record<string, string | number>;
const toParams = (p: Params) => (p instanceof URLSearchParams ? p : new URLSearchParams(Object.entries(p).map(([k, v]) => [k, String(v)])));

const HOST_FILTER = ["ids", "id_min", "id_max", "vm_processed_after", "vm_processed_before"];
const HLD_KNOWN = new Set(["action", "echo_request", "truncation_limit", "status", "severities", "qids", "include_vuln_type", "show_igs", "detection_updated_since", "detection_updated_before", "show_results", "show_qds", "show_qds_factors", "show_asset_id", "output_format", "host_metadata", ...HOST_FILTER]);
const HOST_LIST_KNOWN = new Set(["action", "echo_request", "details", "truncation_limit", "show_asset_id", ...HOST_FILTER]);
const KB_KNOWN = new Set(["action", "echo_request", "details", "ids", "id_min", "id_max", "last_modified_after", "last_modified_before", "last_modified_by_service_after", "published_after", "is_patchable"]);

function hostFilter(params: URLSearchParams): HostFilter {
  return {
    ids: optional(params, "ids", parseIds),
    idMin: optional(params, "id_min", (n, v) => parseInteger(n, v, 1)),
    idMax: optional(params, "id_max", (n, v) => parseInteger(n, v, 1)),
    vmProcessedAfter: optional(params, "vm_processed_after", parseDate),
    vmProcessedBefore: optional(params, "vm_processed_before", parseDate),
  };
}

export function detectionQuery(input: Params): DetectionQuery {
  const params = toParams(input);
  checkKnown(params, HLD_KNOWN);
  const format = params.get("output_format");
  if (format && format.toUpperCase() !== "XML") throw new ParamError("1905", `parameter output_format has invalid value: ${format} (the tenant serves XML only)`);
  const vulnTypes = optional(params, "include_vuln_type", (n, v) => parseChoices(n, v, ["confirmed", "potential"] as const));
  const types = new Set<DetectionType>();
  if (!vulnTypes || vulnTypes.has("confirmed")) types.add("Confirmed");
  if (!vulnTypes || vulnTypes.has("potential")) types.add("Potential");
  if (parseFlag("show_igs", params.get("show_igs"), false)) types.add("Info");
  const severities = optional(params, "severities", (n, v) => new Set(parseIds(n, v).flatMap(([a, b]) => Array.from({ length: b - a + 1 }, (_, i) => a + i))));
  if (severities && [...severities].some((s) => s > 5)) throw new ParamError("1905", `parameter severities has invalid value: ${params.get("severities")}`);
  return {
    ...hostFilter(params),
    // Qualys's default: Fixed detections only when asked for.
    status: optional(params, "status", (n, v) => parseChoices(n, v, ["New", "Active", "Fixed", "Re-Opened"] as const)) ?? new Set(["New", "Active", "Re-Opened"] as const),
    severities,
    qids: optional(params, "qids", parseIds),
    types,
    detectionUpdatedSince: optional(params, "detection_updated_since", parseDate),
    detectionUpdatedBefore: optional(params, "detection_updated_before", parseDate),
    truncationLimit: optional(params, "truncation_limit", (n, v) => parseInteger(n, v, 0)) ?? 1000,
    showResults: parseFlag("show_results", params.get("show_results"), true),
    showQds: parseFlag("show_qds", params.get("show_qds"), false),
    showQdsFactors: parseFlag("show_qds_factors", params.get("show_qds_factors"), false),
    showAssetId: parseFlag("show_asset_id", params.get("show_asset_id"), false),
    hostMetadata: optional(params, "host_metadata", (n, v) => [...parseChoices(n, v, ["all", "ec2", "azure", "google", "alicloud"] as const)][0]),
  };
}

export function hostListQuery(input: Params): HostListQuery {
  const params = toParams(input);
  checkKnown(params, HOST_LIST_KNOWN);
  return {
    ...hostFilter(params),
    details: details(params, "Basic"),
    truncationLimit: optional(params, "truncation_limit", (n, v) => parseInteger(n, v, 0)) ?? 1000,
    showAssetId: parseFlag("show_asset_id", params.get("show_asset_id"), false),
  };
}

export function kbQuery(input: Params): KbQuery {
  const params = toParams(input);
  checkKnown(params, KB_KNOWN);
  return {
    ids: optional(params, "ids", parseIds),
    idMin: optional(params, "id_min", (n, v) => parseInteger(n, v, 1)),
    idMax: optional(params, "id_max", (n, v) => parseInteger(n, v, 1)),
    lastModifiedAfter: optional(params, "last_modified_after", parseDate) ?? optional(params, "last_modified_by_service_after", parseDate),
    lastModifiedBefore: optional(params, "last_modified_before", parseDate),
    publishedAfter: optional(params, "published_after", parseDate),
    details: details(params, "Basic"),
    isPatchable: params.has("is_patchable") ? parseFlag("is_patchable", params.get("is_patchable"), false) : undefined,
  };
}

function details(params: URLSearchParams, fallback: HostDetails): HostDetails {
  const value = params.get("details");
  if (value === null || value === "") return fallback;
  // "Basic/AGs" and "All/AGs" add asset groups, which the tenant has none of.
  const base = value.replace(/\/AGs$/i, "");
  const match = (["None", "Basic", "All"] as const).find((d) => d.toLowerCase() === base.toLowerCase());
  if (!match) throw new ParamError("1905", `parameter details has invalid value: ${value}`);
  return match;
}

/** Live host IDs the host filter admits, ascending (no per-host data needed). */
export function* filteredHostIds(model: TenantModel, filter: HostFilter): Generator<number> {
  const ids = model.hostIds();
  const lower = Math.max(filter.idMin ?? 0, filter.ids?.[0]?.[0] ?? 0);
  let i = lowerBound(ids, lower);
  for (; i < ids.length; i++) {
    const id = ids[i]!;
    if (filter.idMax !== undefined && id > filter.idMax) return;
    if (filter.ids && !inRanges(filter.ids, id)) continue;
    yield id;
  }
}

function processedMatches(filter: HostFilter, processed: number): boolean {
  return (filter.vmProcessedAfter === undefined || processed >= filter.vmProcessedAfter) && (filter.vmProcessedBefore === undefined || processed < filter.vmProcessedBefore);
}

export function detectionMatches(query: DetectionQuery, d: TenantDetection): boolean {
  return (
    query.status.has(d.status) &&
    query.types.has(d.type) &&
    (!query.severities || query.severities.has(d.severity)) &&
    (!query.qids || inRanges(query.qids, d.qid)) &&
    (query.detectionUpdatedSince === undefined || d.lastUpdate >= query.detectionUpdatedSince) &&
    (query.detectionUpdatedBefore === undefined || d.lastUpdate < query.detectionUpdatedBefore)
  );
}

/** Hosts with their matching detections, ascending ID, skipping hosts left with none (as Qualys does). No truncation. */
export function* selectHostDetections(model: TenantModel, query: DetectionQuery): Generator<TenantHostRecord> {
  for (const id of filteredHostIds(model, query)) {
    const record = model.record(id)!;
    if (!processedMatches(query, record.host.lastProcessed)) continue;
    const detections = record.detections.filter((d) => detectionMatches(query, d));
    if (detections.length) yield { host: record.host, detections };
  }
}

/** Hosts of the host list (detections not looked at), ascending ID. No truncation. */
export function* selectHosts(model: TenantModel, query: HostFilter): Generator<TenantHostRecord> {
  for (const id of filteredHostIds(model, query)) {
    const record = model.record(id)!;
    if (processedMatches(query, record.host.lastProcessed)) yield record;
  }
}

export function selectVulns(model: TenantModel, query: KbQuery): KbVuln[] {
  return model.vulns().filter(
    (v) =>
      (!query.ids || inRanges(query.ids, v.qid)) &&
      (query.idMin === undefined || v.qid >= query.idMin) &&
      (query.idMax === undefined || v.qid <= query.idMax) &&
      (query.lastModifiedAfter === undefined || v.lastServiceModification >= query.lastModifiedAfter) &&
      (query.lastModifiedBefore === undefined || v.lastServiceModification < query.lastModifiedBefore) &&
      (query.publishedAfter === undefined || v.published >= query.publishedAfter) &&
      (query.isPatchable === undefined || v.patchable === query.isPatchable),
  );
}

/** What a host detection list request returns over all its pages: every host with its matching detections. */
export function expectedHostDetections(model: TenantModel, params: Params = {}): TenantHostRecord[] {
  return [...selectHostDetections(model, detectionQuery(params))];
}

/** What a host list request returns over all its pages. */
export function expectedHosts(model: TenantModel, params: Params = {}): TenantHost[] {
  return [...selectHosts(model, hostListQuery(params))].map((r) => r.host);
}

/** What a KnowledgeBase request returns. */
export function expectedVulns(model: TenantModel, params: Params = {}): KbVuln[] {
  return selectVulns(model, kbQuery(params));
}

function lowerBound(sorted: readonly number[], value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The export's options: defaults, checks (a ConfigurationError naming the bad one), filter splitting. */
import type { components } from "../generated/vm/types.js";
import { parseCsamFilter, type CsamFilter } from "../runtime/csam/filters.js";
import { ConfigurationError } from "../runtime/errors/configuration-error.js";
import type { WasCriterion } from "../runtime/was/criteria.js";

type HldParams = components["schemas"]["HostDetectionListParams"];

/** Detection filters `qualys vm detections` takes (everything of the HLD but paging and ids). */
export type ExportFilters = Omit<Partial<HldParams>, "action" | "ids" | "id_min" | "id_max" | "truncation_limit" | "output_format" | "echo_request">;

/** What `qualys export` can write: see kinds/. */
export type ExportKind = "hosts" | "detections" | "kb" | "posture" | "assets" | "webapps" | "findings";
export const KINDS: readonly ExportKind[] = ["hosts", "detections", "kb", "posture", "assets", "webapps", "findings"];

/** WAS finding statuses (verbose search); information-gathered findings have none. */
export const FINDING_STATUSES = ["NEW", "ACTIVE", "REOPENED", "PROTECTED", "FIXED"] as const;

/** What the CSAM and WAS searches filter on server-side, as the export takes it. */
export interface ModuleFilters {
  /** CSAM search filters (`FIELD:OPERATOR:VALUE` text or objects), ANDed; a full run then marks no asset removed. */
  readonly assets?: readonly (CsamFilter | string)[];
  /** WAS finding statuses (`status IN`); a full run then marks no finding removed. */
  readonly findingStatus?: readonly string[] | string;
  /** WAS finding severities 1–5 (`severity IN`; "4-5" or "4,5" text too). */
  readonly findingSeverities?: readonly number[] | string;
}

/** Filters that select hosts: they go to the host id list and the host list too. */
export const HOST_FILTER_KEYS = [
  "ips", "ipv6", "ag_ids", "ag_titles", "network_ids", "os_pattern", "vm_scan_since", "no_vm_scan_since", "vm_scan_date_after", "vm_scan_date_before",
  "vm_auth_scan_date_after", "vm_auth_scan_date_before", "compliance_enabled", "use_tags", "tag_set_by", "tag_include_selector", "tag_exclude_selector",
  "tag_set_include", "tag_set_exclude",
] as const;

export const BATCH_SIZE = { min: 100, max: 2000, default: 1000 } as const;
export const DEFAULT_CONCURRENCY = 4;
/**
 * Hosts per PC posture batch (one postureInfo call naming every policy of those hosts). The most
 * one call may name is undocumented; QualysETL sends 250, the Splunk TA 5000 (pc-posture.md §1).
 */
export const POSTURE_BATCH_SIZE = { min: 10, max: 5000, default: 250 } as const;
export const DEFAULT_ATTEMPTS = 3;
/** Incremental runs look back this far before the last successful run's start: clock skew and late processing. */
export const DEFAULT_SINCE_MARGIN_MS = 3600_000;

export interface ResolvedOptions {
  readonly what: readonly ExportKind[];
  /** Whether `what` was left to the default (every kind): then a module the subscription lacks is skipped, not an error. */
  readonly whatDefaulted: boolean;
  readonly batchSize: number;
  readonly concurrency: number;
  readonly attempts: number;
  readonly filters: ExportFilters;
  /** CSAM search filters (empty: every asset). */
  readonly assetFilters: readonly CsamFilter[];
  /** WAS finding criteria besides paging and since (empty: every finding). */
  readonly findingCriteria: readonly WasCriterion[];
  readonly since: string | undefined;
  readonly full: boolean;
  /** Hosts per PC posture batch. */
  readonly postureBatchSize: number;
  /** PC posture with its evidence (pc_posture_evidence); off by default: evidence is large. */
  readonly postureEvidence: boolean;
}

/**
 * Every detection status unless the caller filters: Qualys leaves Fixed out by default, and an
 * export without it could neither tell time to fix nor see a detection close in an incremental run.
 */
export const ALL_STATUSES = "New,Active,Re-Opened,Fixed";

export function resolveOptions(o: {
  what?: readonly string[];
  batchSize?: number;
  concurrency?: number;
  attempts?: number;
  filters?: ExportFilters;
  moduleFilters?: ModuleFilters;
  since?: Date | string;
  full?: boolean;
  postureBatchSize?: number;
  postureEvidence?: boolean;
}): ResolvedOptions {
  const what = [...new Set(o.what ?? KINDS)];
  for (const w of what) if (!KINDS.includes(w as ExportKind)) throw new ConfigurationError(`what: "${w}" is not one of ${KINDS.join(", ")}`);
  if (!what.length) throw new ConfigurationError(`what: name at least one of ${KINDS.join(", ")}`);
  const batchSize = o.batchSize ?? BATCH_SIZE.default;
  if (!Number.isInteger(batchSize) || batchSize < BATCH_SIZE.min || batchSize > BATCH_SIZE.max) {
    throw new ConfigurationError(`batchSize ${batchSize}: give a whole number of host ids from ${BATCH_SIZE.min} to ${BATCH_SIZE.max}`);
  }
  const concurrency = o.concurrency ?? DEFAULT_CONCURRENCY;
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) throw new ConfigurationError(`concurrency ${concurrency}: give a whole number from 1 to 64`);
  const attempts = o.attempts ?? DEFAULT_ATTEMPTS;
  if (!Number.isInteger(attempts) || attempts < 1) throw new ConfigurationError(`attempts ${attempts}: give a whole number of at least 1`);
  if (o.full && o.since !== undefined) throw new ConfigurationError("give --since or --full, not both");
  const postureBatchSize = o.postureBatchSize ?? POSTURE_BATCH_SIZE.default;
  if (!Number.isInteger(postureBatchSize) || postureBatchSize < POSTURE_BATCH_SIZE.min || postureBatchSize > POSTURE_BATCH_SIZE.max) {
    throw new ConfigurationError(`postureBatchSize ${postureBatchSize}: give a whole number of hosts from ${POSTURE_BATCH_SIZE.min} to ${POSTURE_BATCH_SIZE.max}`);
  }
  return {
    what: KINDS.filter((k) => what.includes(k)), whatDefaulted: o.what === undefined, batchSize, concurrency, attempts, filters: { status: ALL_STATUSES, ...(o.filters ?? {}) },
    assetFilters: assetFilters(o.moduleFilters?.assets), findingCriteria: findingCriteria(o.moduleFilters),
    since: o.since === undefined ? undefined : qualysTime(o.since), full: Boolean(o.full), postureBatchSize, postureEvidence: Boolean(o.postureEvidence),
  };
}

function assetFilters(given: readonly (CsamFilter | string)[] | undefined): CsamFilter[] {
  return (given ?? []).map((f) => {
    try {
      return typeof f === "string" ? parseCsamFilter(f) : parseCsamFilter(`${f.field}:${f.operator}:${f.value}`);
    } catch (err) {
      throw new ConfigurationError(`asset filter ${JSON.stringify(f)}: ${(err as Error).message}`);
    }
  });
}

const listOf = (v: readonly (string | number)[] | string | undefined): string[] =>
  v === undefined ? [] : (typeof v === "string" ? v.split(",") : v.map(String)).map((s) => s.trim()).filter(Boolean);

function findingCriteria(f: ModuleFilters | undefined): WasCriterion[] {
  const out: WasCriterion[] = [];
  const statuses = listOf(f?.findingStatus).map((s) => s.toUpperCase());
  for (const s of statuses) if (!(FINDING_STATUSES as readonly string[]).includes(s)) throw new ConfigurationError(`finding status "${s}" is not one of ${FINDING_STATUSES.join(", ")}`);
  if (statuses.length) out.push({ field: "status", operator: "IN", value: [...new Set(statuses)].join(",") });
  const severities = new Set<number>();
  for (const item of listOf(f?.findingSeverities)) {
    const m = /^([1-5])(?:-([1-5]))?$/.exec(item);
    if (!m || Number(m[2] ?? m[1]) < Number(m[1])) throw new ConfigurationError(`finding severity "${item}": give 1 to 5, or a range such as 4-5`);
    for (let v = Number(m[1]); v <= Number(m[2] ?? m[1]); v++) severities.add(v);
  }
  if (severities.size) out.push({ field: "severity", operator: "IN", value: [...severities].sort().join(",") });
  return out;
}

/**
 * The settings that shape a run's plan, as JSON: a run is joined or resumed only with the same.
 * The CSAM and WAS filters are named only when given, so a run planned before they existed still matches.
 */
export function planShape(o: ResolvedOptions): string {
  return JSON.stringify({
    filters: o.filters, batchSize: o.batchSize,
    ...(o.assetFilters.length ? { assetFilters: o.assetFilters } : {}),
    ...(o.findingCriteria.length ? { findingCriteria: o.findingCriteria } : {}),
    ...(o.what.includes("posture") ? { posture: { batchSize: o.postureBatchSize, evidence: o.postureEvidence } } : {}),
  });
}

/** A Date or date text as Qualys takes it: YYYY-MM-DDTHH:MM:SSZ. */
export function qualysTime(value: Date | string): string {
  const date = value instanceof Date ? value : /^\d{4}-\d{2}-\d{2}$/.test(value) ? new Date(`${value}T00:00:00Z`) : new Date(value);
  if (Number.isNaN(date.getTime())) throw new ConfigurationError(`since: "${String(value)}" is not a date (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ)`);
  return `${date.toISOString().slice(0, 19)}Z`;
}

export function hostFilters(filters: ExportFilters): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of HOST_FILTER_KEYS) if ((filters as Record<string, unknown>)[key] !== undefined) out[key] = (filters as Record<string, unknown>)[key];
  return out;
}

export function hasHostFilters(filters: ExportFilters): boolean {
  return Object.keys(hostFilters(filters)).length > 0;
}

/**
 * Decoded Qualys records → positional rows for the export tables, the same for both databases:
 * times as ISO-8601 UTC text, booleans as 0/1 (SQLite stores them so, PostgreSQL reads them as
 * boolean input), every field without a column kept in `extra` as JSON so nothing is lost. Pure
 * functions: they run in the decode workers and in-process alike.
 */
import type { DetectionHost, Host, Vuln } from "../generated/vm/index.js";

export type Cell = string | number | null;
export type Row = Cell[];

export const HOST_COLUMNS = [
  "host_id", "asset_id", "ip", "ipv6", "tracking_method", "network_id", "dns", "netbios", "os", "qg_hostid",
  "last_scan_datetime", "last_vm_scanned_date", "last_vm_scanned_duration", "last_vm_auth_scanned_date", "last_pc_scanned_date", "extra",
] as const;

export const DETECTION_COLUMNS = [
  "host_id", "qid", "port", "protocol", "fqdn", "ssl", "unique_vuln_id", "type", "severity", "status",
  "first_found_datetime", "last_found_datetime", "last_test_datetime", "last_update_datetime", "last_fixed_datetime", "last_processed_datetime",
  "times_found", "is_ignored", "is_disabled", "qds", "results", "run_id",
  "latest_detection_source", "detection_sources", "mitre_tactic_id", "mitre_tactic_name", "mitre_technique_id", "mitre_technique_name", "trurisk_elimination_status",
  "extra",
] as const;

/** detection_cves: the detection's key and one CVE id. */
export const DETECTION_CVE_COLUMNS = ["host_id", "qid", "port", "protocol", "fqdn", "ssl", "cve_id"] as const;

export const KB_COLUMNS = [
  "qid", "vuln_type", "severity_level", "title", "category", "patchable", "published_datetime", "last_service_modification_datetime",
  "cvss_base", "cvss3_base", "diagnosis", "consequence", "solution", "run_id", "patch_published_datetime", "extra",
] as const;

/** kb_cves, kb_vendor_refs, kb_bugtraqs: (qid, id, url). */
export const KB_CHILD_COLUMNS = {
  kb_cves: ["qid", "cve_id", "url"],
  kb_vendor_refs: ["qid", "ref_id", "url"],
  kb_bugtraqs: ["qid", "bugtraq_id", "url"],
} as const;
export type KbChildTable = keyof typeof KB_CHILD_COLUMNS;

/** Rows decoded from part of one answer. `hostIds`: hosts the part covered (HLD hosts, host list hosts). */
export interface RowChunk {
  hosts: Row[];
  detections: Row[];
  detectionCves: Row[];
  kb: Row[];
  kbChildren: Record<KbChildTable, Row[]>;
  /** Records (hosts or QIDs) in the chunk. */
  records: number;
}

export function emptyChunk(): RowChunk {
  return { hosts: [], detections: [], detectionCves: [], kb: [], kbChildren: { kb_cves: [], kb_vendor_refs: [], kb_bugtraqs: [] }, records: 0 };
}

export function time(value: unknown): string | null {
  if (value instanceof Date) {
    const iso = value.toISOString();
    return iso.endsWith(".000Z") ? `${iso.slice(0, 19)}Z` : iso;
  }
  return typeof value === "string" && value ? value : null;
}

const text = (v: unknown): string | null => (v === undefined || v === null ? null : typeof v === "string" ? v : typeof v === "object" ? JSON.stringify(v) : String(v));
const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : typeof v === "string" && v.trim() !== "" && Number.isFinite(Number(v)) ? Number(v) : null);
const bool = (v: unknown): number | null => (v === true ? 1 : v === false ? 0 : null);

/** The record's fields not in `used`, as JSON (null when none are left). */
function extraOf(record: object, used: ReadonlySet<string>, add?: Record<string, unknown>): string | null {
  let rest: Record<string, unknown> | undefined;
  for (const [key, value] of Object.entries(record)) {
    if (used.has(key) || value === undefined) continue;
    (rest ??= {})[key] = value;
  }
  if (add) for (const [key, value] of Object.entries(add)) if (value !== undefined) (rest ??= {})[key] = value;
  // A replacer sees a Date after its toJSON has run: look at the holder's own value instead.
  return rest ? JSON.stringify(rest, function (this: Record<string, unknown>, key: string, value: unknown) {
    const raw = this[key];
    return raw instanceof Date ? time(raw) : value;
  }) : null;
}

const HLD_HOST_USED = new Set(["id", "assetId", "ip", "ipv6", "trackingMethod", "networkId", "dns", "netbios", "os", "qgHostid", "lastScanDatetime", "lastVmScannedDate", "lastVmScannedDuration", "lastVmAuthScannedDate", "lastPcScannedDate", "detectionList"]);
const LIST_HOST_USED = new Set(["id", "assetId", "ip", "ipv6", "trackingMethod", "networkId", "dns", "netbios", "os", "qgHostid", "lastVulnScanDatetime", "lastVmScannedDate", "lastVmScannedDuration", "lastVmAuthScannedDate", "lastComplianceScanDatetime"]);

/** A host of the host list (details=All): the full host row. */
export function hostRow(host: Host): Row {
  return [
    host.id ?? null, host.assetId ?? null, text(host.ip), text(host.ipv6), text(host.trackingMethod), host.networkId ?? null, text(host.dns), text(host.netbios), text(host.os), text(host.qgHostid),
    time(host.lastVulnScanDatetime), time(host.lastVmScannedDate), host.lastVmScannedDuration ?? null, time(host.lastVmAuthScannedDate), time(host.lastComplianceScanDatetime),
    extraOf(host, LIST_HOST_USED),
  ];
}

/**
 * A host as the detection answer describes it: the same columns, `extra` with what the HLD adds.
 * Written so it fills in hosts the host list has not (yet) described, never overwriting its data with nulls.
 */
export function detectionHostRow(host: DetectionHost): Row {
  return [
    host.id ?? null, host.assetId ?? null, text(host.ip), text(host.ipv6), text(host.trackingMethod), host.networkId ?? null, text(host.dns), text(host.netbios), text(host.os), text(host.qgHostid),
    time(host.lastScanDatetime), time(host.lastVmScannedDate), host.lastVmScannedDuration ?? null, time(host.lastVmAuthScannedDate), time(host.lastPcScannedDate),
    extraOf(host, HLD_HOST_USED),
  ];
}

const DETECTION_USED = new Set([
  "qid", "port", "protocol", "fqdn", "ssl", "uniqueVulnId", "type", "severity", "status", "firstFoundDatetime", "lastFoundDatetime", "lastTestDatetime",
  "lastUpdateDatetime", "lastFixedDatetime", "lastProcessedDatetime", "timesFound", "isIgnored", "isDisabled", "qds", "results",
  "latestVulnerabilityDetectionSource", "vulnerabilityDetectionSources", "mitreTacticId", "mitreTacticName", "mitreTechniqueId", "mitreTechniqueName",
  "truriskEliminationStatus", "cve",
]);

/**
 * HLD 5.0 elements whose repetition Qualys has not published (api-versions.md §2.4): one value, or
 * several joined by ", " in the order sent; a nested shape is kept whole as JSON.
 */
function joined(v: unknown): string | null {
  if (v === undefined || v === null) return null;
  if (Array.isArray(v)) {
    const parts = v.map(joined).filter((p): p is string => p !== null && p !== "");
    return parts.length ? parts.join(", ") : null;
  }
  return text(v);
}

/** CVE ids of an HLD 5.0 detection, whatever the element's shape turns out to be (text, list, {id}). */
function cveIds(v: unknown, out: Set<string> = new Set()): Set<string> {
  if (typeof v === "string") {
    for (const part of v.split(/[\s,]+/)) if (part) out.add(part);
  } else if (Array.isArray(v)) for (const item of v) cveIds(item, out);
  else if (v && typeof v === "object") for (const item of Object.values(v)) cveIds(item, out);
  return out;
}

export function detectionRows(host: DetectionHost, runId: number, cves?: Row[]): Row[] {
  const rows: Row[] = [];
  for (const d of host.detectionList ?? []) {
    const qds = d.qds as { value?: number; severity?: string } | undefined;
    const qdsRest = qds && (qds.severity !== undefined || Object.keys(qds).some((k) => k !== "value")) ? { ...qds, value: undefined } : undefined;
    const v5 = d as Record<string, unknown>;
    const key: Row = [host.id ?? null, d.qid ?? null, d.port ?? 0, d.protocol ?? "", d.fqdn ?? "", d.ssl ? 1 : 0];
    rows.push([
      ...key, d.uniqueVulnId ?? null, text(d.type), d.severity ?? null, text(d.status),
      time(d.firstFoundDatetime), time(d.lastFoundDatetime), time(d.lastTestDatetime), time(d.lastUpdateDatetime), time(d.lastFixedDatetime), time(d.lastProcessedDatetime),
      d.timesFound ?? null, bool(d.isIgnored), bool(d.isDisabled), qds?.value ?? null, text(d.results), runId,
      joined(v5.latestVulnerabilityDetectionSource), joined(v5.vulnerabilityDetectionSources), joined(v5.mitreTacticId), joined(v5.mitreTacticName),
      joined(v5.mitreTechniqueId), joined(v5.mitreTechniqueName), joined(v5.truriskEliminationStatus),
      extraOf(d, DETECTION_USED, qdsRest ? { qds: qdsRest } : undefined),
    ]);
    if (cves && v5.cve !== undefined) for (const cve of cveIds(v5.cve)) cves.push([...key, cve]);
  }
  return rows;
}

// cvss and cvssV3 keep their whole object in extra: only the base score has a column.
const KB_USED = new Set([
  "qid", "vulnType", "severityLevel", "title", "category", "patchable", "publishedDatetime", "lastServiceModificationDatetime", "diagnosis", "consequence", "solution",
  "cveList", "vendorReferenceList", "bugtraqList", "patchPublishedDate",
]);

export function kbRow(v: Vuln, runId: number): Row {
  return [
    v.qid ?? null, text(v.vulnType), v.severityLevel ?? null, text(v.title), text(v.category), bool(v.patchable), time(v.publishedDatetime), time(v.lastServiceModificationDatetime),
    num(v.cvss?.base?.value), num(v.cvssV3?.base?.value), text(v.diagnosis), text(v.consequence), text(v.solution), runId,
    time((v as Record<string, unknown>).patchPublishedDate), extraOf(v, KB_USED),
  ];
}

/** CVEs, vendor references and Bugtraq ids of a QID; duplicates (same id twice) kept once. */
export function kbChildRows(v: Vuln): Record<KbChildTable, Row[]> {
  const of = (list: readonly { id?: string; url?: string }[] | undefined): Row[] => {
    const seen = new Map<string, Row>();
    for (const item of list ?? []) if (item.id && !seen.has(item.id)) seen.set(item.id, [v.qid ?? null, item.id, text(item.url)]);
    return [...seen.values()];
  };
  return { kb_cves: of(v.cveList), kb_vendor_refs: of(v.vendorReferenceList), kb_bugtraqs: of(v.bugtraqList) };
}

export type RecordKind = "hosts" | "detections" | "kb";

/** Adds one decoded record of `kind` to `chunk`. */
export function addRecord(chunk: RowChunk, kind: RecordKind, record: unknown, runId: number): void {
  chunk.records++;
  if (kind === "hosts") chunk.hosts.push(hostRow(record as Host));
  else if (kind === "detections") {
    const host = record as DetectionHost;
    chunk.hosts.push(detectionHostRow(host));
    for (const row of detectionRows(host, runId, chunk.detectionCves)) chunk.detections.push(row);
  } else {
    const vuln = record as Vuln;
    chunk.kb.push(kbRow(vuln, runId));
    const children = kbChildRows(vuln);
    for (const table of Object.keys(children) as KbChildTable[]) for (const row of children[table]) chunk.kbChildren[table].push(row);
  }
}

/**
 * Decoded Qualys records → positional rows for the export tables, the same for both databases:
 * times as ISO-8601 UTC text, booleans as 0/1 (SQLite stores them so, PostgreSQL reads them as
 * boolean input), every field without a column kept in `extra` as JSON so nothing is lost. Pure
 * functions: they run in the decode workers and in-process alike.
 */
import type { DetectionHost, Host, Vuln } from "../generated/vm/index.js";
import { setOwn } from "../runtime/xml/extra.js";
import type { PackedRows } from "./row-list.js";

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

/** A RowChunk as a decode worker sends it: the detection rows, the bulk of it, packed (row-list.ts). */
export type DecodedChunk = Omit<RowChunk, "detections" | "detectionCves"> & { detections: Row[] | PackedRows; detectionCves: Row[] | PackedRows };

export function emptyChunk(): RowChunk {
  return { hosts: [], detections: [], detectionCves: [], kb: [], kbChildren: { kb_cves: [], kb_vendor_refs: [], kb_bugtraqs: [] }, records: 0 };
}

const TWO_DIGITS = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, "0"));
/** 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z: the years toISOString writes with four digits. */
const FIRST_MS = -62135596800000;
const LAST_MS = 253402300799000;

/**
 * A Date as ISO-8601 UTC text, whole seconds without ".000" (as Qualys writes them). Six of these
 * per detection: whole seconds from years 1 to 9999 are written by arithmetic (days to a civil
 * date, H. Hinnant's algorithm), three times faster than toISOString; anything else by toISOString.
 */
function isoText(date: Date): string {
  const ms = date.getTime();
  if (!(ms >= FIRST_MS && ms <= LAST_MS) || ms % 1000 !== 0) {
    const iso = date.toISOString(); // throws for an invalid date
    return iso.endsWith(".000Z") ? `${iso.slice(0, 19)}Z` : iso;
  }
  const secs = ms / 1000;
  const days = Math.floor(secs / 86400);
  let rest = secs - days * 86400;
  const hours = Math.floor(rest / 3600);
  rest -= hours * 3600;
  const minutes = Math.floor(rest / 60);
  const seconds = rest - minutes * 60;
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const dayOfEra = z - era * 146097;
  const yearOfEra = Math.floor((dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36524) - Math.floor(dayOfEra / 146096)) / 365);
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const mp = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  const d = TWO_DIGITS;
  return `${d[Math.floor(year / 100)]}${d[year % 100]}-${d[month]}-${d[day]}T${d[hours]}:${d[minutes]}:${d[seconds]}Z`;
}

export function time(value: unknown): string | null {
  if (value instanceof Date) return isoText(value);
  return typeof value === "string" && value ? value : null;
}

const text = (v: unknown): string | null => (v === undefined || v === null ? null : typeof v === "string" ? v : typeof v === "object" ? JSON.stringify(v) : String(v));
const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : typeof v === "string" && v.trim() !== "" && Number.isFinite(Number(v)) ? Number(v) : null);
const bool = (v: unknown): number | null => (v === true ? 1 : v === false ? 0 : null);

/** The record's fields not in `used`, as JSON (null when none are left). */
function extraOf(record: object, used: ReadonlySet<string>, add?: Record<string, unknown>): string | null {
  let rest: Record<string, unknown> | undefined;
  // for…in, not Object.entries: most records have nothing extra, and then nothing is allocated.
  // Decoded records are plain objects: their enumerable keys are their own.
  for (const key in record) {
    const value = (record as Record<string, unknown>)[key];
    if (value === undefined || used.has(key)) continue;
    setOwn((rest ??= {}), key, value);
  }
  if (add) for (const [key, value] of Object.entries(add)) if (value !== undefined) setOwn((rest ??= {}), key, value);
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

/**
 * The detection rows of one host, and its detection CVE rows into `cves`. A detection key the
 * answer repeats keeps its first row, as INSERT … ON CONFLICT DO NOTHING would, and its CVE rows
 * not already there: the rows of one host never conflict with each other, so a store may append
 * them as they are (table-ops.ts, `distinct`).
 */
export function detectionRows(host: DetectionHost, runId: number, cves?: Row[]): Row[] {
  const rows: Row[] = [];
  const list = host.detectionList ?? [];
  const firstCve = cves?.length ?? 0;
  // Keys joined by NUL, which XML text cannot hold: two different keys never give one string.
  const seen = list.length > 1 ? new Set<string>() : undefined;
  for (const d of list) {
    const v5 = d as Record<string, unknown>;
    const key: Row = [host.id ?? null, d.qid ?? null, d.port ?? 0, d.protocol ?? "", d.fqdn ?? "", d.ssl ? 1 : 0];
    const id = seen ? `${key[1]}\0${key[2]}\0${key[3]}\0${key[4]}\0${key[5]}` : "";
    if (seen?.has(id)) {
      if (cves && v5.cve !== undefined) for (const cve of cveIds(v5.cve)) if (!hasCve(cves, firstCve, key, cve)) cves.push([...key, cve]);
      continue;
    }
    seen?.add(id);
    const qds = d.qds as { value?: number; severity?: string } | undefined;
    const qdsRest = qds && (qds.severity !== undefined || Object.keys(qds).some((k) => k !== "value")) ? { ...qds, value: undefined } : undefined;
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

/** Whether this host's CVE rows (from `from` on) hold `cve` for the detection `key` (a repeated detection: rare). */
function hasCve(cves: readonly Row[], from: number, key: Row, cve: string): boolean {
  for (let i = from; i < cves.length; i++) {
    const r = cves[i]!;
    if (r[6] === cve && r[1] === key[1] && r[2] === key[2] && r[3] === key[3] && r[4] === key[4] && r[5] === key[5]) return true;
  }
  return false;
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

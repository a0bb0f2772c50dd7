/**
 * PCRS posture records → rows of pc_posture, pc_controls, pc_hosts and pc_posture_evidence.
 * The record's fields come from one QualysETL sample (pc-posture.md §1.1, `x-unverified` in the
 * spec), so decoding is tolerant: a field whose value does not fit its column (a date that does
 * not parse, an object where text was expected) leaves the column empty and is kept as sent in
 * the row's `extra`, as is every field without a column. Only the key can refuse a record: a
 * posture without a numeric host, policy or control id is an InvalidResponseError.
 */
import { InvalidResponseError } from "../../runtime/errors/invalid-response-error.js";
import type { Cell, Row } from "../rows.js";

export const POSTURE_COLUMNS = [
  "host_id", "policy_id", "control_id", "instance", "posture_id", "technology_id", "status", "previous_status",
  "first_fail_date", "last_fail_date", "first_pass_date", "last_pass_date", "posture_modified_date", "last_evaluated_date", "created_date",
  "cause_of_failure", "run_id", "extra",
] as const;
export const POSTURE_KEY = ["host_id", "policy_id", "control_id", "instance"] as const;

export const CONTROL_COLUMNS = [
  "policy_id", "control_id", "technology_id", "policy_title", "statement", "rationale", "remediation", "reference",
  "technology_name", "criticality_label", "criticality_value", "run_id", "extra",
] as const;
export const CONTROL_KEY = ["policy_id", "control_id", "technology_id"] as const;

export const PC_HOST_COLUMNS = [
  "host_id", "asset_id", "ip", "dns", "netbios", "os", "os_cpe", "domain_name", "tracking_method", "qg_hostid",
  "network_id", "network_name", "compliance_last_scan_date", "customer_id", "customer_uuid", "run_id", "extra",
] as const;

export const EVIDENCE_COLUMNS = ["host_id", "policy_id", "control_id", "instance", "evidence", "run_id"] as const;

type Kind = "id" | "text" | "time" | "int" | "json";
type Field = readonly [source: string, kind: Kind];

/** A value in its column's form, or `undefined` when it does not fit (then it is kept in `extra`). */
function cell(kind: Kind, v: unknown): Cell | undefined {
  if (v === undefined || v === null) return null;
  switch (kind) {
    case "id":
      return exactId(v);
    case "int":
      return typeof v === "number" && Number.isSafeInteger(v) ? v : typeof v === "string" && /^-?\d{1,15}$/.test(v.trim()) ? Number(v) : undefined;
    case "text":
      return typeof v === "string" ? v : typeof v === "number" || typeof v === "boolean" ? String(v) : undefined;
    case "time":
      return timeCell(v);
    case "json":
      return JSON.stringify(v);
  }
}

/** An id as a number while exact, else its decimal digits (ids may pass 2^53; the decoder keeps them as strings). */
export function exactId(v: unknown): number | string | undefined {
  if (typeof v === "number") return Number.isSafeInteger(v) && v >= 0 ? v : undefined;
  if (typeof v !== "string" || !/^\d+$/.test(v.trim())) return undefined;
  const n = Number(v);
  return Number.isSafeInteger(n) ? n : v.trim().replace(/^0+(?=\d)/, "");
}

/** `2026-11-20`, `2026-11-20T10:00:00Z`, `…T10:00:00.000+0000`, `2026-11-20 10:00:00` (no zone: UTC, as Qualys writes times). */
const ISO_LIKE = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)(Z|[+-]\d{2}:?\d{2})?)?$/;

/** Normalised dates by their text: a host's records repeat the same few (scan and evaluation times). */
const seenTimes = new Map<string, string | undefined>();

/** PCRS dates: `""` when it never happened (NULL); an ISO-8601 form as UTC text; anything else does not fit. */
export function timeCell(v: unknown): string | null | undefined {
  if (v === "") return null;
  if (typeof v !== "string") return undefined;
  if (seenTimes.has(v)) return seenTimes.get(v);
  if (seenTimes.size >= 50_000) seenTimes.clear();
  const out = parseTime(v);
  seenTimes.set(v, out);
  return out;
}

function parseTime(v: string): string | undefined {
  const m = ISO_LIKE.exec(v.trim());
  if (!m) return undefined;
  const zone = m[3] === undefined ? "Z" : m[3].length === 5 ? `${m[3].slice(0, 3)}:${m[3].slice(3)}` : m[3];
  const ms = Date.parse(m[2] === undefined ? `${m[1]}T00:00:00Z` : `${m[1]}T${m[2]}${zone}`);
  if (Number.isNaN(ms)) return undefined;
  const iso = new Date(ms).toISOString();
  return iso.endsWith(".000Z") ? `${iso.slice(0, 19)}Z` : iso;
}

/** The fields' cells, in order, and anything that did not fit added to `misfits`. */
function cells(record: Record<string, unknown>, fields: readonly Field[], misfits: Record<string, unknown>): Cell[] {
  return fields.map(([source, kind]) => {
    const value = cell(kind, record[source]);
    if (value !== undefined) return value;
    misfits[source] = record[source];
    return null;
  });
}

const json = (o: Record<string, unknown>): string | null => (Object.keys(o).length ? JSON.stringify(o) : null);
const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

const POSTURE_FIELDS: readonly Field[] = [
  ["status", "text"], ["previousStatus", "text"],
  ["firstFailDate", "time"], ["lastFailDate", "time"], ["firstPassDate", "time"], ["lastPassDate", "time"],
  ["postureModifiedDate", "time"], ["lastEvaluatedDate", "time"], ["created", "time"], ["causeOfFailure", "json"],
];
const CONTROL_FIELDS: readonly Field[] = [["policyTitle", "text"], ["controlStatement", "text"], ["rationale", "text"], ["remediation", "text"], ["controlReference", "text"]];
const HOST_FIELDS: readonly Field[] = [
  ["assetId", "id"], ["ip", "text"], ["dns", "text"], ["netBios", "text"], ["os", "text"], ["osCpe", "text"], ["domainName", "text"], ["trackingMethod", "text"],
  ["qgHostid", "text"], ["networkId", "id"], ["networkName", "text"], ["complianceLastScanDate", "time"], ["customerId", "id"], ["customerUuid", "text"],
];
const KEY_FIELDS = ["id", "hostId", "policyId", "controlId", "instance", "technologyId", "technology", "criticality", "evidence"];
/** Every field that has a place of its own; the rest of a record goes to pc_posture.extra. */
const PLACED = new Set([...KEY_FIELDS, ...[...POSTURE_FIELDS, ...CONTROL_FIELDS, ...HOST_FIELDS].map(([source]) => source)]);

/** `technology: {id, name}`: the name, and the object kept whole when it holds anything else. */
function technologyOf(v: unknown, technologyId: Cell, misfits: Record<string, unknown>): Cell {
  if (v === undefined || v === null) return null;
  const fits = isObject(v) && Object.keys(v).every((k) => k === "id" || k === "name") && (v.name === undefined || typeof v.name === "string") && (v.id === undefined || exactId(v.id) === technologyId);
  if (!fits) misfits.technology = v;
  return isObject(v) && typeof v.name === "string" ? v.name : null;
}

/** `criticality: {label, value}`: both, and the object kept whole when it holds anything else. */
function criticalityOf(v: unknown, misfits: Record<string, unknown>): [Cell, Cell] {
  if (v === undefined || v === null) return [null, null];
  const o = isObject(v) ? v : {};
  const label = typeof o.label === "string" ? o.label : null;
  const value = cell("int", o.value) ?? null;
  const fits = isObject(v) && Object.keys(v).every((k) => k === "label" || k === "value") && (o.label === undefined || label !== null) && (o.value === undefined || value !== null);
  if (!fits) misfits.criticality = v;
  return [label, value];
}

function keyId(record: Record<string, unknown>, field: string): number | string {
  const id = exactId(record[field]);
  if (id === undefined) {
    const shown = JSON.stringify(record[field]) ?? "undefined";
    throw new InvalidResponseError(`getPostureInfo sent a posture record whose ${field} is not a numeric id (${shown.slice(0, 40)}); record id ${JSON.stringify(record.id) ?? "?"}`, "getPostureInfo", undefined);
  }
  return id;
}

/**
 * Fields every record of a control (or host) repeats: a value sent wins over one left out, so a
 * record that omits them does not blank what another sent. `extra` is the last column.
 */
function merge(rows: Map<string, Row>, key: string, cells: Row, misfits: Record<string, unknown>): void {
  const known = rows.get(key);
  if (!known) {
    rows.set(key, [...cells, json(misfits)]);
    return;
  }
  for (let i = 0; i < cells.length; i++) if (cells[i] !== null) known[i] = cells[i]!;
  const extra = known[cells.length];
  if (Object.keys(misfits).length) known[cells.length] = json({ ...(typeof extra === "string" ? (JSON.parse(extra) as Record<string, unknown>) : {}), ...misfits });
}

/**
 * The rows of one batch's answers. A posture sent twice keeps its last record (an upsert must not
 * repeat a key); the host and control fields repeated on every record are merged.
 */
export class PostureRows {
  readonly posture = new Map<string, Row>();
  readonly controls = new Map<string, Row>();
  readonly hosts = new Map<string, Row>();
  readonly evidence = new Map<string, Row>();
  records = 0;

  constructor(private readonly runId: number) {}

  add(record: Record<string, unknown>): void {
    this.records++;
    const hostId = keyId(record, "hostId");
    const policyId = keyId(record, "policyId");
    const controlId = keyId(record, "controlId");
    const postureMisfits: Record<string, unknown> = {};
    const instance = cell("text", record.instance);
    if (instance === undefined) postureMisfits.instance = record.instance;
    const technologyId = exactId(record.technologyId) ?? 0;
    if (record.technologyId !== undefined && record.technologyId !== null && exactId(record.technologyId) === undefined) postureMisfits.technologyId = record.technologyId;
    const postureId = typeof record.id === "number" || typeof record.id === "string" ? String(record.id) : null;
    if (postureId === null && record.id !== undefined && record.id !== null) postureMisfits.id = record.id;

    const key: Row = [hostId, policyId, controlId, instance ?? ""];
    const posture = cells(record, POSTURE_FIELDS, postureMisfits);
    for (const [k, v] of Object.entries(record)) if (!PLACED.has(k) && v !== undefined) postureMisfits[k] = v;
    const keyText = `${hostId}|${policyId}|${controlId}|${instance ?? ""}`;
    this.posture.set(keyText, [...key, postureId, technologyId, ...posture, this.runId, json(postureMisfits)]);

    const controlMisfits: Record<string, unknown> = {};
    const control = cells(record, CONTROL_FIELDS, controlMisfits);
    const technology = technologyOf(record.technology, technologyId, controlMisfits);
    const criticality = criticalityOf(record.criticality, controlMisfits);
    merge(this.controls, `${policyId}|${controlId}|${technologyId}`, [policyId, controlId, technologyId, ...control, technology, ...criticality, this.runId], controlMisfits);

    const hostMisfits: Record<string, unknown> = {};
    const host = cells(record, HOST_FIELDS, hostMisfits);
    merge(this.hosts, String(hostId), [hostId, ...host, this.runId], hostMisfits);

    if (record.evidence !== undefined) this.evidence.set(keyText, [...key, record.evidence === null ? null : JSON.stringify(record.evidence), this.runId]);
  }
}

/** Rows sorted by their key: writers that share keys (controls) then lock them in one order on PostgreSQL. */
export function byKey(rows: Iterable<Row>, width: number): Row[] {
  const compare = (a: Cell, b: Cell): number => {
    if (typeof a === "number" && typeof b === "number") return a - b;
    const [x, y] = [String(a), String(b)];
    // Ids past 2^53 are digit strings: a shorter one is the smaller number.
    if (x.length !== y.length && /^\d+$/.test(x) && /^\d+$/.test(y)) return x.length - y.length;
    return x < y ? -1 : x > y ? 1 : 0;
  };
  return [...rows].sort((a, b) => {
    for (let i = 0; i < width; i++) {
      const c = compare(a[i]!, b[i]!);
      if (c) return c;
    }
    return 0;
  });
}

export const POLICY_COLUMNS = [
  "policy_id", "subscription_id", "title", "status", "locked", "created_by", "created_date", "modified_by", "modified_date", "last_evaluated_date",
  "include_tags", "include_tags_scope", "exclude_tags", "exclude_tags_scope", "first_seen_run", "last_seen_run", "removed_at", "extra",
] as const;

const POLICY_FIELDS: readonly Field[] = [
  ["title", "text"], ["status", "text"], ["locked", "int"], ["createdBy", "text"], ["createdDate", "time"], ["modifiedBy", "text"], ["modifiedDate", "time"],
  ["lastEvaluatedDate", "time"], ["includeTags", "json"], ["includeTagsScope", "text"], ["excludeTags", "json"], ["excludeTagsScope", "text"],
];
const POLICY_PLACED = new Set(["id", ...POLICY_FIELDS.map(([source]) => source)]);

/** A policy of the policy list (tags, 2.0 with requireTagInfo=1, kept as sent: their shape is unverified). */
export function policyRow(policy: Record<string, unknown>, subscriptionId: unknown, runId: number): Row {
  const id = exactId(policy.id);
  if (id === undefined) throw new InvalidResponseError(`getPolicyList sent a policy whose id is not a numeric id (${(JSON.stringify(policy.id) ?? "undefined").slice(0, 40)})`, "getPolicyList", undefined);
  const misfits: Record<string, unknown> = {};
  const [title, status, locked, ...rest] = cells(policy, POLICY_FIELDS, misfits);
  // locked is 0 or 1; anything else is kept as sent.
  const lockedCell = locked === 0 || locked === 1 ? locked : null;
  if (locked !== null && lockedCell === null) misfits.locked = policy.locked;
  for (const [k, v] of Object.entries(policy)) if (!POLICY_PLACED.has(k) && v !== undefined) misfits[k] = v;
  const subscription = subscriptionId === undefined || subscriptionId === null ? null : (exactId(subscriptionId) ?? null);
  if (subscription === null && subscriptionId !== undefined && subscriptionId !== null) misfits.subscriptionId = subscriptionId;
  return [id, subscription, title!, status!, lockedCell, ...rest, runId, runId, null, json(misfits)];
}

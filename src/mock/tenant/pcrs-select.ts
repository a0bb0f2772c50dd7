/**
 * What PCRS answers, as pure functions of the model and the request: the policy list, host ids
 * per policy and the posture records of a postureInfo body. The server streams these; tests call
 * them for what an export must hold.
 */
import type { TenantModel } from "./model.js";
import type { PcPolicyRecord, PostureFlags, PostureRow } from "./posture.js";

/** A request PCRS refuses: its status and JSON body. */
export class PcrsRequestError extends Error {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
  ) {
    super(String(body.message));
  }
}

const invalidInput = () => new PcrsRequestError(404, { message: "Invalid input Parameter." });
const badParameter = (name: string, value: string) => new PcrsRequestError(400, { status: 400, errorCode: "1905", message: `parameter ${name} has invalid value: ${value}` });

type Params = URLSearchParams | Record<string, string | number>;
const toParams = (p: Params) => (p instanceof URLSearchParams ? p : new URLSearchParams(Object.entries(p).map(([k, v]) => [k, String(v)])));

/** `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM:SSZ`, the two forms PCRS documents. */
export function pcrsDate(name: string, value: string | null): number | undefined {
  if (value === null || value === "") return undefined;
  const ms = /^\d{4}-\d{2}-\d{2}$/.test(value) ? Date.parse(`${value}T00:00:00Z`) : /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/.test(value) ? Date.parse(value) : NaN;
  if (!Number.isFinite(ms)) throw badParameter(name, value);
  return ms;
}

/** A 0/1 flag; any other value is PCRS's 404 "Invalid input Parameter.". */
export function pcrsFlag(params: URLSearchParams, name: string, fallback: 0 | 1): boolean {
  const value = params.get(name);
  if (value === null || value === "") return fallback === 1;
  if (value !== "0" && value !== "1") throw invalidInput();
  return value === "1";
}

export function policyList(model: TenantModel, input: Params = {}): { subscriptionId: number; policyList: PcPolicyRecord[] } {
  const params = toParams(input);
  const since = pcrsDate("lastEvaluationDate", params.get("lastEvaluationDate"));
  const tags = pcrsFlag(params, "requireTagInfo", 0);
  const policies = model.pc.policies(tags).filter((p) => since === undefined || Date.parse(p.lastEvaluatedDate) >= since);
  return { subscriptionId: model.pc.subscriptionId, policyList: policies };
}

export interface HostIdsEntry {
  policyId: string;
  subscriptionId: string;
  hostIds: string[];
  error?: string;
}

export interface HostFilter {
  readonly lastScanDate?: number;
  readonly lastScanDateFrom?: number;
  readonly lastScanDateTo?: number;
  readonly statusChangedSince?: number;
}

function scannedMatches(model: TenantModel, hostId: number, filter: HostFilter): boolean {
  if (filter.lastScanDate === undefined && filter.lastScanDateFrom === undefined) return true;
  const last = model.pc.complianceScans(hostId).at(-1);
  if (last === undefined) return false;
  if (filter.lastScanDate !== undefined && last < filter.lastScanDate) return false;
  return !(filter.lastScanDateFrom !== undefined && (last < filter.lastScanDateFrom || last > filter.lastScanDateTo!));
}

/** Host ids per policy (`policyId` a CSV of ids; none: every policy), as resolveHostIds sends them. */
export function hostIds(model: TenantModel, input: Params = {}, options: { maxPolicies?: number } = {}): HostIdsEntry[] {
  const params = toParams(input);
  const raw = params.get("policyId");
  const ids = raw === null || raw === "" ? model.pc.policyDefs().map((p) => String(p.id)) : raw.split(",").map((s) => s.trim());
  for (const id of ids) if (!/^\d+$/.test(id)) throw badParameter("policyId", id);
  if (options.maxPolicies !== undefined && ids.length > options.maxPolicies) throw new PcrsRequestError(400, { status: 400, errorCode: "1905", message: `at most ${options.maxPolicies} policies per request` });
  const filter: HostFilter = { lastScanDate: pcrsDate("lastScanDate", params.get("lastScanDate")), statusChangedSince: pcrsDate("statusChangedSince", params.get("statusChangedSince")) };
  const subscriptionId = String(model.pc.subscriptionId);
  return ids.map((id) => {
    const policy = model.pc.policy(Number(id));
    if (!policy) return { policyId: id, subscriptionId, hostIds: [], error: `Policy ${id} not found` };
    const hosts = model.pc.hostIdsOf(policy.id).filter((h) => {
      if (!scannedMatches(model, h, filter)) return false;
      if (filter.statusChangedSince === undefined) return true;
      return model.pc.posture(policy.id, h).some((r) => Date.parse(r.postureModifiedDate as string) >= filter.statusChangedSince!);
    });
    return { policyId: id, subscriptionId, hostIds: hosts.map(String) };
  });
}

export interface PostureQuery extends HostFilter, PostureFlags {
  readonly compression: boolean;
  readonly lastEvaluationDate?: number;
}

export function postureQuery(input: Params = {}, version = "5.0"): PostureQuery {
  const params = toParams(input);
  const from = pcrsDate("lastScanDateFrom", params.get("lastScanDateFrom"));
  const to = pcrsDate("lastScanDateTo", params.get("lastScanDateTo"));
  const lastScanDate = pcrsDate("lastScanDate", params.get("lastScanDate"));
  if ((from === undefined) !== (to === undefined) || (from !== undefined && lastScanDate !== undefined)) {
    throw new PcrsRequestError(400, { status: 400, errorCode: "1905", message: "lastScanDateFrom and lastScanDateTo go together, and not with lastScanDate" });
  }
  const v5 = version === "5.0";
  const evidence = pcrsFlag(params, "evidenceRequired", 0);
  const extended = v5 ? pcrsFlag(params, "extendedEvidenceRequired", 0) : false;
  if (v5) pcrsFlag(params, "qdScoreRequired", 0);
  return {
    evidence,
    // 4.0 bundles extended evidence with the evidence; 5.0 asks for it on its own (and only with evidence).
    extendedEvidence: v5 ? evidence && extended : evidence,
    compression: pcrsFlag(params, "compressionRequired", 1),
    lastEvaluationDate: pcrsDate("lastEvaluationDate", params.get("lastEvaluationDate")),
    lastScanDate,
    lastScanDateFrom: from,
    lastScanDateTo: to,
    statusChangedSince: pcrsDate("statusChangedSince", params.get("statusChangedSince")),
  };
}

/** The posture body: a JSON array of `{policyId, subscriptionId, hostIds}`, ids as numbers or strings. */
export function postureBody(body: unknown): { policyId: number; hostIds: number[] }[] {
  if (!Array.isArray(body)) throw new PcrsRequestError(400, { status: 400, errorCode: "1905", message: "The request body must be a JSON array of {policyId, subscriptionId, hostIds}" });
  return body.map((entry) => {
    const e = (entry ?? {}) as { policyId?: unknown; hostIds?: unknown };
    const id = String(e.policyId ?? "");
    if (!/^\d+$/.test(id)) throw badParameter("policyId", id);
    if (!Array.isArray(e.hostIds) || e.hostIds.some((h) => !/^\d+$/.test(String(h)))) throw new PcrsRequestError(400, { status: 400, errorCode: "1905", message: `hostIds of policy ${id} must be a list of host ids` });
    return { policyId: Number(id), hostIds: e.hostIds.map(Number) };
  });
}

/** The posture records a postureInfo call answers, in body order: policy, then host, then control and instance. */
export function* selectPosture(model: TenantModel, body: { policyId: number; hostIds: number[] }[], query: PostureQuery): Generator<PostureRow> {
  for (const entry of body) {
    for (const host of entry.hostIds) {
      if (!scannedMatches(model, host, query)) continue;
      for (const row of model.pc.posture(entry.policyId, host, query)) {
        if (query.lastEvaluationDate !== undefined && Date.parse(row.lastEvaluatedDate as string) < query.lastEvaluationDate) continue;
        if (query.statusChangedSince !== undefined && Date.parse(row.postureModifiedDate as string) < query.statusChangedSince) continue;
        yield row;
      }
    }
  }
}

/** Every record a postureInfo call with this body (or host ids of every policy) and query returns. */
export function expectedPosture(model: TenantModel, body?: unknown, query: Params = {}): PostureRow[] {
  const entries = body === undefined ? hostIds(model).map((e) => ({ policyId: Number(e.policyId), hostIds: e.hostIds.map(Number) })) : postureBody(body);
  return [...selectPosture(model, entries, postureQuery(query))];
}

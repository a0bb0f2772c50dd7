/**
 * PCRS's call sequence as one walk: policy list → host ids → posture info in host slices.
 *
 *   for await (const record of qualys.pcrs.postureRecords({ batchSize: 250 })) …
 *
 * The plan (which policies, which host slices) and the slices' calls are apart, so a caller that
 * runs slices in parallel (an export) takes `posturePlan()` and calls `postureInfo()` per slice.
 * Every call goes through the client's one scheduler: PCRS's per-API limits (25 per 60 s by
 * default) are learned from its headers and a 429 waits, as for every other module.
 */
import type { RedactText } from "../redact/cut.js";
import type { components } from "../../generated/pcrs/types.js";
import type { PcrsClient } from "../../generated/pcrs/operations.js";
import { InvalidParameterError } from "../errors/invalid-parameter-error.js";
import { sinceTimestamp } from "../since.js";
import { postureRecordsOf, type PostureRecord } from "./posture-stream.js";

export type PcrsPolicy = components["schemas"]["Policy"];
type PostureQuery = NonNullable<Parameters<PcrsClient["getPostureInfo"]>[0]["params"]>["query"];

/** The fetchers the walk calls (the generated PCRS client has them). */
export type PcrsFetchers = Pick<PcrsClient, "getPolicyList" | "resolveHostIds" | "getPostureInfo">;

/** One postureInfo call's worth: a policy and a slice of its hosts (the call's body, as resolveHostIds sends it). */
export interface PostureSlice {
  readonly policyId: string;
  readonly subscriptionId?: string;
  readonly hostIds: readonly string[];
}

export interface PosturePlanOptions {
  /** Policies to read; default every **active** policy of the policy list. */
  readonly policyIds?: readonly (string | number)[];
  /** With the policy list: inactive policies too. Default false (QualysETL keeps active ones). */
  readonly includeInactive?: boolean;
  /** Hosts per postureInfo call. Default 250 (QualysETL's; the most one call may name is undocumented). */
  readonly batchSize?: number;
  /**
   * Only what changed since (a date, a date-time with a zone, or `7d` / `12h` back). The policy
   * list then names policies evaluated since; host ids and posture follow `sinceField`.
   */
  readonly since?: string | Date;
  /**
   * "evaluated" (default): hosts scanned since (`lastScanDate`) and postures evaluated since
   * (`lastEvaluationDate`). "statusChanged": hosts and postures whose status changed since
   * (`statusChangedSince`; Qualys allows it to Manager accounts only).
   */
  readonly sinceField?: "evaluated" | "statusChanged";
  readonly signal?: AbortSignal;
}

export interface PostureRecordsOptions extends PosturePlanOptions {
  /** Each record with its `evidence` (large). Default false. */
  readonly evidence?: boolean;
  /** Extended evidence too (5.0; implies evidence). Default false. */
  readonly extendedEvidence?: boolean;
  /** Ask for gzip (Qualys's default). Default true; the answer is decoded either way. */
  readonly compression?: boolean;
  /** Told before each slice's call. */
  readonly onSlice?: (slice: PostureSlice, index: number, of: number) => void;
}

export interface PosturePlan {
  /** The policies the plan covers, as the policy list gave them (empty when `policyIds` were given). */
  readonly policies: readonly PcrsPolicy[];
  readonly slices: readonly PostureSlice[];
  /** Host ids per policy, before slicing. */
  readonly hosts: number;
  /** Policies resolveHostIds refused (an unknown id: HTTP 200, no hosts and an `error`). */
  readonly refused: readonly { readonly policyId: string; readonly error: string }[];
}

const DEFAULT_BATCH = 250;

function checkedIds(ids: readonly (string | number)[]): string[] {
  return ids.map((id) => {
    const text = String(id).trim();
    if (!/^\d+$/.test(text)) throw new InvalidParameterError(`must hold numeric policy ids, not ${JSON.stringify(id)}`, { parameter: "policyIds" });
    return text;
  });
}

function checkedBatch(size: number | undefined): number {
  const batch = size ?? DEFAULT_BATCH;
  if (!Number.isSafeInteger(batch) || batch < 1) throw new InvalidParameterError(`must be a whole number of hosts from 1, not ${String(size)}`, { parameter: "batchSize" });
  return batch;
}

function sinceParams(options: PosturePlanOptions): { policy?: string; hosts: { lastScanDate?: string; statusChangedSince?: string }; posture: { lastEvaluationDate?: string; statusChangedSince?: string } } {
  if (options.sinceField !== undefined && options.sinceField !== "evaluated" && options.sinceField !== "statusChanged") {
    throw new InvalidParameterError(`must be "evaluated" or "statusChanged", not ${JSON.stringify(options.sinceField)}`, { parameter: "sinceField" });
  }
  if (options.since === undefined) return { hosts: {}, posture: {} };
  const at = sinceTimestamp(options.since);
  return options.sinceField === "statusChanged"
    ? { policy: at, hosts: { statusChangedSince: at }, posture: { statusChangedSince: at } }
    : { policy: at, hosts: { lastScanDate: at }, posture: { lastEvaluationDate: at } };
}

/** Which policies and host slices a posture walk covers: the policy list (unless ids are given), then one host-id call. */
export async function posturePlan(pcrs: Pick<PcrsFetchers, "getPolicyList" | "resolveHostIds">, options: PosturePlanOptions = {}): Promise<PosturePlan> {
  const batch = checkedBatch(options.batchSize);
  const since = sinceParams(options);
  const { signal } = options;
  let policies: PcrsPolicy[] = [];
  let ids: string[];
  if (options.policyIds) {
    ids = checkedIds(options.policyIds);
  } else {
    const list = await pcrs.getPolicyList({ params: { query: since.policy ? { lastEvaluationDate: since.policy } : {} }, signal });
    policies = (list?.policyList ?? []).filter((p) => options.includeInactive || p.status === undefined || p.status === "active");
    ids = policies.map((p) => String(p.id));
  }
  if (ids.length === 0) return { policies, slices: [], hosts: 0, refused: [] };
  // 3.0 and later take any number of policies in one call.
  const answer = await pcrs.resolveHostIds({ params: { query: { policyId: ids.join(","), ...since.hosts } }, signal });
  const slices: PostureSlice[] = [];
  const refused: { policyId: string; error: string }[] = [];
  let hosts = 0;
  for (const entry of answer ?? []) {
    const policyId = String(entry.policyId);
    if (entry.error) refused.push({ policyId, error: entry.error });
    const hostIds = (entry.hostIds ?? []).map(String);
    hosts += hostIds.length;
    const subscriptionId = entry.subscriptionId === undefined ? undefined : String(entry.subscriptionId);
    for (let i = 0; i < hostIds.length; i += batch) {
      slices.push({ policyId, ...(subscriptionId === undefined ? {} : { subscriptionId }), hostIds: hostIds.slice(i, i + batch) });
    }
  }
  if (options.policyIds && refused.length) {
    throw new InvalidParameterError(`names policies PCRS does not know: ${refused.map((r) => `${r.policyId} (${r.error})`).join(", ")}`, { parameter: "policyIds" });
  }
  return { policies, slices, hosts, refused };
}

export interface PostureInfoInit {
  readonly slices: readonly PostureSlice[];
  readonly query?: PostureQuery;
  readonly signal?: AbortSignal;
}

/** One postureInfo call, decoded: its records as they arrive. `redact`: the client's text redactor, for what an error quotes of the answer. */
export async function* postureInfo(pcrs: Pick<PcrsFetchers, "getPostureInfo">, init: PostureInfoInit, redact?: RedactText): AsyncGenerator<PostureRecord, void, undefined> {
  const body = init.slices.map((s) => ({ policyId: s.policyId, ...(s.subscriptionId === undefined ? {} : { subscriptionId: s.subscriptionId }), hostIds: [...s.hostIds] }));
  yield* postureRecordsOf(await pcrs.getPostureInfo({ params: { query: init.query ?? {} }, body, signal: init.signal }), "getPostureInfo", redact);
}

/** The whole walk: every posture record of the plan's slices, slice after slice. */
export async function* postureRecords(pcrs: PcrsFetchers, options: PostureRecordsOptions = {}, redact?: RedactText): AsyncGenerator<PostureRecord, void, undefined> {
  const plan = await posturePlan(pcrs, options);
  const since = sinceParams(options);
  const evidence = options.evidence || options.extendedEvidence;
  const query: PostureQuery = {
    ...(evidence ? { evidenceRequired: 1 } : {}),
    ...(options.extendedEvidence ? { extendedEvidenceRequired: 1 } : {}),
    ...(options.compression === false ? { compressionRequired: 0 } : {}),
    ...since.posture,
  };
  for (const [index, slice] of plan.slices.entries()) {
    options.onSlice?.(slice, index, plan.slices.length);
    yield* postureInfo(pcrs, { slices: [slice], query, signal: options.signal }, redact);
  }
}

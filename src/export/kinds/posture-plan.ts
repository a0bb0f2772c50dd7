/**
 * Planning a PC posture run from PCRS: the policy list (every policy, with tags), then host ids of
 * the active ones, then batches of hosts, each naming every active policy of its hosts — one
 * postureInfo call per batch. The policy list goes into a batch of its own, written last.
 *
 * Incremental runs ask host ids with `lastScanDate` (hosts scanned since) and posture with
 * `lastEvaluationDate` (postures evaluated since): every field of a re-evaluated posture is fresh,
 * unlike `statusChangedSince`, which would leave the dates of unchanged postures stale (and needs
 * a Manager account). Hosts earlier runs could not get are fetched whole in any run.
 */
import type { QualysClient } from "../../client.js";
import { AuthenticationError } from "../../runtime/errors/authentication-error.js";
import { ConfigurationError } from "../../runtime/errors/configuration-error.js";
import { HttpError } from "../../runtime/errors/http-error.js";
import { InvalidResponseError } from "../../runtime/errors/invalid-response-error.js";
import { ModuleUnavailableError } from "../../runtime/errors/module-unavailable-error.js";
import { fromRanges, toRanges } from "../id-set.js";
import type { BatchPlan } from "../store.js";
import { hostBatches } from "./host-batches.js";
import type { PlanContext } from "./kind.js";

/** One policy of a host batch: its id, subscription and which of the batch's hosts it evaluates (id ranges). */
export interface BatchPolicy {
  readonly id: string;
  readonly subscriptionId?: string;
  readonly hosts: string[];
}

/** What a host batch holds (export_batches.ids). */
export interface HostBatchIds {
  readonly hosts: string[];
  readonly policies: BatchPolicy[];
  /** Fetched with no date filter and written whole (the hosts' rows replaced): full runs, and bad hosts retried. */
  readonly whole: boolean;
}

/** What the policy batch holds: the policy list as PCRS sent it. */
export interface PolicyBatchIds {
  readonly subscriptionId: unknown;
  readonly policyList: readonly Record<string, unknown>[];
}

/** The policy batch's key: below every host id, and claimed after the host batches (a generation below theirs). */
export const POLICY_BATCH_ID = 0;
const POLICY_BATCH_GENERATION = -1;
/** Policy ids per host-id call: the list goes in the query string. */
const POLICIES_PER_CALL = 100;

interface Membership {
  readonly subscriptionId?: string;
  readonly hosts: Set<number>;
}

/** The first PCRS call: a subscription without PC (401 although the credentials work, or 403) is ModuleUnavailableError. */
async function firstCall<T>(client: QualysClient, signal: AbortSignal, call: () => Promise<T>): Promise<T> {
  try {
    client.baseUrl("gateway", "pcrs");
  } catch (err) {
    if (!(err instanceof ConfigurationError)) throw err;
    // Worded as the other gateway kinds say it (kinds/cursor.ts).
    throw new ModuleUnavailableError("pcrs", "no gateway URL: give a platform or baseUrls.gateway", { cause: err, unreachable: true });
  }
  try {
    return await call();
  } catch (err) {
    if (err instanceof HttpError && err.status === 403) throw new ModuleUnavailableError("pcrs", `HTTP 403 on the policy list${err.bodyText ? `: ${err.bodyText.slice(0, 160)}` : ""}`, { cause: err });
    if (err instanceof AuthenticationError && err.status === 401 && client.setup.gatewayToken !== "static token") {
      // The same credentials still get a token: they are good, and the subscription lacks the module.
      const tokenOk = await client.checkGateway({ signal }).then(() => true, () => false);
      if (tokenOk) throw new ModuleUnavailableError("pcrs", `HTTP 401 with a valid token${err.text ? `: ${err.text}` : ""}`, { cause: err });
    }
    throw err;
  }
}

/** Host ids per active policy (`lastScanDate` when given), in calls of up to 100 policies. */
async function listHostIds(client: QualysClient, policyIds: readonly string[], lastScanDate: string | undefined, signal: AbortSignal): Promise<Map<string, Membership>> {
  const out = new Map<string, Membership>();
  for (let i = 0; i < policyIds.length; i += POLICIES_PER_CALL) {
    const policyId = policyIds.slice(i, i + POLICIES_PER_CALL).join(",");
    const answer = await client.pcrs.resolveHostIds({ params: { query: { policyId, ...(lastScanDate ? { lastScanDate } : {}) } }, signal });
    for (const entry of answer ?? []) {
      // An unknown policy (deleted since the policy list) comes back with an error and no hosts.
      const id = String(entry.policyId);
      const known = out.get(id) ?? { ...(entry.subscriptionId === undefined ? {} : { subscriptionId: String(entry.subscriptionId) }), hosts: new Set<number>() };
      for (const raw of entry.hostIds ?? []) {
        const host = Number(raw);
        if (!Number.isSafeInteger(host) || host <= 0) throw new InvalidResponseError(`resolveHostIds sent a host id that is not a number: ${JSON.stringify(raw)?.slice(0, 40)}`, "resolveHostIds", undefined);
        known.hosts.add(host);
      }
      out.set(id, known);
    }
  }
  return out;
}

type PolicyRef = Omit<BatchPolicy, "hosts">;

/** Host → the policies that evaluate it, in policy order. */
function byHost(members: ReadonlyMap<string, Membership>): Map<number, PolicyRef[]> {
  const out = new Map<number, PolicyRef[]>();
  for (const [id, m] of members) {
    const ref: PolicyRef = { id, ...(m.subscriptionId === undefined ? {} : { subscriptionId: m.subscriptionId }) };
    for (const h of m.hosts) {
      const list = out.get(h);
      if (list) list.push(ref);
      else out.set(h, [ref]);
    }
  }
  return out;
}

/** A batch of these hosts: each policy with the hosts of the batch it evaluates. */
export function hostBatchIds(hostIds: readonly number[], policiesOf: (host: number) => readonly PolicyRef[], whole: boolean): HostBatchIds {
  const per = new Map<string, { ref: PolicyRef; hosts: number[] }>();
  for (const h of hostIds) {
    for (const ref of policiesOf(h)) {
      const entry = per.get(ref.id);
      if (entry) entry.hosts.push(h);
      else per.set(ref.id, { ref, hosts: [h] });
    }
  }
  return { hosts: toRanges([...hostIds]), policies: [...per.values()].map(({ ref, hosts }) => ({ ...ref, hosts: toRanges(hosts) })), whole };
}

export async function planPosture(ctx: PlanContext): Promise<BatchPlan[]> {
  const { client, signal, since } = ctx;
  const list = await firstCall(client, signal, () => client.pcrs.getPolicyList({ params: { query: { requireTagInfo: 1 } }, signal }));
  const policyList = (list?.policyList ?? []) as Record<string, unknown>[];
  const active = policyList.filter((p) => p.status === undefined || p.status === null || p.status === "active").map((p) => String(p.id));
  const listed = await listHostIds(client, active, since, signal);
  // Bad hosts are fetched whole: in an incremental run, their policies from an unfiltered listing.
  const whole = since && ctx.badHosts.length ? await listHostIds(client, active, undefined, signal) : listed;
  const all = new Set<number>();
  for (const m of listed.values()) for (const h of m.hosts) all.add(h);
  const hosts = [...all].sort((a, b) => a - b);
  const [listedOf, wholeOf] = [byHost(listed), byHost(whole)];
  const plans = hostBatches("posture", hosts, ctx.options.postureBatchSize, ctx.options.postureBatchSize, ctx.badHosts).map((p): BatchPlan => {
    const ids = fromRanges(p.ids as string[]);
    const bad = (p.generation ?? 0) > 0;
    return { ...p, ids: bad ? hostBatchIds(ids, (h) => wholeOf.get(h) ?? [], true) : hostBatchIds(ids, (h) => listedOf.get(h) ?? [], since === undefined) };
  });
  const policies: PolicyBatchIds = { subscriptionId: list?.subscriptionId ?? null, policyList };
  plans.push({ kind: "posture", firstId: POLICY_BATCH_ID, lastId: POLICY_BATCH_ID, ids: policies, generation: POLICY_BATCH_GENERATION });
  return plans;
}

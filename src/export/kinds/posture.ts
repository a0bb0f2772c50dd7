/**
 * The `posture` kind: Policy Compliance posture from PCRS (gateway, JWT). Planned from the policy
 * list and one host-id listing (posture-plan.ts); each host batch is one postureInfo call naming
 * every policy of its hosts, its answer streamed and gunzipped by its bytes (src/runtime/pcrs/),
 * and written in one transaction: in a full run the hosts' posture is replaced, in an incremental
 * one what was re-evaluated is upserted. A batch whose answers keep breaking off is split in
 * halves down to the host Qualys cannot serve, as VM host batches are. After a full run, posture
 * no longer listed (hosts gone, pairs gone, policies inactive or deleted) is dropped and policies
 * no longer listed are marked removed.
 */
import { countRanges } from "./host-batches.js";
import { fromRanges } from "../id-set.js";
import type { BatchPlan, BatchRecord } from "../store.js";
import { replaceAll, type TableOp } from "../table-ops.js";
import type { Row } from "../rows.js";
import type { BatchWrite, ExportKindDef, FetchContext, FinishContext } from "./kind.js";
import { hostBatchIds, planPosture, POLICY_BATCH_ID, type BatchPolicy, type HostBatchIds, type PolicyBatchIds } from "./posture-plan.js";
import {
  byKey, CONTROL_COLUMNS, CONTROL_KEY, EVIDENCE_COLUMNS, PC_HOST_COLUMNS, POLICY_COLUMNS, policyRow, POSTURE_COLUMNS, POSTURE_KEY, PostureRows,
} from "./posture-rows.js";

const isPolicyBatch = (batch: BatchPlan) => batch.firstId === POLICY_BATCH_ID;

function hostIdsOf(batch: BatchPlan): number[] {
  return isPolicyBatch(batch) ? [] : fromRanges((batch.ids as HostBatchIds).hosts);
}

/** Two halves by host count, each with the policies of its hosts; undefined for one host (or the policy batch). */
function split(batch: BatchRecord): BatchPlan[] | undefined {
  const hosts = hostIdsOf(batch);
  if (hosts.length < 2) return undefined;
  const ids = batch.ids as HostBatchIds;
  const refs = new Map<number, Omit<BatchPolicy, "hosts">[]>();
  for (const { hosts: ranges, ...ref } of ids.policies) for (const h of fromRanges(ranges)) refs.set(h, [...(refs.get(h) ?? []), ref]);
  const half = Math.ceil(hosts.length / 2);
  return [hosts.slice(0, half), hosts.slice(half)].map((part) => ({
    kind: batch.kind,
    firstId: part[0]!,
    lastId: part[part.length - 1]!,
    ids: hostBatchIds(part, (h) => refs.get(h) ?? [], ids.whole),
    generation: batch.generation + 1,
  }));
}

const byHost = (table: string, hostIds: readonly number[]): TableOp => ({ op: "delete", table, column: "host_id", type: "bigint", keys: hostIds });
const upsert = (table: string, columns: readonly string[], key: readonly string[], rows: readonly Row[], set = columns): TableOp => ({
  op: "upsert", table, columns, key, onConflict: replaceAll(set, key), rows,
});

/** A host batch's writes: its hosts' posture replaced (whole) or upserted, their host fields and the controls they name upserted. */
export function postureWriteOps(hostIds: readonly number[], rows: PostureRows, whole: boolean, evidence: boolean): TableOp[] {
  return [
    // What Qualys no longer lists for these hosts is gone; evidence not asked for again would go stale.
    ...(whole ? [byHost("pc_posture", hostIds), byHost("pc_posture_evidence", hostIds)] : evidence ? [] : [byHost("pc_posture_evidence", hostIds)]),
    upsert("pc_hosts", PC_HOST_COLUMNS, ["host_id"], [...rows.hosts.values()]),
    // Controls are shared by batches (and by workers on one PostgreSQL database): written in key order.
    upsert("pc_controls", CONTROL_COLUMNS, CONTROL_KEY, byKey(rows.controls.values(), CONTROL_KEY.length)),
    upsert("pc_posture", POSTURE_COLUMNS, POSTURE_KEY, [...rows.posture.values()]),
    upsert("pc_posture_evidence", EVIDENCE_COLUMNS, POSTURE_KEY, [...rows.evidence.values()]),
  ];
}

function policyWrite(ctx: FetchContext, batch: BatchPlan): BatchWrite {
  const { subscriptionId, policyList } = batch.ids as PolicyBatchIds;
  const rows = new Map<string, Row>();
  for (const p of policyList) {
    const row = policyRow(p, subscriptionId, ctx.runId);
    rows.set(String(row[0]), row);
  }
  // first_seen_run stays the run that first listed the policy.
  const set = POLICY_COLUMNS.filter((c) => c !== "first_seen_run");
  return { ops: [upsert("pc_policies", POLICY_COLUMNS, ["policy_id"], [...rows.values()], set)], records: 0 };
}

async function* fetch(ctx: FetchContext, batch: BatchRecord): AsyncIterable<BatchWrite> {
  if (isPolicyBatch(batch)) {
    yield policyWrite(ctx, batch);
    return;
  }
  const ids = batch.ids as HostBatchIds;
  const rows = new PostureRows(ctx.runId);
  const slices = ids.policies.map((p) => ({ policyId: p.id, ...(p.subscriptionId === undefined ? {} : { subscriptionId: p.subscriptionId }), hostIds: fromRanges(p.hosts).map(String) }));
  if (slices.length) {
    const query = {
      ...(ctx.options.postureEvidence ? { evidenceRequired: 1 as const } : {}),
      ...(ctx.since && !ids.whole ? { lastEvaluationDate: ctx.since } : {}),
    };
    for await (const record of ctx.client.pcrs.postureInfo({ slices, query, signal: ctx.signal })) rows.add(record as Record<string, unknown>);
  }
  yield { ops: postureWriteOps(hostIdsOf(batch), rows, ids.whole, ctx.options.postureEvidence), records: rows.posture.size };
}

/** After a full run: posture not written by it (but a bad host's) dropped, with the evidence, controls and hosts nothing names any more. */
async function finishFull({ store, runId, at, badHostIds }: FinishContext): Promise<void> {
  const keep = badHostIds.length ? ` AND host_id NOT IN (${badHostIds.map((h) => Math.trunc(h)).join(", ")})` : "";
  const same = (t: string, columns: readonly string[]) => columns.map((c) => `p.${c} = ${t}.${c}`).join(" AND ");
  await store.sweep("dropping PC posture no longer listed", [
    `DELETE FROM pc_posture WHERE (run_id IS NULL OR run_id < ${Math.trunc(runId)})${keep}`,
    `DELETE FROM pc_posture_evidence WHERE NOT EXISTS (SELECT 1 FROM pc_posture p WHERE ${same("pc_posture_evidence", POSTURE_KEY)})`,
    `DELETE FROM pc_controls WHERE NOT EXISTS (SELECT 1 FROM pc_posture p WHERE ${same("pc_controls", CONTROL_KEY)})`,
    `DELETE FROM pc_hosts WHERE NOT EXISTS (SELECT 1 FROM pc_posture p WHERE ${same("pc_hosts", ["host_id"])})`,
  ]);
  await store.markUnseen("pc_policies", runId, at);
}

export const postureKind: ExportKindDef = {
  name: "posture",
  module: "pcrs",
  unit: "hosts",
  hostKeyed: true,
  // The scheduler's key of postureInfo (gateway operations are limited one by one).
  limitKey: () => "gateway:pcrs.getPostureInfo",
  plan: planPosture,
  size: (batch) => (isPolicyBatch(batch) ? 0 : countRanges((batch.ids as HostBatchIds).hosts)),
  fetch,
  split,
  hostIdsOf,
  finishFull,
};

/**
 * Which run to do: the unfinished run of the same export (resumed where it stopped), or a new
 * one — full when asked or when nothing succeeded before, else incremental since the last
 * successful run's start less a margin. A new run fetches the host id list once (ID_SET) and
 * the KnowledgeBase QID list, splits them into batches and records them before any data is
 * fetched, so a later process can pick up exactly the batches left.
 */
import type { QualysClient } from "../client.js";
import type { HostListOutput, KnowledgeBaseVulnListOutput } from "../generated/vm/index.js";
import { expandIdSet, splitBatches, toRanges } from "./id-set.js";
import { DEFAULT_SINCE_MARGIN_MS, hostFilters, qualysTime, type ResolvedOptions } from "./options.js";
import type { BatchPlan, BatchRecord, ExportStore, RunRecord } from "./store.js";

export interface PlannedRun {
  readonly run: RunRecord;
  readonly resumed: boolean;
  readonly batches: BatchRecord[];
}

/** Host ids of the first detection batch: a small probe that teaches the scheduler the HLD limits before the fan-out. */
export const PROBE_BATCH = 50;
export const KB_BATCH = 1000;

export async function planRun(client: QualysClient, store: ExportStore, options: ResolvedOptions, signal: AbortSignal | undefined, sinceMarginMs = DEFAULT_SINCE_MARGIN_MS): Promise<PlannedRun> {
  const shape = JSON.stringify({ filters: options.filters, batchSize: options.batchSize });
  const what = options.what.join(",");
  const last = await store.lastRun();
  if (last && last.status !== "succeeded") {
    const sameMode = options.full ? last.mode === "full" : options.since === undefined || last.since === options.since;
    // A run killed between its creation and its batch plan has no batches: it is planned afresh.
    const batches = last.what === what && last.options === shape && sameMode ? await store.batches(last.id) : [];
    if (batches.length) return { run: last, resumed: true, batches };
    await store.abandonRun(last.id, "superseded by a new run (other settings, or stopped before its batches were planned)");
  }

  const previous = options.full ? undefined : await store.lastSucceeded();
  const since = options.full ? undefined : (options.since ?? (previous ? qualysTime(new Date(Date.parse(previous.startedAt) - sinceMarginMs)) : undefined));
  const mode = since === undefined ? "full" : "incremental";
  const startedAt = new Date().toISOString().replace(/\.\d{3}Z$/, "Z");

  const [hostIds, qids] = await Promise.all([
    options.what.includes("hosts") || options.what.includes("detections") ? listHostIds(client, options, since, signal) : Promise.resolve([]),
    options.what.includes("kb") ? listQids(client, since, signal) : Promise.resolve([]),
  ]);
  const plans: BatchPlan[] = [];
  const add = (kind: BatchPlan["kind"], batches: number[][]) => {
    for (const ids of batches) plans.push({ kind, firstId: ids[0]!, lastId: ids[ids.length - 1]!, ids: toRanges(ids) });
  };
  if (options.what.includes("hosts")) add("hosts", splitBatches(hostIds, options.batchSize));
  if (options.what.includes("detections")) add("detections", splitBatches(hostIds, options.batchSize, Math.min(PROBE_BATCH, options.batchSize)));
  if (options.what.includes("kb")) add("kb", splitBatches(qids, KB_BATCH));

  const id = await store.createRun({ startedAt, mode, since: since ?? null, what, options: shape });
  await store.addBatches(id, plans);
  return { run: { id, startedAt, status: "running", mode, since: since ?? null, what, options: shape }, resumed: false, batches: await store.batches(id) };
}

async function listHostIds(client: QualysClient, options: ResolvedOptions, since: string | undefined, signal: AbortSignal | undefined): Promise<number[]> {
  const stream = client.vm.listHosts(
    { ...hostFilters(options.filters), details: "None", truncation_limit: 0, ...(since ? { vm_processed_after: since } : {}) } as Parameters<QualysClient["vm"]["listHosts"]>[0],
    { signal },
  );
  for await (const _ of stream); // details=None: no HOST records, only the ID_SET
  return merge(stream.pages.map((page) => expandIdSet((page as HostListOutput).response?.idSet, "listHosts")));
}

async function listQids(client: QualysClient, since: string | undefined, signal: AbortSignal | undefined): Promise<number[]> {
  const stream = client.vm.listVulns({ details: "None", ...(since ? { last_modified_after: since } : {}) }, { signal });
  for await (const _ of stream);
  return merge(stream.pages.map((page) => expandIdSet((page as KnowledgeBaseVulnListOutput).response?.idSet, "listVulns")));
}

function merge(lists: number[][]): number[] {
  if (lists.length === 1) return lists[0]!;
  return [...new Set(lists.flat())].sort((a, b) => a - b);
}

/**
 * Which run this worker takes part in, decided under the database's planning lock so two processes
 * starting together never plan twice: the run in progress with the same settings (joined while
 * other workers are on it, resumed when none is), or a new one — full when asked or when nothing
 * succeeded before, else incremental since the last successful run's start less a margin. A new
 * run lists its ids once (the host ID_SET, the QID list…), splits them into batches and records
 * them before any data is fetched, so any worker can pick up exactly the batches left.
 */
import { hostname } from "node:os";
import type { QualysClient } from "../client.js";
import type { HostListOutput } from "../generated/vm/index.js";
import { ConfigurationError } from "../runtime/errors/configuration-error.js";
import { ModuleUnavailableError } from "../runtime/errors/module-unavailable-error.js";
import { expandIdSet } from "./id-set.js";
import type { ExportKindDef, PlanContext } from "./kinds/kind.js";
import { mergeIds } from "./kinds/vm.js";
import { DEFAULT_SINCE_MARGIN_MS, hostFilters, planShape, qualysTime, type ResolvedOptions } from "./options.js";
import type { BatchPlan, ExportStore, RunRecord, WorkerIdentity, WorkerRecord } from "./store.js";
import { processAlive } from "./worker-id.js";

export interface JoinedRun {
  readonly run: RunRecord;
  /** A run left unfinished by workers that are gone, taken up again. */
  readonly resumed: boolean;
  /** A run other live workers are on. */
  readonly joined: boolean;
  /** Kinds left out of a new run because the subscription lacks their module (one line per module). */
  readonly skipped: readonly string[];
  /** Their names. */
  readonly skippedKinds: readonly string[];
}

export interface PlanInput {
  readonly client: QualysClient;
  readonly store: ExportStore;
  readonly options: ResolvedOptions;
  readonly kinds: readonly ExportKindDef[];
  readonly worker: WorkerIdentity;
  readonly leaseMs: number;
  readonly signal: AbortSignal;
  readonly sinceMarginMs?: number;
}

/** A worker of this host whose process is gone: its leases are ended now rather than when they lapse. */
export function deadHere(w: WorkerRecord): boolean {
  return w.live && w.host === hostname() && w.pid !== process.pid && !processAlive(w.pid);
}

export async function planOrJoin(input: PlanInput): Promise<JoinedRun> {
  const { store, options, worker, leaseMs } = input;
  return store.withPlanLock(async () => {
    const shape = planShape(options);
    const what = options.what.join(",");
    const last = await store.lastRun();
    if (last && last.status !== "succeeded") {
      const workers = await store.workers(last.id);
      for (const w of workers.filter(deadHere)) await store.expireWorker(last.id, w.id);
      const live = workers.filter((w) => w.live && !deadHere(w) && w.id !== worker.id);
      const sameMode = options.full ? last.mode === "full" : options.since === undefined || last.since === options.since;
      // PostgreSQL keeps options as jsonb, which reorders keys: compare the values, not the text.
      const same = last.what === what && canonical(last.options) === canonical(shape) && sameMode;
      if (same && (await store.batches(last.id)).length) {
        if (!live.length) {
          // Nobody on it: resumed, its failed batches tried again.
          if (last.status === "failed") await store.reopenRun(last.id);
          await store.retryFailed(last.id);
        }
        await store.joinRun(last.id, worker, leaseMs);
        return { run: { ...last, status: "running" }, resumed: !live.length, joined: live.length > 0, skipped: [], skippedKinds: [] };
      }
      if (live.length) {
        throw new ConfigurationError(
          `export run ${last.id} (${last.what}, ${last.mode}${last.since ? ` since ${last.since}` : ""}) is in progress in ${store.target} by ${live.length} other worker${live.length === 1 ? "" : "s"} with other settings: run with the same settings to join it, or wait for it to end`,
        );
      }
      // Other settings, or killed before its batches were planned: nobody will finish it.
      if (last.status === "running") await store.abandonRun(last.id, "superseded by a new run (other settings, or stopped before its batches were planned)");
    }
    return planRun(input, what, shape);
  });
}

async function planRun(input: PlanInput, what: string, shape: string): Promise<JoinedRun> {
  const { client, store, options, kinds, signal, worker, leaseMs } = input;
  const previous = options.full ? undefined : await store.lastSucceeded();
  const margin = input.sinceMarginMs ?? DEFAULT_SINCE_MARGIN_MS;
  const since = options.full ? undefined : (options.since ?? (previous ? qualysTime(new Date(Date.parse(previous.startedAt) - margin)) : undefined));
  const mode = since === undefined ? "full" : "incremental";
  const startedAt = new Date().toISOString().replace(/\.\d{3}Z$/, "Z");

  let hostIds: Promise<number[]> | undefined;
  const badHosts = await store.badHosts();
  const ctx = (def: ExportKindDef): PlanContext => ({
    client, options, since, signal,
    badHosts: badHosts.filter((b) => b.kind === def.name),
    hostIds: () => (hostIds ??= listHostIds(client, options, since, signal)),
    kindSince: async () => {
      if (since === undefined || options.since !== undefined) return since;
      const last = await store.lastSucceededWith(def.name);
      return last ? qualysTime(new Date(Date.parse(last.startedAt) - margin)) : undefined;
    },
  });
  // Kinds left out per module, so a module with several kinds gets one line.
  const unavailable = new Map<string, { kinds: string[]; message: string }>();
  const planned = await Promise.all(
    kinds.map((def) =>
      def.plan(ctx(def)).catch((err: unknown) => {
        // A module the subscription lacks: left out of a run that did not name it (its kinds get no batches).
        if (!(err instanceof ModuleUnavailableError) || !options.whatDefaulted) throw err;
        const entry = unavailable.get(err.module) ?? { kinds: [], message: err.message };
        entry.kinds.push(def.name);
        unavailable.set(err.module, entry);
        return [];
      }),
    ),
  );
  const plans: BatchPlan[] = planned.flat();
  const order = (name: string) => kinds.findIndex((k) => k.name === name);
  const skipped = [...unavailable.values()]
    .map((u) => u.kinds.sort((a, b) => order(a) - order(b)) && u)
    .sort((a, b) => order(a.kinds[0]!) - order(b.kinds[0]!))
    .map((u) => `${u.kinds.join(", ")}: ${u.message}`);

  const id = await store.createRun({ startedAt, mode, since: since ?? null, what, options: shape });
  await store.addBatches(id, plans);
  await store.joinRun(id, worker, leaseMs);
  const skippedKinds = [...unavailable.values()].flatMap((u) => u.kinds);
  return { run: { id, startedAt, status: "running", mode, since: since ?? null, what, options: shape }, resumed: false, joined: false, skipped, skippedKinds };
}

async function listHostIds(client: QualysClient, options: ResolvedOptions, since: string | undefined, signal: AbortSignal): Promise<number[]> {
  const stream = client.vm.listHosts(
    { ...hostFilters(options.filters), details: "None", truncation_limit: 0, ...(since ? { vm_processed_after: since } : {}) } as Parameters<QualysClient["vm"]["listHosts"]>[0],
    { signal },
  );
  for await (const _ of stream); // details=None: no HOST records, only the ID_SET
  return mergeIds(stream.pages.map((page) => expandIdSet((page as HostListOutput).response?.idSet, "listHosts")));
}

/** JSON text with object keys sorted, so two spellings of one value compare equal. */
function canonical(json: string | null): string {
  if (json === null) return "null";
  const sort = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(sort) : v && typeof v === "object" ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, x]) => [k, sort(x)])) : v;
  return JSON.stringify(sort(JSON.parse(json)));
}

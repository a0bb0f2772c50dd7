/**
 * The VM kinds: hosts (host list, details=All), detections (Host List Detection, with the hosts as
 * it describes them) and the KnowledgeBase. Host batches come from one ID_SET of the subscription;
 * KnowledgeBase batches from the QID list; answers are decoded into rows by the run's decoder
 * (worker threads) and written with their child tables replaced.
 */
import type { QualysClient } from "../../client.js";
import type { KnowledgeBaseVulnListOutput } from "../../generated/vm/index.js";
import { vmActions } from "../../generated/vm/index.js";
import { expandIdSet, splitBatches, toRanges } from "../id-set.js";
import { hostFilters } from "../options.js";
import { RowList, type RowSource } from "../row-list.js";
import { DETECTION_COLUMNS, DETECTION_CVE_COLUMNS, HOST_COLUMNS, KB_CHILD_COLUMNS, KB_COLUMNS, type DecodedChunk, type KbChildTable, type RecordKind, type Row, type RowChunk } from "../rows.js";
import { DO_NOTHING, replaceAll, type TableOp } from "../table-ops.js";
import { countRanges, hostBatches, hostIdsOf, splitHostBatch } from "./host-batches.js";
import type { PageDecoder } from "../../runtime/vm/module.js";
import type { XmlDecodeStream } from "../../runtime/xml/decode.js";
import type { BatchWrite, ExportKindDef, FetchContext } from "./kind.js";

/** Host ids of the first detection batch: a small probe that teaches the scheduler the HLD limits before the fan-out. */
export const PROBE_BATCH = 50;
export const KB_BATCH = 1000;

const ACTION = { hosts: "listHosts", detections: "listHostDetections", kb: "listVulns" } as const;

const limitKey = (kind: keyof typeof ACTION) => (_client: QualysClient) => `vm:${vmActions[ACTION[kind]].path}`;

/** The host columns both host writers fill: a non-null value wins over a stored one, so the order of the writes does not matter. */
export const HOST_MERGE_COLUMNS = [
  "asset_id", "ip", "ipv6", "tracking_method", "network_id", "dns", "netbios", "os", "qg_hostid",
  "last_scan_datetime", "last_vm_scanned_date", "last_vm_scanned_duration", "last_vm_auth_scanned_date", "last_pc_scanned_date",
] as const;

const HOST_ROW_COLUMNS = [...HOST_COLUMNS, "first_seen_run", "last_seen_run"];

/** Host rows merged into hosts: a non-null value wins; `prefer` says whose when both have one (host list: new; HLD: stored). */
function upsertHosts(rows: readonly Row[], runId: number, prefer: "new" | "stored"): TableOp {
  const merge = (c: string) => (prefer === "new" ? `${c} = COALESCE(excluded.${c}, hosts.${c})` : `${c} = COALESCE(hosts.${c}, excluded.${c})`);
  return {
    op: "upsert",
    table: "hosts",
    columns: HOST_ROW_COLUMNS,
    key: ["host_id"],
    onConflict: `DO UPDATE SET ${[...HOST_MERGE_COLUMNS, "extra"].map(merge).join(", ")}, last_seen_run = excluded.last_seen_run, removed_at = NULL`,
    rows: rows.map((r) => [...r, runId, runId]),
  };
}

/** The rows of one batch: detections kept as they come (packed from decode workers) until written. */
type BatchRows = Omit<RowChunk, "detections" | "detectionCves"> & { detections: RowList; detectionCves: RowList };

/** Every page of one batch's answer, decoded into rows (by the run's decoder: worker threads or in-process). */
async function collect(stream: AsyncIterable<unknown>): Promise<BatchRows> {
  const all: BatchRows = { hosts: [], detections: new RowList(), detectionCves: new RowList(), kb: [], kbChildren: { kb_cves: [], kb_vendor_refs: [], kb_bugtraqs: [] }, records: 0 };
  for await (const part of stream as AsyncIterable<DecodedChunk>) {
    all.records += part.records;
    for (const r of part.hosts) all.hosts.push(r);
    all.detections.add(part.detections);
    all.detectionCves.add(part.detectionCves);
    for (const r of part.kb) all.kb.push(r);
    for (const t of Object.keys(part.kbChildren) as KbChildTable[]) for (const r of part.kbChildren[t]) all.kbChildren[t].push(r);
  }
  return all;
}

/**
 * Call options that decode each page with the run's decoder, and what its pages held that was not
 * valid UTF-8 (decoded as U+FFFD): counted into the run's record and summary instead of a warning per page.
 */
function decodeOptions(ctx: FetchContext, kind: RecordKind) {
  const pages: XmlDecodeStream<unknown, unknown>[] = [];
  const decode = ctx.decoder.pageDecoder(kind, ctx.runId);
  const decodePage: PageDecoder = (body, root, options) => {
    const page = decode(body, root, { ...options, onWarning: () => {} });
    pages.push(page);
    return page;
  };
  return { signal: ctx.signal, decodePage, invalidUtf8: () => pages.reduce((n, page) => n + page.summary.invalidSequences, 0) };
}
const idsParam = (batch: { ids: unknown; firstId: number; lastId: number }) => ((batch.ids as string[] | null) ?? [`${batch.firstId}-${batch.lastId}`]).join(",");

export const hostsKind: ExportKindDef = {
  name: "hosts",
  module: "vm",
  unit: "hosts",
  hostKeyed: true,
  limitKey: limitKey("hosts"),
  async plan(ctx) {
    return hostBatches("hosts", await ctx.hostIds(), ctx.options.batchSize, ctx.options.batchSize, ctx.badHosts);
  },
  size: (batch) => countRanges(batch.ids as string[] | null),
  async *fetch(ctx, batch): AsyncIterable<BatchWrite> {
    const options = decodeOptions(ctx, "hosts");
    const stream = ctx.client.vm.listHosts({ ...hostFilters(ctx.options.filters), ids: idsParam(batch), details: "All", truncation_limit: ctx.options.batchSize } as never, options);
    const chunk = await collect(stream as AsyncIterable<unknown>);
    yield { ops: [upsertHosts(chunk.hosts, ctx.runId, "new")], records: chunk.records, invalidUtf8: options.invalidUtf8() };
  },
  split: splitHostBatch,
  hostIdsOf,
};

/**
 * Whether each host of the answer is one of the batch's and comes once: then, the batch's hosts'
 * detections deleted first and each host's rows distinct (detectionRows), no detection row can
 * conflict with another or a stored one.
 */
function hostsOnce(hostIds: readonly number[], hosts: readonly Row[]): boolean {
  const batch = new Set(hostIds);
  const seen = new Set<unknown>();
  for (const h of hosts) {
    if (!batch.has(h[0] as number) || seen.has(h[0])) return false;
    seen.add(h[0]);
  }
  return true;
}

/** A detection batch's writes: its hosts' detections (and their CVEs) replaced, the hosts filled in. */
export function detectionWriteOps(hostIds: readonly number[], hosts: readonly Row[], detections: RowSource, cves: RowSource, runId: number): TableOp[] {
  const distinct = hostsOnce(hostIds, hosts);
  return [
    // The batch's hosts' detections are replaced: what Qualys no longer lists is gone.
    { op: "delete", table: "detections", column: "host_id", type: "bigint", keys: hostIds },
    { op: "delete", table: "detection_cves", column: "host_id", type: "bigint", keys: hostIds },
    upsertHosts(hosts, runId, "stored"),
    // A conflict left can only be a key the answer repeated: the first one stays.
    { op: "upsert", table: "detections", columns: DETECTION_COLUMNS, key: ["host_id", "qid", "port", "protocol", "fqdn", "ssl"], onConflict: DO_NOTHING, rows: detections, distinct },
    { op: "upsert", table: "detection_cves", columns: DETECTION_CVE_COLUMNS, key: [...DETECTION_CVE_COLUMNS], onConflict: DO_NOTHING, rows: cves, distinct },
  ];
}

export const detectionsKind: ExportKindDef = {
  name: "detections",
  module: "vm",
  unit: "hosts",
  hostKeyed: true,
  limitKey: limitKey("detections"),
  async plan(ctx) {
    return hostBatches("detections", await ctx.hostIds(), ctx.options.batchSize, PROBE_BATCH, ctx.badHosts);
  },
  size: (batch) => countRanges(batch.ids as string[] | null),
  async *fetch(ctx, batch): AsyncIterable<BatchWrite> {
    const options = decodeOptions(ctx, "detections");
    const stream = ctx.client.vm.listHostDetections({ ...ctx.options.filters, ids: idsParam(batch), truncation_limit: ctx.options.batchSize } as never, options);
    const chunk = await collect(stream as AsyncIterable<unknown>);
    const ops = detectionWriteOps(hostIdsOf(batch), chunk.hosts, chunk.detections, chunk.detectionCves, ctx.runId);
    yield { records: chunk.detections.length, ops, invalidUtf8: options.invalidUtf8() };
  },
  split: splitHostBatch,
  hostIdsOf,
};

export const kbKind: ExportKindDef = {
  name: "kb",
  module: "vm",
  unit: "QIDs",
  hostKeyed: false,
  limitKey: limitKey("kb"),
  async plan(ctx) {
    const stream = ctx.client.vm.listVulns({ details: "None", ...(ctx.since ? { last_modified_after: ctx.since } : {}) }, { signal: ctx.signal });
    for await (const _ of stream); // details=None: no VULN records, only the ID_SET
    const qids = mergeIds(stream.pages.map((page) => expandIdSet((page as KnowledgeBaseVulnListOutput).response?.idSet, "listVulns")));
    return splitBatches(qids, KB_BATCH).map((part) => ({ kind: "kb", firstId: part[0]!, lastId: part[part.length - 1]!, ids: toRanges(part) }));
  },
  size: (batch) => countRanges(batch.ids as string[] | null),
  async *fetch(ctx, batch): AsyncIterable<BatchWrite> {
    const options = decodeOptions(ctx, "kb");
    const chunk = await collect(ctx.client.vm.listVulns({ ids: idsParam(batch), details: "All" }, options) as AsyncIterable<unknown>);
    const qids = chunk.kb.map((r) => r[0] as number);
    const ops: TableOp[] = [{ op: "upsert", table: "kb_vulns", columns: KB_COLUMNS, key: ["qid"], onConflict: replaceAll(KB_COLUMNS, ["qid"]), rows: dedupe(chunk.kb) }];
    for (const t of Object.keys(KB_CHILD_COLUMNS) as KbChildTable[]) {
      const columns = KB_CHILD_COLUMNS[t];
      ops.push({ op: "delete", table: t, column: "qid", type: "bigint", keys: qids }, { op: "upsert", table: t, columns, key: ["qid", columns[1]], onConflict: DO_NOTHING, rows: chunk.kbChildren[t] });
    }
    yield { ops, records: chunk.records, invalidUtf8: options.invalidUtf8() };
  },
};

/** A QID sent twice in one answer: the last one wins, as it would row by row. */
function dedupe(rows: readonly Row[]): Row[] {
  const byKey = new Map<unknown, Row>();
  for (const r of rows) byKey.set(r[0], r);
  return byKey.size === rows.length ? (rows as Row[]) : [...byKey.values()];
}

export function mergeIds(lists: number[][]): number[] {
  if (lists.length === 1) return lists[0]!;
  return [...new Set(lists.flat())].sort((a, b) => a - b);
}

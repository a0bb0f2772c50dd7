/**
 * Ingest alone, part of the export bench (bench/export.ts): detections decoded once from the
 * tenant, then only written, through the export's own write path — a planned batch, claimed, and
 * committed with the detections kind's table operations (the delete of the batch's hosts'
 * detections, the host merge, the detection and CVE upserts) in one transaction per 1,000 hosts.
 * The rows reach the store as the decode workers send them: packed in the store's format, a chunk
 * of CHUNK_RECORDS hosts at a time (packed before the clock starts: the workers' share; unpacked
 * while it runs: the main thread's).
 */
import { createQualysClient } from "../src/client.js";
import type { SqliteDriverName } from "../src/db/sqlite/connection.js";
import { detectionWriteOps } from "../src/export/kinds/vm.js";
import { openStore } from "../src/export/open-store.js";
import { ALL_STATUSES } from "../src/export/options.js";
import { packRows, RowList, type RowFormat } from "../src/export/row-list.js";
import { detectionHostRow, detectionRows, type Row } from "../src/export/rows.js";
import { SqliteStore } from "../src/export/sqlite-store.js";
import type { ExportStore } from "../src/export/store.js";
import { newWorker } from "../src/export/worker-id.js";
import { CHUNK_RECORDS } from "../src/export/worker-protocol.js";
import type { Tenant } from "../src/tenant.js";

/** Decoded rows of some hosts, by host. */
export interface IngestRows {
  readonly hosts: Row[];
  readonly detections: Row[][];
  readonly cves: Row[][];
  readonly total: number;
}

export async function decodeSample(tenant: Tenant, hosts: number): Promise<IngestRows> {
  const client = createQualysClient({ credentials: tenant.credentials, baseUrls: { vm: tenant.url } });
  const ids = tenant.model.hostIds().slice(0, hosts);
  const out: IngestRows = { hosts: [], detections: [], cves: [], total: 0 };
  try {
    for await (const host of client.vm.listHostDetections({ ids: `${ids[0]}-${ids[ids.length - 1]}`, status: ALL_STATUSES, truncation_limit: 0 })) {
      const cves: Row[] = [];
      const rows = detectionRows(host, 1, cves);
      out.hosts.push(detectionHostRow(host));
      out.detections.push(rows);
      out.cves.push(cves);
      (out as { total: number }).total += rows.length;
    }
  } finally {
    await client.close();
  }
  return out;
}

/** Writes one batch of hosts' detections the way the export does: a planned batch, claimed, committed with the detections kind's table operations. */
async function batchWriter(store: ExportStore): Promise<(ids: number[], hosts: Row[], rows: RowList, cves: RowList) => Promise<void>> {
  const worker = newWorker();
  const runId = await store.createRun({ startedAt: new Date().toISOString(), mode: "full", since: null, what: "detections", options: null });
  await store.joinRun(runId, worker, 600_000);
  let next = 1;
  return async (ids, hosts, rows, cves) => {
    const firstId = next++;
    await store.addBatches(runId, [{ kind: "detections", firstId, lastId: firstId, ids: null }]);
    const batch = await store.claim(runId, "detections", worker.id, 600_000);
    if (batch?.firstId !== firstId) throw new Error("ingest bench: the batch just planned was not claimed");
    const held = await store.commit({ runId, kind: "detections", firstId, worker: worker.id, attempts: 1, records: rows.length }, detectionWriteOps(ids, hosts, rows, cves, runId));
    if (!held) throw new Error("ingest bench: the commit found the batch no longer held");
  };
}

/** One batch's rows of `rows` (by host) as a decode worker sends them: a packed part per chunk of hosts. */
function packed(rows: Row[][], from: number, to: number, format: RowFormat): RowList {
  const list = new RowList();
  for (let i = from; i < to; i += CHUNK_RECORDS) {
    const part = rows.slice(i, Math.min(i + CHUNK_RECORDS, to)).flat();
    if (part.length) list.add(packRows(part, format));
  }
  return list;
}

/** Detections per second through `store`, 1,000 hosts per transaction. */
async function ingestInto(store: ExportStore, data: IngestRows): Promise<number> {
  try {
    await store.migrate();
    const write = await batchWriter(store);
    const format: RowFormat = store.dialect === "postgres" ? "copy" : "json";
    const batches = [];
    for (let i = 0; i < data.hosts.length; i += 1000) {
      const to = Math.min(i + 1000, data.hosts.length);
      batches.push({ hosts: data.hosts.slice(i, to), detections: packed(data.detections, i, to, format), cves: packed(data.cves, i, to, format) });
    }
    const started = performance.now();
    for (const b of batches) await write(b.hosts.map((h) => h[0] as number), b.hosts, b.detections, b.cves);
    return data.total / ((performance.now() - started) / 1000);
  } finally {
    await store.close();
  }
}

export const ingestSqlite = async (file: string, driver: SqliteDriverName, data: IngestRows) => ingestInto(await SqliteStore.open(file, { driver }), data);
export const ingestPostgres = async (url: string, data: IngestRows) => ingestInto(await openStore(url), data);

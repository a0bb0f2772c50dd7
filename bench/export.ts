/**
 * Export bench: the synthetic tenant (BENCH_EXPORT_HOSTS hosts, default 20,000, ~25 detections
 * each, concurrency limit 4, a server cost per host) exported into SQLite by `exportSubscription`
 * (detections), against (a) a sequential truncation walk into the same store, each in its own
 * process (peak RSS is its own) with the tenant in this one. Printed: wall time, the ratio to the
 * theoretical minimum (server time ÷ concurrency), detections/s, peak RSS. Then ingest alone:
 * pre-decoded rows into SQLite and PostgreSQL (when installed), detections/s.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createQualysClient } from "../src/client.js";
import { exportSubscription } from "../src/export/export-subscription.js";
import { openStore } from "../src/export/open-store.js";
import { detectionHostRow, detectionRows, type Row } from "../src/export/rows.js";
import { detectionWriteOps } from "../src/export/kinds/vm.js";
import type { ExportStore } from "../src/export/store.js";
import { newWorker } from "../src/export/worker-id.js";
import { startTenant } from "../src/tenant.js";

const HOSTS = Number(process.env.BENCH_EXPORT_HOSTS ?? 20_000);
const COST_MS = Number(process.env.BENCH_EXPORT_COST_MS ?? 5);
const LIMIT = 4;

interface ModeResult {
  wallMs: number;
  detections: number;
  maxRssMb: number;
}

/** Child side: one export mode against the tenant at `url`, its result as JSON on stdout. */
async function child(mode: string, url: string, db: string): Promise<void> {
  const client = createQualysClient({ credentials: { username: "tenant", password: "tenant-password" }, baseUrls: { vm: url } });
  const started = performance.now();
  let detections = 0;
  if (mode === "parallel" || mode === "parallel-inprocess") {
    const s = await exportSubscription(client, { db, what: ["detections"], concurrency: LIMIT, decodeThreads: mode === "parallel" ? undefined : 0 });
    detections = s.detections;
  } else {
    // (a) the plain way: one truncation walk, a transaction per page.
    const store = await openStore(db);
    await store.migrate();
    const writer = await batchWriter(store);
    let hosts: Row[] = [];
    let rows: Row[] = [];
    let ids: number[] = [];
    const flush = async () => {
      await writer(ids, hosts, rows);
      detections += rows.length;
      hosts = [];
      rows = [];
      ids = [];
    };
    for await (const host of client.vm.listHostDetections({ truncation_limit: 1000 })) {
      ids.push(host.id!);
      hosts.push(detectionHostRow(host));
      for (const r of detectionRows(host, 0)) rows.push(r);
      if (ids.length >= 1000) await flush();
    }
    await flush();
    await store.close();
  }
  await client.close();
  const result: ModeResult = { wallMs: performance.now() - started, detections, maxRssMb: process.resourceUsage().maxRSS / 1024 };
  process.stdout.write(JSON.stringify(result));
}

function runChild(mode: string, url: string, db: string): Promise<ModeResult> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ["--import", "tsx", import.meta.filename, "--child", mode, url, db], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    p.stdout.on("data", (d: Buffer) => (out += d.toString()));
    p.on("close", (code) => (code === 0 ? resolve(JSON.parse(out) as ModeResult) : reject(new Error(`${mode} exited ${code}`))));
  });
}

/** Writes one batch of hosts' detections the way the export does: a planned batch, claimed, committed with the detections kind's table operations. */
async function batchWriter(store: ExportStore): Promise<(ids: number[], hosts: Row[], rows: Row[]) => Promise<void>> {
  const worker = newWorker();
  const runId = await store.createRun({ startedAt: new Date().toISOString(), mode: "full", since: null, what: "detections", options: null });
  await store.joinRun(runId, worker, 600_000);
  let next = 1;
  return async (ids, hosts, rows) => {
    const firstId = next++;
    await store.addBatches(runId, [{ kind: "detections", firstId, lastId: firstId, ids: null }]);
    await store.claim(runId, "detections", worker.id, 600_000);
    await store.commit({ runId, kind: "detections", firstId, worker: worker.id, attempts: 1, records: rows.length }, detectionWriteOps(ids, hosts, rows, [], runId));
  };
}

async function ingest(rowsPerHost: Row[][], hostRows: Row[], url: string): Promise<number> {
  const store = await openStore(url);
  await store.migrate();
  const write = await batchWriter(store);
  const started = performance.now();
  let n = 0;
  for (let i = 0; i < hostRows.length; i += 1000) {
    const hosts = hostRows.slice(i, i + 1000);
    const rows = rowsPerHost.slice(i, i + 1000).flat();
    await write(hosts.map((h) => h[0] as number), hosts, rows);
    n += rows.length;
  }
  const rate = n / ((performance.now() - started) / 1000);
  await store.close();
  return rate;
}

export async function exportBench(): Promise<void> {
  console.log(`\n## Export: ${HOSTS.toLocaleString("en-US")} hosts, concurrency limit ${LIMIT}, ${COST_MS} ms server time per host`);
  const tenant = await startTenant({ hosts: HOSTS, detectionsPerHost: 25, kbSize: 5000, seed: 7, costPerHostMs: COST_MS, limits: { concurrency: LIMIT } });
  const dir = mkdtempSync(join(tmpdir(), "qualys-bench-export-"));
  try {
    const minimumMs = (HOSTS * COST_MS) / LIMIT;
    const results: Record<string, ModeResult> = {};
    for (const mode of ["sequential", "parallel", "parallel-inprocess"]) results[mode] = await runChild(mode, tenant.url, join(dir, `${mode}.db`));
    const base = results.sequential!;
    console.log("| mode | wall s | × theoretical min | detections/s | peak RSS MB | speed-up vs (a) |");
    console.log("|---|---|---|---|---|---|");
    for (const [mode, r] of Object.entries(results)) {
      console.log(`| ${mode === "sequential" ? "(a) sequential truncation walk" : mode} | ${(r.wallMs / 1000).toFixed(1)} | ${(r.wallMs / minimumMs).toFixed(2)} | ${Math.round(r.detections / (r.wallMs / 1000)).toLocaleString("en-US")} | ${r.maxRssMb.toFixed(0)} | ${(base.wallMs / r.wallMs).toFixed(2)}× |`);
    }
    console.log(`theoretical minimum: ${(minimumMs / 1000).toFixed(1)} s (server time ${((HOSTS * COST_MS) / 1000).toFixed(1)} s ÷ ${LIMIT}); detections per mode: ${Object.values(results).map((r) => r.detections).join(" / ")}`);

    // Ingest alone: rows decoded once, then only written.
    const client = createQualysClient({ credentials: tenant.credentials, baseUrls: { vm: tenant.url } });
    tenant.setFaults(undefined);
    const hostRows: Row[] = [];
    const rowsPerHost: Row[][] = [];
    const sample = Math.min(HOSTS, 8000);
    const ids = tenant.model.hostIds().slice(0, sample);
    for await (const host of client.vm.listHostDetections({ ids: `${ids[0]}-${ids[ids.length - 1]}`, truncation_limit: 0 })) {
      hostRows.push(detectionHostRow(host));
      rowsPerHost.push(detectionRows(host, 0));
    }
    await client.close();
    const sqliteRate = await ingest(rowsPerHost, hostRows, `sqlite:${join(dir, "ingest.db")}`);
    let pgRate: number | undefined;
    const hasPg = existsSync("/usr/lib/postgresql");
    if (hasPg) {
      const { startPostgres } = await import("../tests/support/postgres.js");
      const server = await startPostgres();
      try {
        pgRate = await ingest(rowsPerHost, hostRows, await server.createDatabase("bench_ingest"));
      } finally {
        await server.stop();
      }
    }
    const total = rowsPerHost.reduce((n, r) => n + r.length, 0);
    console.log(`ingest alone (${total.toLocaleString("en-US")} pre-decoded detections, 1,000 hosts per transaction): SQLite ${Math.round(sqliteRate).toLocaleString("en-US")}/s, PostgreSQL ${pgRate === undefined ? "not installed" : `${Math.round(pgRate).toLocaleString("en-US")}/s`}`);
  } finally {
    await tenant.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === "--child") await child(process.argv[3]!, process.argv[4]!, process.argv[5]!);
else if (import.meta.filename === process.argv[1]) await exportBench();

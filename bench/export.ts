/**
 * Export bench at scale: the synthetic tenant (BENCH_EXPORT_HOSTS hosts, default 100,000, ~23
 * detections each with their scan results, concurrency limit 4, BENCH_EXPORT_COST_MS of server
 * time per host on timers) exported by `exportSubscription` (detections), each exporting process
 * its own so its peak RSS and CPU are its own, the tenant in this one. The exporting processes
 * run the sources compiled to JavaScript (bench/compile.ts), as users run dist/: under tsx a
 * process also carries tsx's loader threads (BENCH_EXPORT_TSX=1 runs them so). Printed, all from
 * one run:
 *
 *   (a) one process into SQLite (this Node's default driver): wall time as a ratio to the
 *       theoretical minimum — server time ÷ concurrency limit, what no client can beat —,
 *       detections/s, peak RSS;
 *   (b) three processes on one PostgreSQL run, their calls held to the limit together through a
 *       Redis store (real servers started here, as the tests do): ratio to the same minimum;
 *   (c) ingest alone: pre-decoded rows through the export's write path into SQLite with each
 *       driver this Node has, and into PostgreSQL, detections/s;
 *   (d) `qualys report` on (a)'s database: wall time and peak RSS against the bare SQL of its
 *       sections and a bare scan, each in its own process (bench/report.ts's contenders).
 *
 * Each export is checked: both hold the same number of detections, every one the tenant served.
 *
 *   npx tsx bench/export.ts          this benchmark alone
 *   npx tsx bench/ingest-only.ts     (c) alone, in about a minute (no export, no report)
 *   npm run bench                    every benchmark (bench/run.ts calls exportBench())
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import BetterSqlite3 from "better-sqlite3";
import pg from "pg";
import { apiVersionTable } from "../src/generated/versions.js";
import { startTenant, type Tenant } from "../src/tenant.js";
import { startPostgres } from "../tests/support/postgres.js";
import { startRedis } from "../tests/support/redis-server.js";
import { SQLITE_DRIVERS } from "../tests/support/sqlite-drivers.js";
import { compileSources } from "./compile.js";
import { LIMIT, type ChildMeasurement } from "./export-child.js";
import { decodeSample, ingestPostgres, ingestSqlite } from "./export-ingest.js";
import { measure, type Measurement } from "./report.js";

const HOSTS = Number(process.env.BENCH_EXPORT_HOSTS ?? 100_000);
const COST_MS = Number(process.env.BENCH_EXPORT_COST_MS ?? 5);
const WORKERS = 3;
/** Hosts decoded once for the ingest rows (~23 detections each). */
const INGEST_HOSTS = Math.min(HOSTS, 8000);
const TARGET = { ratio: 1.1, rssMb: 300, ingest: 150_000, reportMs: 20_000, reportRssMb: 400 };
/** The path the export calls by default (the version table's current one), where the tenant counts what it served. */
const HLD_PATH = apiVersionTable.find((r) => r.operation === "listHostDetections")!.current.path;
/** Extra node flags for the exporting processes (profiling: BENCH_EXPORT_NODE_FLAGS="--cpu-prof --cpu-prof-dir=…"). */
const NODE_FLAGS = (process.env.BENCH_EXPORT_NODE_FLAGS ?? "").split(/\s+/).filter(Boolean);

let childFile = join(import.meta.dirname, "export-child.ts");

interface Child {
  readonly ready: Promise<void>;
  go(): void;
  readonly done: Promise<ChildMeasurement>;
}

function startChild(args: string[]): Child {
  const p = spawn(process.execPath, [...NODE_FLAGS, ...(childFile.endsWith(".ts") ? ["--import", "tsx"] : []), childFile, ...args], { stdio: ["pipe", "pipe", "inherit"] });
  const lines = createInterface({ input: p.stdout! });
  let ready!: () => void;
  let result: ChildMeasurement | undefined;
  const isReady = new Promise<void>((resolve) => (ready = resolve));
  lines.on("line", (line) => {
    if (line === "ready") ready();
    else if (line.startsWith("{")) result = JSON.parse(line) as ChildMeasurement;
  });
  const done = new Promise<ChildMeasurement>((resolve, reject) =>
    p.on("close", (code) => (code === 0 && result ? resolve(result) : reject(new Error(`export bench: ${args[0]} exited ${code} without a result`)))),
  );
  done.catch(() => {});
  return { ready: Promise.race([isReady, done.then(() => {})]), go: () => p.stdin!.end("go\n"), done };
}

/** Starts the processes, lets them go together once all are ready; the wall time is from then to the last one's end. */
async function runTogether(argsList: string[][]): Promise<{ wallMs: number; children: ChildMeasurement[] }> {
  const children = argsList.map(startChild);
  await Promise.all(children.map((c) => c.ready));
  const started = performance.now();
  for (const c of children) c.go();
  const results = await Promise.all(children.map((c) => c.done));
  return { wallMs: performance.now() - started, children: results };
}

const served = (tenant: Tenant) => tenant.stats.byPath[HLD_PATH]?.records ?? 0;
const fmt = (n: number) => Math.round(n).toLocaleString("en-US");
const mb = (bytes: number) => bytes / 1e6;

async function countPostgres(url: string): Promise<number> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return Number((await c.query("SELECT COUNT(*) AS n FROM detections")).rows[0].n);
  } finally {
    await c.end();
  }
}

function countSqlite(file: string): number {
  const db = new BetterSqlite3(file, { readonly: true });
  try {
    return Number((db.prepare("SELECT COUNT(*) AS n FROM detections").get() as { n: number }).n);
  } finally {
    db.close();
  }
}

export async function exportBench(): Promise<void> {
  const minimumMs = (HOSTS * COST_MS) / LIMIT;
  console.log(`\n## Export: ${fmt(HOSTS)} hosts, concurrency limit ${LIMIT}, ${COST_MS} ms server time per host: theoretical minimum ${(minimumMs / 1000).toFixed(1)} s`);
  const tenant = await startTenant({ hosts: HOSTS, detectionsPerHost: 25, kbSize: 5000, seed: 7, costPerHostMs: COST_MS, limits: { concurrency: LIMIT, rate: { limit: 10_000, windowSec: 3600 } } });
  const dir = mkdtempSync(join(tmpdir(), "qualys-bench-export-"));
  const [postgres, redis] = await Promise.all([startPostgres(), startRedis()]);
  const compiled = process.env.BENCH_EXPORT_TSX === "1" ? undefined : compileSources(["bench/export-child.ts"]);
  if (compiled) childFile = compiled.file("bench/export-child.ts");
  try {
    // (a) one process, SQLite.
    const file = join(dir, "single.db");
    let before = served(tenant);
    const single = await runTogether([["single", tenant.url, `sqlite:${file}`]]);
    const a = single.children[0]!;
    const hostsA = served(tenant) - before;
    const storedA = countSqlite(file);
    if (storedA !== a.detections) throw new Error(`export bench: (a) reported ${a.detections} detections, its database holds ${storedA}`);

    // (b) three processes, one PostgreSQL run, limits shared through Redis.
    const pgUrl = await postgres.createDatabase("bench_workers");
    before = served(tenant);
    const shared = await runTogether(Array.from({ length: WORKERS }, () => ["worker", tenant.url, pgUrl, redis.url]));
    const hostsB = served(tenant) - before;
    const storedB = await countPostgres(pgUrl);
    if (storedB !== storedA) throw new Error(`export bench: three workers wrote ${storedB} detections, one process ${storedA}`);

    console.log("| run | wall s | × theoretical min | detections/s | CPU s | peak RSS MB | hosts served |");
    console.log("|---|---|---|---|---|---|---|");
    const row = (label: string, wallMs: number, cpuMs: number, rss: string, hosts: number) =>
      console.log(`| ${label} | ${(wallMs / 1000).toFixed(1)} | ${(wallMs / minimumMs).toFixed(2)} (target ≤ ${TARGET.ratio}) | ${fmt(storedA / (wallMs / 1000))} | ${(cpuMs / 1000).toFixed(1)} | ${rss} | ${fmt(hosts)} |`);
    row("(a) one process, SQLite", single.wallMs, a.cpuMs, `${a.maxRssMb.toFixed(0)} (target ≤ ${TARGET.rssMb})`, hostsA);
    row(
      `(b) ${WORKERS} processes, PostgreSQL + Redis`,
      shared.wallMs,
      shared.children.reduce((n, c) => n + c.cpuMs, 0),
      shared.children.map((c) => c.maxRssMb.toFixed(0)).join(" / "),
      hostsB,
    );
    console.log(
      `${fmt(storedA)} detections in each database (${(statSync(file).size / 1e9).toFixed(2)} GB SQLite file); batches written by the ${WORKERS} workers: ${shared.children.map((c) => c.batches).join(" / ")}; CPU is the exporting processes' own (the tenant runs in the bench's process)`,
    );

    // (d) `qualys report` on (a)'s database.
    reportPart(file, dir);
    rmSync(file, { force: true });

    // (c) ingest alone.
    const sample = await decodeSample(tenant, INGEST_HOSTS);
    const rates: string[] = [];
    for (const driver of SQLITE_DRIVERS) rates.push(`SQLite (${driver}) ${fmt(await best(() => ingestSqlite(join(dir, `ingest-${driver.replace(":", "-")}-${Math.random()}.db`), driver, sample)))}/s`);
    let n = 0;
    rates.push(`PostgreSQL ${fmt(await best(async () => ingestPostgres(await postgres.createDatabase(`bench_ingest_${n++}`), sample)))}/s`);
    console.log(`ingest alone (${fmt(sample.total)} pre-decoded detections of ${fmt(INGEST_HOSTS)} hosts, 1,000 hosts per transaction, best of 3; target ≥ ${fmt(TARGET.ingest)}/s): ${rates.join(", ")}`);
  } finally {
    compiled?.remove();
    await Promise.all([tenant.close(), postgres.stop(), redis.stop()]);
    rmSync(dir, { recursive: true, force: true });
  }
}

async function best(run: () => Promise<number>): Promise<number> {
  let top = 0;
  for (let i = 0; i < 3; i++) top = Math.max(top, await run());
  return top;
}

function reportPart(file: string, dir: string): void {
  const url = `sqlite:${file}`;
  const scan = measure("scan", url, dir);
  const queries = measure("queries", url, dir);
  const report = measure("report", url, dir);
  for (const [name, m] of [["queries", queries], ["report", report]] as const) {
    if (m.openDetections !== scan.openDetections) throw new Error(`export bench: the report's ${name} counted ${m.openDetections} open detections, the bare scan ${scan.openDetections}`);
  }
  const line = (label: string, m: Measurement) =>
    `| ${label} | ${(m.ms / 1000).toFixed(2)} | ${(m.ms / queries.ms).toFixed(2)} | ${(m.cpuMs / 1000).toFixed(2)} | ${(m.wallMs / 1000).toFixed(2)} | ${mb(m.maxRss).toFixed(0)} | ${(m.maxRss / queries.maxRss).toFixed(2)} |`;
  console.log(`\n\`qualys report\` on (a)'s database (${fmt(scan.openDetections)} open detections), each contender in its own process:`);
  console.log("| contender | time s | × (b) | CPU s | process wall s | peak RSS MB | RSS × (b) |");
  console.log("|---|---|---|---|---|---|---|");
  console.log(line("(a) bare scan: COUNT(*) FROM open_detections", scan));
  console.log(line("(b) the report's SQL, no rendering", queries));
  console.log(line("(c) `qualys report`: SQL + charts + HTML file", report));
  console.log(
    `whole report: ${(report.wallMs / 1000).toFixed(1)} s with node start-up (target < ${TARGET.reportMs / 1000} s: ${report.wallMs < TARGET.reportMs ? "within" : "OVER"}), peak RSS ${mb(report.maxRss).toFixed(0)} MB (target < ${TARGET.reportRssMb} MB: ${mb(report.maxRss) < TARGET.reportRssMb ? "within" : "OVER"})`,
  );
}

if (import.meta.filename === process.argv[1]) await exportBench();

/**
 * `qualys report` on a large SQLite export: 20,000 hosts and ~500,000 detections (a few hundred
 * bytes of scanner output each), 5,000 QIDs, a year of weekly runs. Three contenders, each in its
 * own process so its peak RSS is its own:
 *   (a) bare scan: COUNT(*) over the open_detections view (the least any report must read),
 *   (b) the report's SQL only: every section's query, no charts, no page,
 *   (c) the whole report: queries, Vega charts to SVG, the HTML file written.
 * Times and peak RSS are printed with ratios to (a) and (b) from the same run, next to the budget
 * (10 s, 300 MB); CPU time too, since on a busy machine wall time mostly measures the wait for a
 * core. The report's open-detection count is checked against the generator's, so a
 * wrong report fails the bench instead of looking fast.
 *
 * With BENCH_REPORT_POSTGRES=1 the same rows also go into a PostgreSQL server started for the
 * bench (Debian's, as in the tests) and (b) and (c) run against it too.
 *
 *   npx tsx bench/report.ts            this benchmark alone (BENCH_REPORT_HOSTS=… to resize)
 *   npm run bench                      every benchmark (bench/run.ts calls reportBench())
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import BetterSqlite3 from "better-sqlite3";
import { openDatabase } from "../src/db/open.js";
import { MIGRATIONS } from "../src/export/schema.js";
import { PAGE_SIZE } from "../src/export/sqlite-store.js";
import { writeReport } from "../src/report.js";
import { SECTIONS } from "../src/report/sections/index.js";
import { generateExportData } from "../tests/support/export-data.js";
import { fillExportDatabase } from "../tests/support/export-db.js";
import { startPostgres } from "../tests/support/postgres.js";

const CHILD_FLAG = "--report-bench-child";
const MiB = 1024 * 1024;
const AS_OF = "2026-06-01T00:00:00Z";
const BUDGET = { ms: 10_000, rss: 300 * 1e6 };

type ContenderName = "scan" | "queries" | "report";
const DATA = { qids: 5000, runs: 52, asOf: AS_OF, seed: 42, resultsChars: 300 };

export interface Measurement {
  ms: number;
  /** CPU time (user + system) of the work: what wall time would be on an idle machine. */
  cpuMs: number;
  /** The child process from spawn to exit: node start-up, module loading and the work. */
  wallMs: number;
  maxRss: number;
  openDetections: number;
}

/** Builds the database with prepared statements in one transaction: the fast path, not the report's. */
export async function buildDatabase(file: string, hosts: number, perHost: number): Promise<{ detections: number; open: number }> {
  const db = new BetterSqlite3(file);
  // The page size the export creates its databases with (BENCH_REPORT_PAGE_SIZE to compare another).
  db.pragma(`page_size = ${Number(process.env.BENCH_REPORT_PAGE_SIZE ?? PAGE_SIZE)}`);
  db.pragma("journal_mode = OFF");
  db.pragma("synchronous = OFF");
  for (const m of MIGRATIONS) db.exec(m.sql.sqlite);
  const removed = new Set<unknown>();
  let detections = 0;
  let open = 0;
  const statements = new Map<string, BetterSqlite3.Statement>();
  db.exec("BEGIN");
  await generateExportData({ ...DATA, hosts, detectionsPerHost: perHost }, (batch) => {
    const key = `${batch.table}:${batch.columns.join(",")}`;
    let insert = statements.get(key);
    if (!insert) {
      insert = db.prepare(`INSERT INTO ${batch.table} (${batch.columns.join(", ")}) VALUES (${batch.columns.map(() => "?").join(", ")})`);
      statements.set(key, insert);
    }
    const at = (name: string) => batch.columns.indexOf(name);
    for (const row of batch.rows) {
      insert.run(row.map((v) => (typeof v === "boolean" ? Number(v) : v)));
      if (batch.table === "hosts" && row[at("removed_at")] !== null) removed.add(row[at("host_id")]);
      if (batch.table === "detections") {
        detections++;
        if (["New", "Active", "Re-Opened"].includes(String(row[at("status")])) && !removed.has(row[at("host_id")])) open++;
      }
    }
  });
  db.exec("COMMIT");
  db.exec("ANALYZE");
  db.close();
  return { detections, open };
}

const contenders: Record<ContenderName, (url: string, dir: string) => Promise<number>> = {
  async scan(url) {
    const db = await openDatabase(url, { readonly: true });
    try {
      return Number((await db.all<{ n: number }>("SELECT COUNT(*) AS n FROM open_detections"))[0]!.n);
    } finally {
      await db.close();
    }
  },
  async queries(url) {
    const db = await openDatabase(url, { readonly: true });
    try {
      let open = 0;
      for (const section of SECTIONS) {
        const rows = await db.all(`${section.sql({ dialect: db.dialect, asOf: AS_OF })};`);
        if (section.id === "summary") open = Number(rows[0]!.open_detections);
      }
      return open;
    } finally {
      await db.close();
    }
  },
  async report(url, dir) {
    const report = await writeReport({ db: url, asOf: AS_OF, out: join(dir, "report.html") });
    return Number(report.sections[0]!.rows[0]!.open_detections);
  },
};

export function measure(name: ContenderName, url: string, dir: string): Measurement {
  const started = performance.now();
  const run = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), CHILD_FLAG, name, url, dir], { encoding: "utf8", maxBuffer: MiB });
  if (run.status !== 0) throw new Error(`report bench: contender ${name} failed (exit ${run.status}):\n${run.stderr}`);
  return { ...(JSON.parse(run.stdout.trim().split("\n").at(-1) ?? "") as Measurement), wallMs: performance.now() - started };
}

export async function reportBench(): Promise<void> {
  const hosts = Number(process.env.BENCH_REPORT_HOSTS ?? 20_000);
  const perHost = Number(process.env.BENCH_REPORT_DETECTIONS_PER_HOST ?? 25);
  const dir = mkdtempSync(join(tmpdir(), "qualys-ts-report-bench-"));
  const file = join(dir, "export.db");
  try {
    const started = performance.now();
    const built = await buildDatabase(file, hosts, perHost);
    console.log(
      `\nreport: SQLite export of ${hosts} hosts, ${built.detections} detections (${built.open} open), ${(statSync(file).size / MiB).toFixed(0)} MiB, built in ${((performance.now() - started) / 1000).toFixed(1)} s; one run per contender, each in its own process`,
    );
    const rows: [string, ContenderName][] = [
      ["(a) bare scan: COUNT(*) FROM open_detections", "scan"],
      ["(b) the report's SQL, no rendering", "queries"],
      ["(c) whole report: SQL + Vega SVG + HTML file", "report"],
    ];
    const results = rows.map(([label, name]) => {
      const m = measure(name, `sqlite:${file}`, dir);
      if (m.openDetections !== built.open) throw new Error(`report bench: ${label} counted ${m.openDetections} open detections, the generator made ${built.open}`);
      return { label, m };
    });
    const [scan, queries] = [results[0]!.m, results[1]!.m];
    console.table(
      results.map(({ label, m }) => ({
        contender: label,
        "time s": (m.ms / 1000).toFixed(2),
        "time × (a)": (m.ms / scan.ms).toFixed(1),
        "time × (b)": (m.ms / queries.ms).toFixed(2),
        "CPU s": (m.cpuMs / 1000).toFixed(2),
        "CPU × (a)": (m.cpuMs / scan.cpuMs).toFixed(1),
        "process wall s": (m.wallMs / 1000).toFixed(2),
        "peak RSS MiB": (m.maxRss / MiB).toFixed(0),
        "RSS × (a)": (m.maxRss / scan.maxRss).toFixed(2),
      })),
    );
    const whole = results[2]!.m;
    console.log(
      `whole report: ${(whole.ms / 1000).toFixed(2)} s (${(whole.cpuMs / 1000).toFixed(2)} s CPU), ${(whole.wallMs / 1000).toFixed(2)} s with node start-up (budget ${BUDGET.ms / 1000} s: ${whole.wallMs <= BUDGET.ms ? "within" : "OVER"}), peak RSS ${(whole.maxRss / 1e6).toFixed(0)} MB (budget ${BUDGET.rss / 1e6} MB: ${whole.maxRss <= BUDGET.rss ? "within" : "OVER"})`,
    );
    if (process.env.BENCH_REPORT_POSTGRES === "1") await postgresPart(hosts, perHost, built.open, dir, results);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The same rows in PostgreSQL; (b) and (c) against it, as ratios to SQLite's (b). */
async function postgresPart(hosts: number, perHost: number, open: number, dir: string, sqlite: { label: string; m: Measurement }[]): Promise<void> {
  const server = await startPostgres();
  try {
    const url = await server.createDatabase("report_bench");
    const db = await openDatabase(url);
    const started = performance.now();
    await fillExportDatabase(db, { ...DATA, hosts, detectionsPerHost: perHost });
    await db.close();
    console.log(`report on PostgreSQL: same rows, loaded in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    const base = sqlite[1]!.m;
    const results = (["queries", "report"] as const).map((name) => {
      const m = measure(name, url, dir);
      if (m.openDetections !== open) throw new Error(`report bench: PostgreSQL ${name} counted ${m.openDetections} open detections, the generator made ${open}`);
      return { contender: `PostgreSQL ${name === "queries" ? "(b) SQL only" : "(c) whole report"}`, m };
    });
    console.table(
      results.map(({ contender, m }) => ({
        contender,
        "time s": (m.ms / 1000).toFixed(2),
        "time × SQLite (b)": (m.ms / base.ms).toFixed(2),
        "client CPU s": (m.cpuMs / 1000).toFixed(2),
        "process wall s": (m.wallMs / 1000).toFixed(2),
        "peak RSS MiB": (m.maxRss / MiB).toFixed(0),
      })),
    );
  } finally {
    await server.stop();
  }
}

async function child(name: ContenderName, url: string, dir: string): Promise<void> {
  const start = performance.now();
  const cpu = process.cpuUsage();
  const openDetections = await contenders[name](url, dir);
  const ms = performance.now() - start;
  const used = process.cpuUsage(cpu);
  const measurement: Omit<Measurement, "wallMs"> = { ms, cpuMs: (used.user + used.system) / 1000, maxRss: process.resourceUsage().maxRSS * 1024, openDetections };
  process.stdout.write(`${JSON.stringify(measurement)}\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const at = process.argv.indexOf(CHILD_FLAG);
  if (at >= 0) await child(process.argv[at + 1] as ContenderName, process.argv[at + 2]!, process.argv[at + 3]!);
  else await reportBench();
}

/**
 * The export bench's ingest part alone (bench/export-ingest.ts), for iterating on the write path in
 * about a minute: 8,000 tenant hosts' detections decoded once, then written into SQLite with each
 * driver this Node has and into PostgreSQL, best of BENCH_INGEST_RUNS (default 3).
 *
 *   npx tsx bench/ingest-only.ts [sqlite|postgres]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startTenant } from "../src/tenant.js";
import { startPostgres } from "../tests/support/postgres.js";
import { SQLITE_DRIVERS } from "../tests/support/sqlite-drivers.js";
import { decodeSample, ingestPostgres, ingestSqlite } from "./export-ingest.js";

const HOSTS = 8000;
const RUNS = Number(process.env.BENCH_INGEST_RUNS ?? 3);
const only = process.argv[2];
const fmt = (n: number) => Math.round(n).toLocaleString("en-US");

const tenant = await startTenant({ hosts: HOSTS, detectionsPerHost: 25, kbSize: 5000, seed: 7, costPerHostMs: 0, limits: { concurrency: 4, rate: { limit: 10_000, windowSec: 3600 } } });
const sample = await decodeSample(tenant, HOSTS).finally(() => tenant.close());
const dir = mkdtempSync(join(tmpdir(), "qualys-ts-ingest-"));
try {
  console.log(`${fmt(sample.total)} detections of ${fmt(HOSTS)} hosts, ${fmt(sample.cves.reduce((n, c) => n + c.length, 0))} CVE rows; best of ${RUNS}`);
  if (only !== "postgres") {
    for (const driver of SQLITE_DRIVERS) {
      const rates: number[] = [];
      for (let i = 0; i < RUNS; i++) rates.push(await ingestSqlite(join(dir, `ingest-${i}-${driver.replace(":", "-")}.db`), driver, sample));
      console.log(`SQLite (${driver}): ${fmt(Math.max(...rates))}/s  [${rates.map(fmt).join(", ")}]`);
    }
  }
  if (only !== "sqlite") {
    const postgres = await startPostgres();
    try {
      const rates: number[] = [];
      for (let i = 0; i < RUNS; i++) rates.push(await ingestPostgres(await postgres.createDatabase(`ingest_${i}`), sample));
      console.log(`PostgreSQL: ${fmt(Math.max(...rates))}/s  [${rates.map(fmt).join(", ")}]`);
    } finally {
      await postgres.stop();
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

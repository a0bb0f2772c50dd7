/**
 * The exporting process of the export bench (bench/export.ts), one per contender so its peak RSS
 * and CPU time are its own: loads everything, says "ready", waits for "go" on stdin (so several
 * workers start together and start-up is not timed), runs, and prints its measurement as JSON.
 *
 *   single  <tenant url> <sqlite file>                  exportSubscription into SQLite, this Node's default driver
 *   worker  <tenant url> <postgres url> <redis url>     one of several processes on one PostgreSQL run, limits shared through Redis
 *
 * BENCH_EXPORT_SAMPLE_MS=500 prints the process's memory (V8 heap, buffers, anonymous and file
 * RSS) every 500 ms on stderr, for finding where a peak comes from.
 */
import { readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { createQualysClient } from "../src/client.js";
import { exportSubscription } from "../src/export/export-subscription.js";

export interface ChildMeasurement {
  /** From "go" to the end of the export, in the child. */
  ms: number;
  /** CPU time (user + system) of the process, all its threads, over the same span. */
  cpuMs: number;
  /** Peak RSS of the process (its decode threads included), MB (10^6 bytes). */
  maxRssMb: number;
  /** Detections in the whole run (every worker's batches). */
  detections: number;
  /** Batches this process wrote. */
  batches: number;
}

export const LIMIT = 4;

async function main(_mode: string, url: string, db: string, redis?: string): Promise<void> {
  const rateLimit = redis ? { store: (await import("../src/redis.js")).redisStore({ url: redis }) } : undefined;
  const client = createQualysClient({ credentials: { username: "tenant", password: "tenant-password" }, baseUrls: { vm: url }, ...(rateLimit ? { rateLimit } : {}) });
  process.stdout.write("ready\n");
  const lines = createInterface({ input: process.stdin });
  await new Promise<void>((resolve) => lines.once("line", () => resolve()));
  lines.close();
  const sampleMs = Number(process.env.BENCH_EXPORT_SAMPLE_MS ?? 0);
  // Memory over time on stderr, for finding where the peak comes from.
  const sampler = sampleMs > 0 ? setInterval(() => process.stderr.write(`mem ${JSON.stringify(Object.fromEntries(Object.entries(process.memoryUsage()).map(([k, v]) => [k, Math.round(v / 1e6)])))} ${readFileSync("/proc/self/status", "utf8").split("\n").filter((l) => /^(RssAnon|RssFile|RssShmem|VmHWM)/.test(l)).join(" ").replace(/\s+/g, " ")}\n`), sampleMs) : undefined;
  const cpu = process.cpuUsage();
  const started = performance.now();
  const summary = await exportSubscription(client, { db, what: ["detections"], concurrency: LIMIT });
  const ms = performance.now() - started;
  clearInterval(sampler);
  const used = process.cpuUsage(cpu);
  await client.close();
  const result: ChildMeasurement = { ms, cpuMs: (used.user + used.system) / 1000, maxRssMb: (process.resourceUsage().maxRSS * 1024) / 1e6, detections: summary.detections, batches: summary.batchesWritten };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

if (import.meta.filename === process.argv[1]) await main(process.argv[2]!, process.argv[3]!, process.argv[4]!, process.argv[5]);

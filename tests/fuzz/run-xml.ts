/**
 * Drives the XML fuzz cases through worker processes with a watchdog and counts the outcomes:
 * typed errors, accepted, crashes (any error that is not a QualysError), hangs (a case past the
 * watchdog), and partial records (a record that is not the source's). The last three must be 0.
 */
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { join } from "node:path";
import type { CaseResult } from "./xml-worker.js";
import { caseCount, type Scale } from "./xml-cases.js";

export interface FuzzSummary {
  readonly inputs: number;
  readonly typedErrors: number;
  readonly accepted: number;
  readonly crashes: number;
  readonly hangs: number;
  readonly partialRecords: number;
  readonly byKind: Record<string, { inputs: number; typed: number; accepted: number; slowestMs: number }>;
  readonly failures: readonly string[];
  readonly seconds: number;
}

const WORKER = join(import.meta.dirname, "xml-worker.ts");

export async function runXmlFuzz(options: { scale: Scale; seed: number; hangMs?: number; onProgress?: (done: number, total: number) => void }): Promise<FuzzSummary> {
  const started = performance.now();
  const total = caseCount(options.scale);
  const hangMs = options.hangMs ?? 20_000;
  const results: CaseResult[] = [];
  const hangs: number[] = [];
  let from = 0;
  while (from < total) {
    const next = await runWorker(options.scale, options.seed, from, hangMs, (r) => {
      results.push(r);
      options.onProgress?.(results.length + hangs.length, total);
    });
    if (next.hungAt === undefined) break;
    hangs.push(next.hungAt);
    from = next.hungAt + 1;
  }
  const byKind: FuzzSummary["byKind"] = {};
  const failures: string[] = [];
  for (const r of results) {
    const k = (byKind[r.kind] ??= { inputs: 0, typed: 0, accepted: 0, slowestMs: 0 });
    k.inputs++;
    if (r.outcome === "typed-error") k.typed++;
    if (r.outcome === "accepted") k.accepted++;
    k.slowestMs = Math.max(k.slowestMs, Math.round(r.ms));
    if (r.outcome === "crash" || r.partial) failures.push(`#${r.index} ${r.kind}: ${r.outcome}${r.partial ? " with a partial/wrong record" : ""} ${r.error ?? ""}`);
  }
  for (const h of hangs) failures.push(`#${h}: no answer within ${hangMs} ms`);
  return {
    inputs: results.length + hangs.length,
    typedErrors: results.filter((r) => r.outcome === "typed-error").length,
    accepted: results.filter((r) => r.outcome === "accepted").length,
    crashes: results.filter((r) => r.outcome === "crash").length,
    hangs: hangs.length,
    partialRecords: results.filter((r) => r.partial).length,
    byKind,
    failures,
    seconds: (performance.now() - started) / 1000,
  };
}

function runWorker(scale: Scale, seed: number, from: number, hangMs: number, onResult: (r: CaseResult) => void): Promise<{ hungAt?: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "--max-old-space-size=2048", WORKER, scale, String(seed), String(from)], { stdio: ["ignore", "pipe", "inherit"] });
    let current: number | undefined;
    let finished = false;
    let timer: NodeJS.Timeout | undefined;
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        finished = true;
        child.kill("SIGKILL");
        resolve({ hungAt: current ?? from });
      }, hangMs);
    };
    arm();
    createInterface({ input: child.stdout }).on("line", (line) => {
      const msg = JSON.parse(line) as { start?: number; done?: boolean } & Partial<CaseResult>;
      if (msg.start !== undefined) {
        current = msg.start;
        arm();
      } else if (msg.done) {
        finished = true;
        clearTimeout(timer);
      } else onResult(msg as CaseResult);
    });
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      if (finished) return resolve({});
      // The worker died mid-case (out of memory, a native crash): that case crashed the process.
      if (current !== undefined) {
        onResult({ index: current, kind: "worker-died", outcome: "crash", records: 0, partial: false, error: `worker exited ${code ?? signal}`, ms: 0 });
        // Go on after the case that killed the worker.
        runWorker(scale, seed, current + 1, hangMs, onResult).then(resolve, reject);
        return;
      }
      reject(new Error(`fuzz worker exited ${code ?? signal} before any case`));
    });
  });
}

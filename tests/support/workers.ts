/** Child processes running tests/runtime/rate-limit/fixtures/rate-limit-worker.ts, started together and sent off at once. */
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { createInterface } from "node:readline";

const WORKER = join(import.meta.dirname, "..", "runtime", "rate-limit", "fixtures", "rate-limit-worker.ts");

export interface WorkerConfig {
  sim: string;
  path: string;
  calls: number;
  name: string;
  /** Shared store at this URL; a private memory store without. */
  redis?: string;
  keyPrefix?: string;
  leaseMs?: number;
  pollMs?: number;
}

export interface WorkerResult {
  name: string;
  statuses: number[];
  errors: string[];
}

export interface Worker {
  readonly child: ChildProcess;
  go(): void;
  /** The worker's report once it exits; rejects if it exits without one (killed, crashed). */
  readonly done: Promise<WorkerResult>;
}

/** Starts a worker and resolves once it is ready to go (tsx has compiled it and the stack is up). */
export async function startWorker(config: WorkerConfig): Promise<Worker> {
  // `node --import tsx`, not the tsx binary: the pid is the worker's own, so kill -9 hits it.
  const child = spawn(process.execPath, ["--import", "tsx", WORKER, JSON.stringify(config)], { stdio: ["pipe", "pipe", "pipe"], cwd: join(import.meta.dirname, "..", "..") });
  let stderr = "";
  child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const lines = createInterface({ input: child.stdout! });
  let ready!: () => void;
  const isReady = new Promise<void>((resolve) => (ready = resolve));
  let report: WorkerResult | undefined;
  lines.on("line", (line) => {
    if (line === "ready") ready();
    else if (line.startsWith("{")) report = JSON.parse(line) as WorkerResult;
  });
  const done = new Promise<WorkerResult>((resolve, reject) => {
    child.once("exit", (code, signal) => {
      if (report) resolve(report);
      else reject(new Error(`worker ${config.name} exited (${signal ?? code}) without a report: ${stderr}`));
    });
  });
  done.catch(() => {});
  await Promise.race([isReady, done]);
  return { child, go: () => child.stdin!.write("go\n"), done };
}

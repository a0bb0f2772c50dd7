/**
 * Several processes (child processes, each its own scheduler) sharing one subscription's limits
 * through a real redis-server, against the Qualys simulator running here. Scaled down from
 * Qualys's 300 calls per hour and 2 at once to 40 per 2 s and 2 at once.
 */
import type { IncomingMessage } from "node:http";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startSimulator, type Simulator, type SimulatorOptions } from "../../servers/qualys-simulator.js";
import { startRedis, type RedisServer } from "../../support/redis-server.js";
import { startWorker, type Worker } from "../../support/workers.js";

const PATH = "/api/5.0/fo/asset/host/";
let redis: RedisServer;
let sim: Simulator | undefined;
const workers: Worker[] = [];

beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
});
afterEach(async () => {
  for (const w of workers.splice(0)) if (w.child.exitCode === null) w.child.kill("SIGKILL");
  await sim?.close();
  sim = undefined;
});

/** The simulator, noting when each executed call was answered and by which worker it came. */
async function simulator(options: SimulatorOptions) {
  const answered: { at: number; worker: string }[] = [];
  let blockedBeforeFirstAnswer: number | undefined;
  sim = await startSimulator({
    ...options,
    respond: (req: IncomingMessage) => {
      blockedBeforeFirstAnswer ??= sim!.stats.blocked;
      answered.push({ at: Date.now(), worker: new URL(req.url ?? "/", "http://x").searchParams.get("worker") ?? "" });
    },
  });
  return { sim, answered, blockedAfterFirstAnswer: () => sim!.stats.blocked - (blockedBeforeFirstAnswer ?? 0) };
}

describe("processes sharing a subscription through Redis", () => {
  it("4 processes × 120 calls: none blocked after the first answer, at least 95% of the quota used", async () => {
    const Q = 40;
    const W = 2;
    const C = 2;
    const LATENCY = 20;
    const { sim: s, answered, blockedAfterFirstAnswer } = await simulator({ limit: Q, windowSec: W, concurrency: C, latencyMs: LATENCY });
    const started = await Promise.all(
      ["a", "b", "c", "d"].map((name) => startWorker({ sim: s.url, path: PATH, calls: 120, name, redis: redis.url, keyPrefix: "four" })),
    );
    workers.push(...started);
    for (const w of started) w.go();
    const results = await Promise.all(started.map((w) => w.done));

    expect(results.flatMap((r) => r.errors)).toEqual([]);
    expect(results.map((r) => r.statuses.filter((st) => st === 200).length)).toEqual([120, 120, 120, 120]);
    expect(blockedAfterFirstAnswer()).toBe(0);
    expect(s.stats.byPath[PATH]!.maxInWindow).toBeLessThanOrEqual(Q);
    expect(s.stats.maxRunning).toBeLessThanOrEqual(C);
    // Every process got its turn, not one after the other.
    expect(new Set(answered.slice(0, 3 * Q).map((a) => a.worker)).size).toBeGreaterThan(1);
    // Quota use: the rolling window lets call k·Q+1 start no earlier than k·W after the first call.
    // How soon the last window's first call started, against that, says how much of the quota the
    // processes let go unused (late wake-ups, polling lag, stalls); the time calls take once
    // started is the machine's, not the quota's, and is left out.
    const windows = Math.ceil((4 * 120) / Q) - 1;
    const lastWindowStart = answered[windows * Q]!.at - answered[0]!.at;
    const starts = Array.from({ length: windows + 1 }, (_, k) => answered[k * Q]!.at - answered[0]!.at);
    expect((windows * W * 1000) / lastWindowStart, `each window's first call, ms after the first: ${starts.join(", ")}`).toBeGreaterThanOrEqual(0.95);
  }, 60_000);

  it("kill -9 of a process holding both permits: another goes on within the lease", async () => {
    const LEASE = 1000;
    const { sim: s, answered } = await simulator({ limit: 1000, windowSec: 60, concurrency: 2, latencyMs: 400 });
    const [victim, survivor] = await Promise.all([
      startWorker({ sim: s.url, path: PATH, calls: 50, name: "victim", redis: redis.url, keyPrefix: "kill", leaseMs: LEASE }),
      startWorker({ sim: s.url, path: PATH, calls: 6, name: "survivor", redis: redis.url, keyPrefix: "kill", leaseMs: LEASE, pollMs: 20 }),
    ]);
    workers.push(victim!, survivor!);
    victim!.go();
    const waitStarted = Date.now();
    while (s.stats.running < 2 && Date.now() - waitStarted < 10_000) await new Promise((r) => setTimeout(r, 5));
    expect(s.stats.running).toBe(2);
    victim!.child.kill("SIGKILL");
    const killedAt = Date.now();
    await expect(victim!.done).rejects.toThrow(/SIGKILL/);
    survivor!.go();
    const result = await survivor!.done;

    expect(result.statuses).toEqual([200, 200, 200, 200, 200, 200]);
    const first = answered.find((a) => a.worker === "survivor")!.at - 400 - killedAt;
    // The dead process's permits were renewed at most a third of a lease before the kill, so they
    // stood for at least two thirds of one; then they expired and nothing else held the survivor up.
    expect(first).toBeGreaterThanOrEqual((2 * LEASE) / 3 - 50);
    expect(first).toBeLessThanOrEqual(LEASE + 600);
    expect(s.stats.blocked).toBe(0);
  }, 30_000);
});

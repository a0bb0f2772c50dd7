/**
 * Many processes, one subscription. Part of `rateLimitBench` (bench/rate-limit.ts), same run:
 *
 * 1. P processes × N calls each against one simulator (Q per W s, C at once): sharing the limits
 *    through redisStore, vs each with its own memory store (what separate processes get without
 *    a shared store). Quota utilisation = practical minimum / wall, the practical minimum being
 *    the full windows P·N calls need plus the time Q unthrottled calls took in this run. "Last
 *    window on time": the rolling window lets the last window's first call start (windows−1)·W
 *    after the first call at the earliest; that earliest time against when it did start.
 * 2. The store's own cost: calls/s at concurrency 1 and 32 through the memory store and through
 *    redisStore, one process, a simulator with no quota and no latency, alternating rounds;
 *    "added per call" = 1/(Redis calls/s) − 1/(memory calls/s).
 *
 * Starts its own redis-server (Debian's package) on a free 127.0.0.1 port.
 */
import { compose } from "../src/runtime/pipeline.js";
import { createRateLimitLayers, type RateLimitStore } from "../src/runtime/rate-limit/index.js";
import { redisStore } from "../src/redis.js";
import { startSimulator } from "../tests/servers/qualys-simulator.js";
import { startRedis, type RedisServer } from "../tests/support/redis-server.js";
import { startWorker } from "../tests/support/workers.js";

const PATH = "/api/5.0/fo/asset/host/";

export interface SharedBenchSetup {
  readonly limit: number;
  readonly windowSec: number;
  readonly concurrency: number;
  readonly latencyMs: number;
  /** Seconds Q calls take at C at a time through the stack with no quota, measured in this run. */
  readonly oneWindowSec: number;
}

async function processes(setup: SharedBenchSetup, redis: RedisServer | undefined, prefix: string, count: number, calls: number) {
  let blockedAtFirst: number | undefined;
  const answered: number[] = [];
  const sim = await startSimulator({
    limit: setup.limit,
    windowSec: setup.windowSec,
    concurrency: setup.concurrency,
    latencyMs: setup.latencyMs,
    // Called as each executed call is answered: the first answer, and the span of the run as Qualys sees it.
    respond: () => {
      blockedAtFirst ??= sim.stats.blocked;
      answered.push(Date.now());
    },
  });
  const workers = await Promise.all(
    Array.from({ length: count }, (_, i) => startWorker({ sim: sim.url, path: PATH, calls, name: `p${i}`, redis: redis?.url, keyPrefix: prefix })),
  );
  for (const w of workers) w.go();
  const results = await Promise.all(workers.map((w) => w.done));
  await sim.close();
  const ok = results.reduce((n, r) => n + r.statuses.filter((s) => s === 200).length, 0);
  const windows = Math.ceil((count * calls) / setup.limit) - 1;
  const lastWindowStart = (answered[windows * setup.limit]! - answered[0]!) / 1000;
  return { wall: (answered.at(-1)! - answered[0]! + setup.latencyMs) / 1000, windowsUse: (windows * setup.windowSec) / lastWindowStart, ok, blocked: sim.stats.blocked, blockedAfterFirst: sim.stats.blocked - (blockedAtFirst ?? 0), stats: sim.stats.byPath[PATH]! };
}

async function throughput(store: RateLimitStore | undefined, calls: number, concurrency: number): Promise<number> {
  const sim = await startSimulator({ limit: 1e9, windowSec: 60, concurrency });
  const limits = createRateLimitLayers({ store, subscription: { platform: sim.url, user: "bench" }, defaults: { concurrency } });
  const handler = compose([...limits.layers], limits.transport);
  const call = async () => {
    const res = await handler(new Request(`${sim.url}${PATH}`, { method: "POST", body: "action=list" }), { module: "vm", family: "vm", idempotent: true });
    await res.arrayBuffer();
  };
  // Warm-up: connections, JIT, the scripts loaded into Redis.
  await Promise.all(Array.from({ length: concurrency }, call));
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next++ < calls) await call();
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  await limits.close();
  await sim.close();
  return calls / seconds;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function sharedStoreBench(setup: SharedBenchSetup): Promise<void> {
  const P = 4;
  const N = 120;
  const redis = await startRedis();
  try {
    const total = P * N;
    const practical = (Math.ceil(total / setup.limit) - 1) * setup.windowSec + setup.oneWindowSec;
    console.log(`\nrate-limit, ${P} processes × ${N} calls, one subscription (same simulator, quota ${setup.limit} per ${setup.windowSec} s, concurrency ${setup.concurrency})`);
    console.log(`practical minimum ${practical.toFixed(2)} s (${Math.ceil(total / setup.limit) - 1} full windows + ${setup.oneWindowSec.toFixed(2)} s for one window's calls)`);
    const rows = [];
    for (const kind of ["shared Redis store", "private memory stores"] as const) {
      const r = await processes(setup, kind === "shared Redis store" ? redis : undefined, "bench-processes", P, N);
      rows.push({
        stores: kind,
        "wall (s)": r.wall.toFixed(2),
        "wall / practical min": `${(r.wall / practical).toFixed(2)}×`,
        "quota utilisation": `${Math.min(100, (100 * practical) / r.wall).toFixed(1)}%`,
        "last window on time": `${(100 * r.windowsUse).toFixed(1)}%`,
        "blocked calls": r.blocked,
        "blocked after 1st answer": r.blockedAfterFirst,
        "answered 200": `${r.ok}/${total}`,
        "max in a window": `${r.stats.maxInWindow}/${setup.limit}`,
        "max at once": `${r.stats.maxRunning}/${setup.concurrency}`,
      });
    }
    console.table(rows);

    // At concurrency 1 each call waits for both scripts' round trips; at 32 the queue shares them.
    for (const [C, CALLS] of [
      [1, 1000],
      [32, 3000],
    ] as const) {
      const rounds: Record<"memory" | "redis", number[]> = { memory: [], redis: [] };
      for (let round = 0; round < 3; round++) {
        rounds.memory.push(await throughput(undefined, CALLS, C));
        rounds.redis.push(await throughput(redisStore({ url: redis.url, keyPrefix: `bench-throughput-${C}-${round}` }), CALLS, C));
      }
      const mem = median(rounds.memory);
      const red = median(rounds.redis);
      console.log(`\nrate-limit store cost: ${CALLS} calls at concurrency ${C}, no quota, no latency (one process; median of 3 alternating rounds)`);
      console.table([
        { store: "memory (baseline)", "calls/s": mem.toFixed(0), "vs memory": "1.00×", "added per call (ms)": "—" },
        { store: "Redis (2 scripts per call)", "calls/s": red.toFixed(0), "vs memory": `${(red / mem).toFixed(2)}×`, "added per call (ms)": (1000 / red - 1000 / mem).toFixed(3) },
      ]);
    }
  } finally {
    await redis.stop();
  }
}

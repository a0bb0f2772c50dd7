/**
 * 3Q calls against the Qualys simulator (same process, 127.0.0.1) allowing Q calls per W seconds
 * and C at once, scaled down from Qualys's 300 per hour and 2 at once: (a) through the scheduler,
 * (b) a naive client that fires everything and only retries after a 409, sleeping the advertised
 * wait. Both from the same run, side by side.
 *
 * The best any client can do: Q calls at C at a time, then the rolling window lets the next Q go
 * W after the first ones, and again W later: 2W + the time Q calls take at C at a time. With zero
 * per-call cost that is 2W + (Q/C)·latency ("ideal"); on this machine, the time Q calls take is
 * measured in the same run through the same stack on an API without a quota ("practical
 * minimum"). Quota utilisation is practical minimum / wall: the share of what the quota allowed
 * that the client used.
 */
import { compose } from "../src/runtime/pipeline.js";
import { createRateLimitLayers } from "../src/runtime/rate-limit/index.js";
import { startSimulator } from "../tests/servers/qualys-simulator.js";
import { sharedStoreBench } from "./rate-limit-shared.js";

const Q = 40;
const W = 2;
const C = 2;
const LATENCY = 20;
const CALLS = 3 * Q;
const PATH = "/api/5.0/fo/asset/host/";

async function run(kind: "scheduler" | "naive") {
  const sim = await startSimulator({ limit: Q, windowSec: W, concurrency: C, latencyMs: LATENCY });
  const url = `${sim.url}${PATH}`;
  let blockedAfterFirstAnswer = -1;
  const firstAnswer = () => {
    if (blockedAfterFirstAnswer < 0) blockedAfterFirstAnswer = sim.stats.blocked;
  };
  const started = performance.now();
  if (kind === "scheduler") {
    const limits = createRateLimitLayers();
    const handler = compose([...limits.layers], limits.transport);
    await Promise.all(
      Array.from({ length: CALLS }, async () => {
        const res = await handler(new Request(url, { method: "POST", body: "action=list" }), { module: "vm", family: "vm", operationId: "listHosts", idempotent: true });
        firstAnswer();
        await res.arrayBuffer();
      }),
    );
    await limits.close();
  } else {
    await Promise.all(
      Array.from({ length: CALLS }, async () => {
        for (;;) {
          const res = await fetch(url, { method: "POST", body: "action=list" });
          firstAnswer();
          await res.arrayBuffer();
          if (res.status !== 409) return;
          const wait = Number(res.headers.get("x-ratelimit-towait-sec") ?? "0");
          // 1960 names no wait: a short pause, as naive clients do.
          await new Promise((r) => setTimeout(r, Math.max(wait * 1000, 250)));
        }
      }),
    );
  }
  const elapsed = (performance.now() - started) / 1000;
  await sim.close();
  const path = sim.stats.byPath[PATH]!;
  return { elapsed, blocked: sim.stats.blocked, blockedAfterFirstAnswer: sim.stats.blocked - blockedAfterFirstAnswer, executed: sim.stats.executed, maxInWindow: path.maxInWindow, maxRunning: path.maxRunning };
}

/** How long Q calls take at C at a time through the scheduler stack when no quota applies. */
async function oneWindowOfCalls(): Promise<number> {
  const sim = await startSimulator({ limit: 1e9, windowSec: W, concurrency: C, latencyMs: LATENCY });
  const limits = createRateLimitLayers();
  const handler = compose([...limits.layers], limits.transport);
  const started = performance.now();
  await Promise.all(
    Array.from({ length: Q }, async () => {
      const res = await handler(new Request(`${sim.url}${PATH}`, { method: "POST", body: "action=list" }), { module: "vm", family: "vm", idempotent: true });
      await res.arrayBuffer();
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  await limits.close();
  await sim.close();
  return elapsed;
}

export async function rateLimitBench(): Promise<void> {
  console.log(`\nrate-limit: ${CALLS} calls at once, quota ${Q} per ${W} s, concurrency ${C}, ${LATENCY} ms per call (simulator in this process)`);
  const oneWindowSec = await oneWindowOfCalls();
  const practical = 2 * W + oneWindowSec;
  const ideal = 2 * W + (Q / C) * (LATENCY / 1000);
  console.log(`ideal ${ideal.toFixed(2)} s; practical minimum ${practical.toFixed(2)} s (${Q} unthrottled calls measured just now)`);
  const rows = [];
  for (const kind of ["scheduler", "naive"] as const) {
    const r = await run(kind);
    rows.push({
      client: kind,
      "wall (s)": r.elapsed.toFixed(2),
      "wall / ideal": `${(r.elapsed / ideal).toFixed(2)}×`,
      "wall / practical min": `${(r.elapsed / practical).toFixed(2)}×`,
      "quota utilisation": `${Math.min(100, (100 * practical) / r.elapsed).toFixed(1)}%`,
      "blocked calls": r.blocked,
      "blocked after 1st answer": r.blockedAfterFirstAnswer,
      executed: r.executed,
      "max in a window": `${r.maxInWindow}/${Q}`,
      "max at once": `${r.maxRunning}/${C}`,
    });
  }
  console.table(rows);
  await sharedStoreBench({ limit: Q, windowSec: W, concurrency: C, latencyMs: LATENCY, oneWindowSec });
}

if (import.meta.url === `file://${process.argv[1]}`) await rateLimitBench();

/**
 * 3Q calls against a simulator allowing Q calls per W seconds and C at once:
 * (a) through the scheduler, (b) a naive client that fires everything and only retries after a
 * 409, sleeping the advertised wait. Printed side by side from the same run.
 */
import { compose, fetchTransport } from "../src/runtime/pipeline.js";
import { createRateLimitLayers } from "../src/runtime/rate-limit/index.js";
import { startSimulator } from "../tests/servers/qualys-simulator.js";

const Q = 40;
const W = 2;
const C = 2;
const LATENCY = 20;
const CALLS = 3 * Q;
const PATH = "/api/2.0/fo/asset/host/";

async function run(kind: "scheduler" | "naive") {
  const sim = await startSimulator({ limit: Q, windowSec: W, concurrency: C, latencyMs: LATENCY });
  const url = `${sim.url}${PATH}`;
  const started = performance.now();
  if (kind === "scheduler") {
    const handler = compose([...createRateLimitLayers().layers], fetchTransport);
    await Promise.all(
      Array.from({ length: CALLS }, () =>
        handler(new Request(url, { method: "POST", body: "action=list" }), { module: "vm", family: "vm", idempotent: true }).then((r) => r.text()),
      ),
    );
  } else {
    await Promise.all(
      Array.from({ length: CALLS }, async () => {
        for (;;) {
          const res = await fetch(url, { method: "POST", body: "action=list" });
          await res.text();
          if (res.status !== 409) return;
          const wait = Number(res.headers.get("x-ratelimit-towait-sec") ?? "0");
          await new Promise((r) => setTimeout(r, Math.max(wait * 1000, 250)));
        }
      }),
    );
  }
  const elapsed = (performance.now() - started) / 1000;
  await sim.close();
  // Best case: Q calls now, Q more when the window rolls, Q more a window later.
  const minimum = 2 * W + (Q / C) * (LATENCY / 1000);
  return { elapsed, minimum, blocked: sim.stats.blocked, executed: sim.stats.executed };
}

export async function rateLimitBench(): Promise<void> {
  console.log(`\nrate-limit: ${CALLS} calls, quota ${Q} per ${W} s, concurrency ${C}, ${LATENCY} ms per call`);
  const rows = [];
  for (const kind of ["scheduler", "naive"] as const) {
    const r = await run(kind);
    rows.push({
      client: kind,
      "wall / theoretical minimum": `${(r.elapsed / r.minimum).toFixed(2)}×`,
      "quota utilisation": `${Math.min(100, (100 * r.minimum) / r.elapsed).toFixed(1)}%`,
      "blocked calls": r.blocked,
      executed: r.executed,
      "wall (s)": r.elapsed.toFixed(2),
    });
  }
  console.table(rows);
}

if (import.meta.url === `file://${process.argv[1]}`) await rateLimitBench();

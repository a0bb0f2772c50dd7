/**
 * Requests per second through the full generated client — CAR listScriptTypes via defineModule
 * and openapi-fetch, with the auth layer (static token), scheduler, retry and timeout layers on —
 * against raw `fetch`, same server, same run, at concurrency 1 and 32. The server runs in a child
 * process so its CPU is not the client's. Rounds alternate between contenders so a noisy
 * neighbour hurts them alike; medians are reported, with client CPU per request (a steadier
 * figure when the server, not the client, is the bottleneck).
 */
import { fork } from "node:child_process";
import { createCarClient } from "../src/generated/car/index.js";
import { createAuth } from "../src/runtime/auth/index.js";
import { compose, fetchTransport } from "../src/runtime/pipeline.js";
import { createRateLimitLayers } from "../src/runtime/rate-limit/index.js";
import { attemptLayer } from "../src/runtime/observe/attempt-layer.js";
import { callLayer } from "../src/runtime/observe/call-layer.js";
import type { Logger } from "../src/runtime/observe/logger.js";
import { undiciTransport } from "../src/runtime/transport/index.js";
import type { Handler } from "../src/runtime/types.js";

const ROUND_MS = Number(process.env.BENCH_ROUND_MS ?? 1000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

async function startServer(): Promise<{ url: string; stop(): void }> {
  const child = fork(new URL("./overhead-server.ts", import.meta.url).pathname, [], { execArgv: ["--import", "tsx"], stdio: ["ignore", "ignore", "inherit", "ipc"] });
  const port = await new Promise<number>((resolve) => child.once("message", (m) => resolve(m as number)));
  return { url: `http://127.0.0.1:${port}`, stop: () => child.kill() };
}

interface Sample {
  perSecond: number;
  cpuMicrosPerCall: number;
}

async function round(concurrency: number, call: () => Promise<unknown>, ms: number): Promise<Sample> {
  let done = 0;
  const cpu = process.cpuUsage();
  const start = performance.now();
  const end = start + ms;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        await call();
        done++;
      }
    }),
  );
  const elapsed = performance.now() - start;
  const used = process.cpuUsage(cpu);
  return { perSecond: (done * 1000) / elapsed, cpuMicrosPerCall: (used.user + used.system) / done };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** Formats every line and drops it: the cost of logging without the cost of the sink. */
const dropLines: Logger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

function client(url: string, transport: Handler, observe?: "spans" | "log") {
  const auth = createAuth({ credentials: { token: "bench.token.value" }, gatewayUrl: url });
  // With `observe`, as createQualysClient stacks them: spans (OpenTelemetry's no-op tracer, no SDK registered) and the request log.
  const [limit, ...rest] = createRateLimitLayers().layers;
  const layers = observe ? [auth.layer, callLayer({ tracing: true }), limit!, ...rest, attemptLayer(observe === "log" ? dropLines : undefined)] : [auth.layer, limit!, ...rest];
  const handler = compose(layers, transport);
  return createCarClient({ handler, baseUrl: () => url });
}

export async function overheadBench(): Promise<void> {
  const server = await startServer();
  const undici = undiciTransport();
  try {
    const contenders: Record<string, () => Promise<unknown>> = {};
    const viaFetch = client(server.url, fetchTransport);
    const viaUndici = client(server.url, undici);
    contenders["raw fetch"] = () => fetch(`${server.url}/sm/v1/script-types`).then((r) => r.json());
    contenders["client on fetch"] = () => viaFetch.listScriptTypes();
    contenders["client on undici (default)"] = () => viaUndici.listScriptTypes();
    const traced = client(server.url, undici, "spans");
    const logged = client(server.url, undici, "log");
    contenders["undici + spans (no SDK), as default"] = () => traced.listScriptTypes();
    contenders["undici + spans + request log"] = () => logged.listScriptTypes();
    console.log(`\noverhead: full client (auth + scheduler + retry + timeout, openapi-fetch) vs raw fetch; server in a child process; median of ${ROUNDS} alternating ${ROUND_MS} ms rounds`);
    const rows = [];
    for (const concurrency of [1, 32]) {
      const samples: Record<string, Sample[]> = {};
      for (const [name, call] of Object.entries(contenders)) {
        await round(concurrency, call, 300); // warm-up
        samples[name] = [];
      }
      for (let r = 0; r < ROUNDS; r++) for (const [name, call] of Object.entries(contenders)) samples[name]!.push(await round(concurrency, call, ROUND_MS));
      const base = median(samples["raw fetch"]!.map((s) => s.perSecond));
      const baseCpu = median(samples["raw fetch"]!.map((s) => s.cpuMicrosPerCall));
      for (const [name, list] of Object.entries(samples)) {
        const rate = median(list.map((s) => s.perSecond));
        const cpu = median(list.map((s) => s.cpuMicrosPerCall));
        rows.push({
          concurrency,
          client: name,
          "req/s": Math.round(rate),
          "× raw fetch": (rate / base).toFixed(2),
          "client CPU µs/req": Math.round(cpu),
          "CPU × raw fetch": (cpu / baseCpu).toFixed(2),
        });
      }
    }
    console.table(rows);
  } finally {
    await undici.close();
    server.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await overheadBench();

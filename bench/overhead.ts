/**
 * Requests per second through the full generated client (CAR listScriptTypes with auth,
 * scheduler, retry and timeout layers on) against raw fetch, same server, same run, at
 * concurrency 1 and 32. The server runs in a child process so its CPU is not the client's.
 */
import { fork } from "node:child_process";
import { createCarClient } from "../src/generated/car/index.js";
import { createAuth } from "../src/runtime/auth/index.js";
import { compose, fetchTransport } from "../src/runtime/pipeline.js";
import { createRateLimitLayers } from "../src/runtime/rate-limit/index.js";
import { undiciTransport } from "../src/runtime/transport.js";
import type { Handler } from "../src/runtime/types.js";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);

async function startServer(): Promise<{ url: string; stop(): void }> {
  const child = fork(new URL("./overhead-server.ts", import.meta.url).pathname, [], { execArgv: ["--import", "tsx"], stdio: ["ignore", "ignore", "inherit", "ipc"] });
  const port = await new Promise<number>((resolve) => child.once("message", (m) => resolve(m as number)));
  return { url: `http://127.0.0.1:${port}`, stop: () => child.kill() };
}

async function measure(concurrency: number, call: () => Promise<unknown>): Promise<number> {
  const warmUntil = performance.now() + 500;
  while (performance.now() < warmUntil) await call();
  let done = 0;
  const end = performance.now() + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        await call();
        done++;
      }
    }),
  );
  return done / SECONDS;
}

function client(url: string, transport: Handler) {
  const auth = createAuth({ credentials: { token: "bench.token.value" }, gatewayUrl: url });
  const handler = compose([auth.layer, ...createRateLimitLayers().layers], transport);
  return createCarClient({ handler, baseUrl: () => url });
}

export async function overheadBench(): Promise<void> {
  const server = await startServer();
  try {
    const rawFetch = () => fetch(`${server.url}/sm/v1/script-types`).then((r) => r.json());
    const viaFetch = client(server.url, fetchTransport);
    const undici = undiciTransport();
    const viaUndici = client(server.url, undici);
    console.log(`\noverhead: requests/s against a local server (child process), ${SECONDS} s per cell`);
    const rows = [];
    for (const c of [1, 32]) {
      const base = await measure(c, rawFetch);
      const full = await measure(c, () => viaFetch.listScriptTypes());
      const fast = await measure(c, () => viaUndici.listScriptTypes());
      rows.push({
        concurrency: c,
        "raw fetch req/s": Math.round(base),
        "client on fetch req/s": Math.round(full),
        "client on fetch ×": (full / base).toFixed(2),
        "client on undici req/s": Math.round(fast),
        "client on undici ×": (fast / base).toFixed(2),
      });
    }
    console.table(rows);
    await undici.close();
  } finally {
    server.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await overheadBench();

import { startSimulator } from "./servers/qualys-simulator.js";
import { startRedis } from "./support/redis-server.js";
import { startWorker } from "./support/workers.js";
const PATH = "/api/2.0/fo/asset/host/";
const redis = await startRedis();
const answered: { at: number; w: string }[] = [];
const s = await startSimulator({ limit: 40, windowSec: 2, concurrency: 2, latencyMs: 20, respond: (req) => void answered.push({ at: Date.now(), w: new URL(req.url!, "http://x").searchParams.get("worker")! }) });
const ws = await Promise.all(["a", "b", "c", "d"].map((name) => startWorker({ sim: s.url, path: PATH, calls: 120, name, redis: redis.url, keyPrefix: "x", pollMs: Number(process.env.POLL ?? 250) })));
for (const w of ws) w.go();
await Promise.all(ws.map((w) => w.done));
const t0 = answered[0]!.at;
for (let i = 0; i < answered.length; i += 40) {
  const win = answered.slice(i, i + 40);
  console.log(`window ${i / 40}: start ${win[0]!.at - 20 - t0} end ${win.at(-1)!.at - t0} span ${win.at(-1)!.at - win[0]!.at + 20}`, [...new Set(win.map((a) => a.w))].join(""));
}
console.log("wall", answered.at(-1)!.at - t0 + 20, "blocked", s.stats.blocked);
await s.close(); await redis.stop();

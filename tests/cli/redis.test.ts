/**
 * `qualys --redis <url>` / QUALYS_REDIS_URL: the CLI's calls take their permits from a real
 * redis-server, keyed by the hashed subscription; an unreachable Redis fails the command.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { subscriptionHash } from "../../src/redis.js";
import { startSimulator, type Simulator } from "../servers/qualys-simulator.js";
import { freePort, startRedis, type RedisServer } from "../support/redis-server.js";
import { cli, withEnv } from "./support.js";

const SCANS = readFileSync(join(import.meta.dirname, "..", "fixtures", "qualys-xml", "rq_scan_list_output.xml"), "utf8");
const USER = "acme_cli7";
let redis: RedisServer;
let sim: Simulator | undefined;

beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
});
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

async function scanServer(): Promise<Simulator> {
  sim = await startSimulator({
    limit: 300,
    windowSec: 3600,
    concurrency: 2,
    respond: (_req, res) => {
      res.writeHead(200, { "Content-Type": "text/xml" });
      res.end(SCANS);
      return true;
    },
  });
  return sim;
}
const env = (s: Simulator, more: Record<string, string> = {}) => ({ QUALYS_USERNAME: USER, QUALYS_PASSWORD: "pw-not-in-redis", QUALYS_API_URL: s.url, ...more });

describe("qualys --redis", () => {
  it("keeps the subscription's limits in Redis, from --redis or QUALYS_REDIS_URL", async () => {
    const s = await scanServer();
    const key = `qualys-ts:rl:{${subscriptionHash({ platform: s.url, user: USER })}}:vm:/api/3.0/fo/scan/:state`;
    const flag = await withEnv(env(s), () => cli(["--redis", redis.url, "vm", "scans", "list"]));
    expect(flag.stderr).toBe("");
    expect(flag.code).toBe(0);
    expect((JSON.parse(flag.stdout) as { ref: string }[])[0]!.ref).toBe("scan/1512633905.79357");
    expect(await redis.client().hgetall(key)).toMatchObject({ limit: "300", windowSec: "3600", concurrency: "2" });
    const fromEnv = await withEnv(env(s, { QUALYS_REDIS_URL: redis.url }), () => cli(["vm", "scans", "list"]));
    expect(fromEnv.code).toBe(0);
    expect(await redis.client().zcard(key.replace(/state$/, "log"))).toBe(2);
  });

  it("fails with the store's error, and sends nothing, when Redis cannot be reached", async () => {
    const s = await scanServer();
    const port = await freePort();
    const r = await withEnv(env(s), () => cli(["--redis", `redis://user:hunter2@127.0.0.1:${port}`, "vm", "scans", "list"]));
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain(`rate-limit store (Redis at 127.0.0.1:${port}) is unavailable`);
    expect(r.stderr).not.toContain("hunter2");
    expect(s.stats.executed).toBe(0);
  });
});

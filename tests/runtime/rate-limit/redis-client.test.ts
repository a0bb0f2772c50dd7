/**
 * createQualysClient on redisStore, against the Qualys simulator and a real redis-server that
 * is stopped and started again mid-run (same port, every key gone, as after an operator's restart).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createQualysClient, type QualysClient } from "../../../src/client.js";
import { RateLimitStoreError, redisStore, subscriptionHash, type RedisStoreOptions } from "../../../src/redis.js";
import { startSimulator, type Simulator } from "../../servers/qualys-simulator.js";
import { startRedis, type RedisServer } from "../../support/redis-server.js";

const USER = "acme_zz42";
const PASSWORD = "Pa55-w0rd!";
const IP_PATH = "/api/2.0/fo/asset/ip/";
let redis: RedisServer;
let sim: Simulator | undefined;
let qualys: QualysClient | undefined;
let n = 0;

beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
});
afterEach(async () => {
  await qualys?.close();
  await sim?.close();
  qualys = undefined;
  sim = undefined;
  await redis.start();
});

async function client(store: Partial<RedisStoreOptions> = {}, latencyMs = 0): Promise<{ qualys: QualysClient; sim: Simulator; prefix: string }> {
  sim = await startSimulator({ limit: 1000, windowSec: 60, concurrency: 2, latencyMs });
  const prefix = `c${++n}`;
  qualys = createQualysClient({
    credentials: { username: USER, password: PASSWORD },
    platform: { apiUrl: sim.url, gatewayUrl: sim.url },
    rateLimit: { store: redisStore({ url: redis.url, keyPrefix: prefix, leaseMs: 600, ...store }), pollMs: 10 },
  });
  return { qualys, sim, prefix };
}
const addIp = (q: QualysClient) => q.vm.addIps({ ips: "10.0.0.1" });
const permitsOut = async (prefix: string) => {
  const c = redis.client();
  const keys = await c.keys(`${prefix}:*:permits`);
  return keys.length ? c.zcard(keys[0]!) : 0;
};
/** Calls until one goes through (the store reconnects within a second), then that call's answer. */
async function untilThrough(q: QualysClient): Promise<void> {
  const started = Date.now();
  for (;;) {
    try {
      await addIp(q);
      return;
    } catch (err) {
      if (Date.now() - started > 5000) throw err;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

describe("createQualysClient with redisStore", () => {
  it("keys the limits by a hash of platform and user: no user name or password in Redis", async () => {
    const { qualys: q, sim: s, prefix } = await client();
    await Promise.all([addIp(q), addIp(q), addIp(q)]);
    const inspect = redis.client();
    const keys = await inspect.keys(`${prefix}:*`);
    expect(keys.length).toBeGreaterThan(0);
    const hash = subscriptionHash({ platform: s.url, user: USER });
    for (const key of keys) expect(key.startsWith(`${prefix}:{${hash}}:vm:${IP_PATH}:`)).toBe(true);
    const stored = [...keys];
    for (const key of keys) {
      const type = await inspect.type(key);
      stored.push(...(type === "hash" ? Object.entries(await inspect.hgetall(key)).flat() : await inspect.zrange(key, 0, -1)));
    }
    expect(stored.join("\n")).not.toContain(USER);
    expect(stored.join("\n")).not.toContain(PASSWORD);
    expect(stored.join("\n")).not.toContain(s.url.replace("http://", ""));
    expect(await permitsOut(prefix)).toBe(0);
    // close() lets go of the store's connection: only the inspecting client is left.
    await q.close();
    expect(String(await inspect.client("LIST")).trim().split("\n")).toHaveLength(1);
  });

  it('fails with RateLimitStoreError while Redis is down ("fail"), and recovers after its restart without a stuck permit', async () => {
    const { qualys: q, sim: s, prefix } = await client({ onUnavailable: "fail" });
    await Promise.all(Array.from({ length: 5 }, () => addIp(q)));
    await redis.stop();
    const err = await addIp(q).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RateLimitStoreError);
    expect((err as Error).message).toContain(`Redis at 127.0.0.1:${redis.port}`);
    expect(s.stats.executed).toBe(5); // the refused call never went out
    await redis.start();
    await untilThrough(q);
    await Promise.all(Array.from({ length: 6 }, () => addIp(q)));
    expect(s.stats.executed).toBe(12);
    expect(s.stats.blocked).toBe(0);
    expect(await permitsOut(prefix)).toBe(0);
  });

  it("re-registers the permit of a call running across the restart, and gives it back when the call ends", async () => {
    const { qualys: q, sim: s, prefix } = await client({ onUnavailable: "fail" }, 1500);
    const slow = addIp(q);
    await new Promise((r) => setTimeout(r, 300));
    expect(await permitsOut(prefix)).toBe(1);
    // The new redis-server starts empty; the heartbeat (every 200 ms) puts the running call's permit back.
    await redis.restart();
    await new Promise((r) => setTimeout(r, 1000));
    expect(await permitsOut(prefix)).toBe(1);
    await slow;
    await new Promise((r) => setTimeout(r, 50));
    expect(await permitsOut(prefix)).toBe(0);
    expect(s.stats.executed).toBe(1);
  });

  it('goes on with local limits while Redis is down ("local"), warning once, and back to Redis after its restart', async () => {
    const warnings: string[] = [];
    const { qualys: q, sim: s, prefix } = await client({ onUnavailable: "local", onWarning: (m) => warnings.push(m) }, 20);
    await Promise.all(Array.from({ length: 4 }, () => addIp(q)));
    expect(warnings).toEqual([]);
    await redis.stop();
    await Promise.all(Array.from({ length: 8 }, () => addIp(q)));
    expect(s.stats.executed).toBe(12);
    // The local store still keeps to the concurrency limit.
    expect(s.stats.blocked).toBe(0);
    expect(s.stats.maxRunning).toBeLessThanOrEqual(2);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/Redis at 127\.0\.0\.1:\d+\) is unavailable .*this process's memory/);
    expect(warnings[0]).not.toContain(PASSWORD);
    await redis.start();
    // Back on Redis: the limits it learns and the permits it hands out are in Redis again.
    const started = Date.now();
    while ((await redis.client().keys(`${prefix}:*:state`)).length === 0 && Date.now() - started < 5000) await addIp(q);
    expect(await redis.client().keys(`${prefix}:*:state`)).toHaveLength(1);
    await Promise.all(Array.from({ length: 4 }, () => addIp(q)));
    expect(warnings).toHaveLength(1);
    expect(s.stats.blocked).toBe(0);
    expect(await permitsOut(prefix)).toBe(0);
  });
});

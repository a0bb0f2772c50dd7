/**
 * redisStore against a real redis-server (started here on a free 127.0.0.1 port). Two stores
 * made by two redisStore() calls have two connections, as two processes would.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ConfigurationError } from "../../../src/runtime/errors/configuration-error.js";
import { redisStore, subscriptionHash, type RedisRateLimitStore, type RedisStoreOptions } from "../../../src/redis.js";
import { startRedis, type RedisServer } from "../../support/redis-server.js";

const K = "vm:/api/2.0/fo/scan/";
const SUB = { platform: "https://qualysapi.qg2.apps.qualys.com", user: "acme_ab12" };
let redis: RedisServer;
let prefix = "";
let n = 0;
const open: RedisRateLimitStore[] = [];

beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

/** A store of its own connection ("another process"), on this test's keys. */
function processStore(options: Partial<RedisStoreOptions> = {}): RedisRateLimitStore {
  const store = redisStore({ url: redis.url, keyPrefix: prefix, subscription: SUB, ...options });
  open.push(store);
  return store;
}
const fresh = () => (prefix = `t${++n}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("redisStore", () => {
  it("shares permits, learned limits and holds between processes", async () => {
    fresh();
    const a = processStore();
    const b = processStore();
    expect(await a.tryAcquire(K, Date.now())).toEqual({ ok: true });
    expect(await a.tryAcquire(K, Date.now())).toEqual({ ok: true });
    // The default concurrency (2) is used up by the other process.
    expect(await b.tryAcquire(K, Date.now())).toEqual({ ok: false, reason: "concurrency" });
    await a.release(K, Date.now(), { limit: 3, windowSec: 10, remaining: 1, concurrencyLimit: 5 });
    const learned = await b.snapshot(K);
    expect(learned).toMatchObject({ limit: 3, windowSec: 10, concurrency: 5, inFlight: 1, others: 0 });
    expect(learned!.counted).toHaveLength(1);
    // 1 counted + 1 out: one slot left of 3, for either process.
    expect(await b.tryAcquire(K, Date.now())).toEqual({ ok: true });
    const refused = await a.tryAcquire(K, Date.now());
    expect(refused).toMatchObject({ ok: false, reason: "quota" });
    // The counted call leaves the window 10 s after it was counted (both times moved from Redis's clock onto ours: a round trip apart at most).
    expect((refused as { retryAt: number }).retryAt - learned!.counted[0]!).toBeGreaterThanOrEqual(10_000 - 20);
    expect((refused as { retryAt: number }).retryAt - Date.now()).toBeLessThanOrEqual(10_002);

    const until = Date.now() + 5000;
    await b.hold(K, until, "1965");
    const held = await a.tryAcquire(K, Date.now());
    expect(held).toMatchObject({ ok: false, reason: "hold", code: "1965" });
    expect(Math.abs((held as { retryAt: number }).retryAt - until)).toBeLessThan(50);
  });

  it("hands a queue as many permits as are free in one round trip, and says why not more", async () => {
    fresh();
    const s = processStore({ defaults: { concurrency: 3 } });
    expect(await s.tryAcquireMany(K, Date.now(), 5)).toEqual({ granted: 3, refusal: { ok: false, reason: "concurrency" } });
    expect((await s.snapshot(K))!.inFlight).toBe(3);
    for (let i = 0; i < 3; i++) await s.release(K, Date.now(), {});
    expect(await s.snapshot(K)).toMatchObject({ inFlight: 0, counted: [expect.any(Number), expect.any(Number), expect.any(Number)] });
    expect(await s.tryAcquireMany(K, Date.now(), 2)).toEqual({ granted: 2 });
  });

  it("keeps each subscription's and each API's limits apart", async () => {
    fresh();
    const a = processStore();
    const other = processStore({ subscription: { ...SUB, user: "acme_cd34" } });
    await a.tryAcquire(K, Date.now());
    await a.tryAcquire(K, Date.now());
    expect((await a.tryAcquire(K, Date.now())).ok).toBe(false);
    expect((await a.tryAcquire("vm:/api/2.0/fo/asset/host/", Date.now())).ok).toBe(true);
    expect((await other.tryAcquire(K, Date.now())).ok).toBe(true);
  });

  it("never lets more than the limit into a rolling window across processes", async () => {
    fresh();
    const stores = [processStore({ defaults: { concurrency: 10 } }), processStore({ defaults: { concurrency: 10 } })];
    let granted = 0;
    const started = Date.now();
    // Each process learns limit 4 per 0.5 s from its own answers; both count into one log.
    while (Date.now() - started < 1200) {
      for (const s of stores) {
        if ((await s.tryAcquire(K, Date.now())).ok) {
          granted++;
          await s.release(K, Date.now(), { limit: 4, windowSec: 0.5 });
        }
      }
      await sleep(5);
    }
    // 4 before the window is known... then 4 per half second: at most 4 per window, at least 2 windows' worth.
    const log = (await stores[0]!.snapshot(K))!.counted;
    for (let i = 4; i < log.length; i++) expect(log[i]! - log[i - 4]!).toBeGreaterThanOrEqual(500);
    expect(granted).toBeGreaterThanOrEqual(8);
    expect(granted).toBeLessThanOrEqual(16);
  });

  it("gives a silent process's permits back after its lease; a running call's lease is renewed", async () => {
    fresh();
    const running = processStore({ leaseMs: 300 });
    const other = processStore({ leaseMs: 300 });
    expect((await running.tryAcquire(K, Date.now())).ok).toBe(true);
    expect((await running.tryAcquire(K, Date.now())).ok).toBe(true);
    // Three leases long: the heartbeat keeps both permits.
    await sleep(900);
    expect(await other.tryAcquire(K, Date.now())).toMatchObject({ ok: false, reason: "concurrency" });
    // The process falls silent (no release, no heartbeat): its permits come back within a lease.
    await running.close();
    await sleep(350);
    expect((await other.tryAcquire(K, Date.now())).ok).toBe(true);
  });

  it("does not count a permit given back unused, and forgets nothing on a counted one", async () => {
    fresh();
    const s = processStore({ defaults: { concurrency: 5, limit: 1, windowSec: 60 } });
    expect((await s.tryAcquire(K, Date.now())).ok).toBe(true);
    await s.release(K, Date.now(), null);
    expect((await s.snapshot(K))?.counted ?? []).toEqual([]);
    expect((await s.tryAcquire(K, Date.now())).ok).toBe(true);
    await s.release(K, Date.now(), {});
    expect((await s.snapshot(K))!.counted).toHaveLength(1);
    expect(await s.tryAcquire(K, Date.now())).toMatchObject({ ok: false, reason: "quota" });
  });

  it("holds every process for X-RateLimit-ToWait-Sec, timed by Redis's clock", async () => {
    fresh();
    const a = processStore();
    const b = processStore();
    await a.tryAcquire(K, Date.now());
    await a.release(K, Date.now(), { remaining: 0, toWaitSec: 0.3 });
    // A caller whose clock is an hour fast still gets the hold's end on its own clock.
    const skewed = Date.now() + 3_600_000;
    const got = await b.tryAcquire(K, skewed);
    expect(got).toMatchObject({ ok: false, reason: "hold", code: "quota" });
    expect((got as { retryAt: number }).retryAt - skewed).toBeGreaterThan(200);
    expect((got as { retryAt: number }).retryAt - skewed).toBeLessThanOrEqual(300);
    await sleep(320);
    expect((await b.tryAcquire(K, Date.now())).ok).toBe(true);
  });

  it("keys hold a hash of the subscription, never its user name", async () => {
    fresh();
    const s = processStore({ subscription: { platform: "https://qualysapi.qualys.eu", user: "secretive_user" } });
    await s.tryAcquire(K, Date.now());
    await s.release(K, Date.now(), { limit: 300, windowSec: 3600, remaining: 299 });
    await s.tryAcquire(K, Date.now());
    const client = redis.client();
    const keys = await client.keys(`${prefix}:*`);
    expect(keys.sort()).toEqual(["log", "permits", "state"].map((k) => `${prefix}:{${subscriptionHash({ platform: "https://qualysapi.qualys.eu", user: "secretive_user" })}}:${K}:${k}`).sort());
    expect(keys.join(" ")).not.toMatch(/secretive|qualys\.eu/);
    const values = [...Object.entries(await client.hgetall(keys.find((k) => k.endsWith(":state"))!)).flat(), ...(await client.zrange(keys.find((k) => k.endsWith(":log"))!, 0, -1))];
    expect(values.join(" ")).not.toMatch(/secretive|qualys\.eu/);
  });

  it("rejects bad options and an unkeyed store with ConfigurationError", async () => {
    expect(() => redisStore({ url: "http://127.0.0.1:6379" })).toThrow(ConfigurationError);
    expect(() => redisStore({ url: redis.url, leaseMs: 0 })).toThrow(/leaseMs/);
    expect(() => redisStore({ url: redis.url, onUnavailable: "retry" as "fail" })).toThrow(/onUnavailable/);
    const unkeyed = redisStore({ url: redis.url });
    await expect(unkeyed.tryAcquire(K, Date.now())).rejects.toThrow(/no subscription/);
  });
});

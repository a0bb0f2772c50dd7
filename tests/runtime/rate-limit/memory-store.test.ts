import { describe, expect, it } from "vitest";
import { MemoryRateLimitStore } from "../../../src/runtime/rate-limit/memory-store.js";

const K = "vm:/api/2.0/fo/scan/";
const window = { limit: 3, windowSec: 10, concurrencyLimit: 10 };

describe("MemoryRateLimitStore", () => {
  it("counts permits out against the quota before their answers arrive", () => {
    const store = new MemoryRateLimitStore({ concurrency: 10, limit: 3, windowSec: 10 });
    expect([1, 2, 3, 4].map(() => store.tryAcquire(K, 0).ok)).toEqual([true, true, true, false]);
  });

  it("never lets more than the limit into a rolling window, and says when the next slot frees", () => {
    const store = new MemoryRateLimitStore({ concurrency: 10 });
    expect(store.tryAcquire(K, 0).ok).toBe(true);
    store.release(K, 1000, { ...window, remaining: 2 });
    for (const t of [2000, 3000]) {
      expect(store.tryAcquire(K, t).ok).toBe(true);
      store.release(K, t, { ...window, remaining: 3 - (t / 1000) });
    }
    const refused = store.tryAcquire(K, 5000);
    // The first call was counted at 1 s: its slot frees 10 s later.
    expect(refused).toMatchObject({ ok: false, reason: "quota", retryAt: 11_001 });
    expect(store.tryAcquire(K, 10_999).ok).toBe(false);
    expect(store.tryAcquire(K, 11_000).ok).toBe(true);
  });

  it("counts the calls other clients made, from Remaining", () => {
    const store = new MemoryRateLimitStore({ concurrency: 10 });
    store.tryAcquire(K, 0);
    // Qualys counted 8 of 10: 1 is ours, 7 came from elsewhere.
    store.release(K, 100, { limit: 10, windowSec: 60, remaining: 2 });
    expect(store.tryAcquire(K, 200).ok).toBe(true);
    expect(store.tryAcquire(K, 200).ok).toBe(true);
    expect(store.tryAcquire(K, 200)).toMatchObject({ ok: false, reason: "quota" });
    expect(store.snapshot(K)).toMatchObject({ others: 7, inFlight: 2 });
  });

  it("keeps a reserve of each window for other tools", () => {
    const store = new MemoryRateLimitStore({ concurrency: 10, limit: 5, windowSec: 60, reserve: 2 });
    expect([1, 2, 3, 4].map(() => store.tryAcquire(K, 0).ok)).toEqual([true, true, true, false]);
  });

  it("holds every call for X-RateLimit-ToWait-Sec", () => {
    const store = new MemoryRateLimitStore({ concurrency: 10 });
    store.tryAcquire(K, 0);
    store.release(K, 1000, { remaining: 0, toWaitSec: 55 });
    expect(store.tryAcquire(K, 1000)).toMatchObject({ ok: false, reason: "hold", retryAt: 56_000 });
    expect(store.tryAcquire(K, 56_000).ok).toBe(true);
  });

  it("with Remaining but no window: stops at 0, waits, then probes with a single call", () => {
    const store = new MemoryRateLimitStore({ concurrency: 5, exhaustedWaitMs: 3000 });
    store.tryAcquire(K, 0);
    store.tryAcquire(K, 0);
    store.release(K, 10, { remaining: 1 });
    // One call still out, and Qualys said 1 left: that one is spoken for.
    expect(store.tryAcquire(K, 20)).toMatchObject({ ok: false, reason: "quota" });
    store.release(K, 30, { remaining: 0 });
    expect(store.tryAcquire(K, 40)).toMatchObject({ ok: false, reason: "hold", retryAt: 3030 });
    expect(store.tryAcquire(K, 3030).ok).toBe(true);
    expect(store.tryAcquire(K, 3030)).toMatchObject({ ok: false, reason: "quota" });
  });

  it("learns the concurrency limit and applies it at once", () => {
    const store = new MemoryRateLimitStore({ concurrency: 1 });
    store.tryAcquire(K, 0);
    expect(store.tryAcquire(K, 0)).toMatchObject({ ok: false, reason: "concurrency" });
    store.release(K, 1, { concurrencyLimit: 3 });
    expect([1, 2, 3, 4].map(() => store.tryAcquire(K, 2).ok)).toEqual([true, true, true, false]);
  });

  it("does not count a permit given back unused", () => {
    const store = new MemoryRateLimitStore({ concurrency: 10, limit: 1, windowSec: 60 });
    store.tryAcquire(K, 0);
    store.release(K, 0, null);
    expect(store.tryAcquire(K, 0).ok).toBe(true);
  });

  it("holds a bucket with the code of the block", () => {
    const store = new MemoryRateLimitStore();
    store.hold(K, 5000, "1965");
    store.hold(K, 3000, "429");
    expect(store.tryAcquire(K, 0)).toEqual({ ok: false, reason: "hold", retryAt: 5000, code: "1965" });
  });

  it("takes per-API defaults from a function", () => {
    const store = new MemoryRateLimitStore((key) => (key.startsWith("gateway:") ? { concurrency: 4 } : undefined));
    expect(store.tryAcquire("gateway:qflow.listVendors", 0).ok).toBe(true);
    expect(store.snapshot("gateway:qflow.listVendors")?.concurrency).toBe(4);
    store.tryAcquire(K, 0);
    expect(store.snapshot(K)?.concurrency).toBe(2);
  });
});

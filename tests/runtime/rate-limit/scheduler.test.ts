import { afterEach, describe, expect, it } from "vitest";
import { compose } from "../../../src/runtime/pipeline.js";
import { createRateLimitLayers, MemoryRateLimitStore, Scheduler, type AcquiredMany, type RateLimitStore } from "../../../src/runtime/rate-limit/index.js";
import { limitLayer } from "../../../src/runtime/rate-limit/limit-layer.js";
import { undiciTransport } from "../../../src/runtime/transport/index.js";
import type { CallContext } from "../../../src/runtime/types.js";
import { harness, VM_PATH, type Harness } from "./harness.js";

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const idle = { queued: 0, inFlight: 0, timers: 0 };

describe("scheduler against the Qualys simulator", () => {
  it("runs a burst of 1,000 calls with no blocked call, within the concurrency and the quota", async () => {
    h = await harness({ limit: 250, windowSec: 0.4, concurrency: 4 });
    const results = await Promise.all(Array.from({ length: 1000 }, () => h!.vmCall()));
    expect(results.every((r) => r.status === 200)).toBe(true);
    expect(h.sim.stats.executed).toBe(1000);
    expect(h.sim.stats.blocked).toBe(0);
    expect(h.sim.stats.maxRunning).toBeLessThanOrEqual(4);
    expect(h.sim.stats.byPath[VM_PATH]!.maxInWindow).toBeLessThanOrEqual(250);
    expect(h.limits.scheduler.stats()).toEqual(idle);
    expect(h.limits.scheduler.store.snapshot(h.vmKey)).toMatchObject({ inFlight: 0, concurrency: 4, limit: 250, windowSec: 0.4 });
  }, 20_000);

  it("sends only the default concurrency until the first answer, then what the headers allow", async () => {
    h = await harness({ limit: 1000, windowSec: 60, concurrency: 6, latencyMs: 20 }, { defaults: { concurrency: 1 } });
    await Promise.all(Array.from({ length: 30 }, () => h!.vmCall()));
    expect(h.limits.scheduler.store.snapshot(h.vmKey)).toMatchObject({ concurrency: 6 });
    expect(h.sim.stats.maxRunning).toBeGreaterThan(1);
    expect(h.sim.stats.maxRunning).toBeLessThanOrEqual(6);
    expect(h.sim.stats.blocked).toBe(0);
  });

  it("reads the concurrency header spelled without the hyphen", async () => {
    h = await harness({ limit: 1000, windowSec: 60, concurrency: 5, noHyphenConcurrency: true }, { defaults: { concurrency: 1 } });
    await h.vmCall();
    expect(h.limits.scheduler.store.snapshot(h.vmKey)).toMatchObject({ concurrency: 5 });
  });

  it("holds further calls when Remaining reaches 0, until the window lets them go", async () => {
    h = await harness({ limit: 5, windowSec: 0.3, concurrency: 5 }, { defaults: { concurrency: 1 } });
    // Other clients of the subscription used 4 of the 5 calls; ours takes the last one.
    h.sim.spend(VM_PATH, 4);
    const results = await Promise.all(Array.from({ length: 4 }, () => h!.vmCall({ idempotent: false })));
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    expect(h.sim.stats.blocked).toBe(0);
    expect(h.sim.stats.executed).toBe(4);
  });

  it("keeps separate buckets per API path", async () => {
    const REPORT = "/api/2.0/fo/report/";
    h = await harness({ limit: 100, windowSec: 60, concurrency: 1, paths: { [VM_PATH]: { latencyMs: 150 } } }, { defaults: { concurrency: 1 } });
    const order: string[] = [];
    // A call to another VM API is not queued behind a running scan call.
    const scan = h.vmCall().then(() => order.push("scan"));
    const report = h.handler(new Request(`${h.sim.url}${REPORT}`, { method: "POST", body: "action=list" }), { module: "vm", family: "vm", idempotent: true });
    await Promise.all([scan, report.then(() => order.push("report"))]);
    expect(order).toEqual(["report", "scan"]);
    expect(h.sim.stats.blocked).toBe(0);
  });

  it("lets calls Qualys exempts from limits pass without a permit", async () => {
    h = await harness({ limit: 100, windowSec: 60, concurrency: 5, latencyMs: 50 }, { defaults: { concurrency: 1 } });
    const first = h.vmCall();
    const queuedBehind = h.vmCall();
    const exempt = h.vmCall({ exempt: true });
    expect(h.limits.scheduler.queued(h.vmKey)).toBe(1);
    const order: string[] = [];
    await Promise.all([first.then(() => order.push("first")), queuedBehind.then(() => order.push("queued")), exempt.then(() => order.push("exempt"))]);
    expect(order.indexOf("exempt")).toBeLessThan(order.indexOf("queued"));
    expect(h.limits.scheduler.stats()).toEqual(idle);
  });
});

/** A store answering asynchronously, like one kept in Redis would. */
function asyncStore(inner: MemoryRateLimitStore): RateLimitStore & { calls: number } {
  const later = <T>(f: () => T) =>
    new Promise<T>((resolve) =>
      setImmediate(() => {
        store.calls++;
        resolve(f());
      }),
    );
  const store = {
    calls: 0,
    tryAcquire: (key: string, now: number) => later(() => inner.tryAcquire(key, now)),
    release: (key: string, now: number, observed: Parameters<RateLimitStore["release"]>[2]) => later(() => inner.release(key, now, observed)),
    hold: (key: string, until: number, code: string) => later(() => inner.hold(key, until, code)),
    snapshot: (key: string) => later(() => inner.snapshot(key)),
  };
  return store;
}

describe("a store shared between processes", () => {
  it("keeps a burst within the limits when the store answers asynchronously", async () => {
    const store = asyncStore(new MemoryRateLimitStore());
    h = await harness({ limit: 60, windowSec: 0.3, concurrency: 3 }, { store });
    const results = await Promise.all(Array.from({ length: 150 }, () => h!.vmCall()));
    expect(results.every((r) => r.status === 200)).toBe(true);
    expect(h.sim.stats.blocked).toBe(0);
    expect(h.sim.stats.maxRunning).toBeLessThanOrEqual(3);
    expect(store.calls).toBeGreaterThan(300);
    expect(h.limits.scheduler.stats()).toEqual(idle);
  }, 15_000);

  it("hands a queue its permits in one store call when the store can (tryAcquireMany)", async () => {
    const inner = new MemoryRateLimitStore();
    const store = asyncStore(inner);
    let batches = 0;
    let most = 0;
    const many = Object.assign(store, {
      tryAcquireMany: (key: string, now: number, count: number) =>
        new Promise<AcquiredMany>((resolve) =>
          setImmediate(() => {
            batches++;
            let granted = 0;
            let refusal: AcquiredMany["refusal"];
            for (; granted < count; granted++) {
              const got = inner.tryAcquire(key, now);
              if (!got.ok) {
                refusal = got;
                break;
              }
            }
            most = Math.max(most, granted);
            resolve(refusal ? { granted, refusal } : { granted });
          }),
        ),
    });
    h = await harness({ limit: 1000, windowSec: 60, concurrency: 8 }, { store: many, defaults: { concurrency: 8 } });
    const results = await Promise.all(Array.from({ length: 120 }, () => h!.vmCall()));
    expect(results.every((r) => r.status === 200)).toBe(true);
    expect(h.sim.stats.blocked).toBe(0);
    expect(h.sim.stats.maxRunning).toBeLessThanOrEqual(8);
    // The first call took one permit alone; the queue behind it took the other 7 in one store call.
    expect(most).toBe(7);
    expect(batches).toBeLessThan(120);
    expect(h.limits.scheduler.stats()).toEqual(idle);
  }, 15_000);

  it("two schedulers on one store share the limits, polling while the other holds the permits", async () => {
    const shared = asyncStore(new MemoryRateLimitStore({ concurrency: 2 }));
    h = await harness({ limit: 1000, windowSec: 60, concurrency: 2, latencyMs: 15 }, { store: shared, pollMs: 5 });
    const transport = undiciTransport();
    const second = compose([limitLayer(new Scheduler(shared, { pollMs: 5 }))], transport);
    const ctx: CallContext = { module: "vm", family: "vm", idempotent: true };
    const fromSecond = Array.from({ length: 20 }, () => second(new Request(`${h!.sim.url}${VM_PATH}`, { method: "POST", body: "x" }), ctx).then((r) => r.arrayBuffer()));
    const fromFirst = Array.from({ length: 20 }, () => h!.vmCall());
    await Promise.all([...fromFirst, ...fromSecond]);
    await transport.close();
    expect(h.sim.stats.executed).toBe(40);
    expect(h.sim.stats.blocked).toBe(0);
    expect(h.sim.stats.maxRunning).toBeLessThanOrEqual(2);
  }, 15_000);

  it("fails the waiting calls when the store fails", async () => {
    const broken: RateLimitStore = {
      tryAcquire: () => Promise.reject(new Error("store unreachable")),
      release: () => undefined,
      hold: () => undefined,
      snapshot: () => undefined,
    };
    const scheduler = new Scheduler(broken);
    await expect(scheduler.acquire("k")).rejects.toThrow("store unreachable");
    expect(scheduler.stats()).toEqual(idle);
  });
});

describe("createRateLimitLayers", () => {
  it("gives the layers in order [scheduler, retry, timeout] and a transport", async () => {
    const limits = createRateLimitLayers();
    expect(limits.layers).toHaveLength(3);
    expect(typeof limits.transport).toBe("function");
    await limits.close();
  });
});

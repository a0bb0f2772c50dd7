import { afterEach, describe, expect, it } from "vitest";
import { createCarClient } from "../../../src/generated/car/index.js";
import { HttpError } from "../../../src/runtime/errors/http-error.js";
import { RateLimitError } from "../../../src/runtime/errors/rate-limit-error.js";
import { TimeoutError } from "../../../src/runtime/errors/timeout-error.js";
import { compose, fetchTransport } from "../../../src/runtime/pipeline.js";
import { createRateLimitLayers, type RateLimitOptions } from "../../../src/runtime/rate-limit/index.js";
import type { RateLimitInfo } from "../../../src/runtime/rate-limit/limit-layer.js";
import type { RetryInfo } from "../../../src/runtime/retry.js";
import type { CallContext } from "../../../src/runtime/types.js";
import { startSimulator, type SimulatorOptions } from "../../servers/qualys-simulator.js";

type Sim = Awaited<ReturnType<typeof startSimulator>>;
let sim: Sim | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

const VM_PATH = "/api/2.0/fo/scan/";

async function setup(simOptions: SimulatorOptions, options: RateLimitOptions = {}) {
  sim = await startSimulator(simOptions);
  const url = sim.url;
  const limits = createRateLimitLayers({ retry: { baseDelayMs: 10 }, ...options });
  const handler = compose([...limits.layers], fetchTransport);
  const vmCall = (init: { signal?: AbortSignal; idempotent?: boolean; timeoutMs?: number } = {}) =>
    handler(new Request(`${url}${VM_PATH}`, { method: "POST", body: "action=list" }), {
      module: "vm",
      family: "vm",
      operationId: "listScans",
      idempotent: init.idempotent ?? true,
      signal: init.signal,
      timeoutMs: init.timeoutMs,
    } satisfies CallContext).then(async (r) => {
      await r.text();
      return r;
    });
  const car = createCarClient({ handler, baseUrl: () => url });
  return { sim, limits, vmCall, car, key: `vm:${VM_PATH}`, raw: () => fetch(`${url}${VM_PATH}`, { method: "POST" }).then((r) => r.text()) };
}

describe("scheduler", () => {
  it("runs a burst of 1,000 calls without one blocked call or exceeding the concurrency", async () => {
    const { sim, vmCall, limits, key } = await setup({ limit: 250, windowSec: 0.4, concurrency: 4 });
    const results = await Promise.all(Array.from({ length: 1000 }, () => vmCall()));
    expect(results.every((r) => r.status === 200)).toBe(true);
    expect(sim.stats.executed).toBe(1000);
    expect(sim.stats.blocked).toBe(0);
    expect(sim.stats.maxRunning).toBeLessThanOrEqual(4);
    expect(limits.scheduler.queued()).toBe(0);
    expect(limits.scheduler.store.snapshot(key)).toMatchObject({ inFlight: 0, concurrency: 4, limit: 250 });
  }, 20_000);

  it("learns the concurrency limit from the headers before it uses more than the default", async () => {
    const { sim, vmCall, limits, key } = await setup({ limit: 1000, windowSec: 60, concurrency: 6, latencyMs: 20 }, { defaults: { concurrency: 1 } });
    await vmCall();
    expect(limits.scheduler.store.snapshot(key)?.concurrency).toBe(6);
    await Promise.all(Array.from({ length: 30 }, () => vmCall()));
    expect(sim.stats.maxRunning).toBeGreaterThan(1);
    expect(sim.stats.maxRunning).toBeLessThanOrEqual(6);
  });
});

describe("blocked calls", () => {
  it("waits out a 409 / 1965 for the advertised time and sends the call again", async () => {
    const events: RateLimitInfo[] = [];
    const { sim, vmCall, raw } = await setup({ limit: 3, windowSec: 0.3, concurrency: 5 }, { onRateLimit: (i) => events.push(i) });
    // Another tool of the subscription used the quota up.
    await Promise.all([raw(), raw(), raw()]);
    const res = await vmCall({ idempotent: false });
    expect(res.status).toBe(200);
    expect(sim.stats.blockedRate).toBe(1);
    expect(sim.stats.executed).toBe(4);
    expect(events).toEqual([expect.objectContaining({ code: "1965", operationId: "listScans", path: VM_PATH, attempt: 1 })]);
    expect(events[0]!.waitMs).toBeGreaterThan(0);
    expect(events[0]!.waitMs).toBeLessThanOrEqual(300);
  });

  it("waits out a 409 / 1960 while another caller holds the only slot", async () => {
    const events: RateLimitInfo[] = [];
    const { sim, vmCall, raw } = await setup({ limit: 100, windowSec: 60, concurrency: 1, latencyMs: 150 }, { blockedBackoffMs: 60, onRateLimit: (i) => events.push(i) });
    const other = raw();
    await new Promise((r) => setTimeout(r, 20));
    const res = await vmCall({ idempotent: false });
    await other;
    expect(res.status).toBe(200);
    expect(sim.stats.blockedConcurrency).toBeGreaterThanOrEqual(1);
    expect(events[0]?.code).toBe("1960");
  });

  it("waits out a gateway 429", async () => {
    const events: RateLimitInfo[] = [];
    const { sim, car } = await setup({ limit: 2, windowSec: 0.3, concurrency: 5 }, { onRateLimit: (i) => events.push(i) });
    await Promise.all([fetch(`${sim.url}/sm/v1/script-types`), fetch(`${sim.url}/sm/v1/script-types`)]);
    const types = await car.listScriptTypes();
    expect(types.body?.list?.[0]?.name).toBe("Custom");
    expect(events[0]?.code).toBe("429");
    expect(sim.stats.blocked).toBe(1);
  });

  it("gives up with RateLimitError, saying how long to wait, when the wait exceeds the budget", async () => {
    const { vmCall, raw } = await setup({ limit: 1, windowSec: 120, concurrency: 5 }, { waitBudgetMs: 1000 });
    await raw();
    const err = await vmCall().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RateLimitError);
    expect((err as RateLimitError).code).toBe("1965");
    expect((err as RateLimitError).waitMs).toBeGreaterThan(100_000);
    expect((err as Error).message).toMatch(/wait 1[12]\d s more/);
  });
});

describe("abort and timeout", () => {
  it("frees the queue at once when a waiting call is aborted", async () => {
    const { vmCall, limits, key } = await setup({ limit: 100, windowSec: 60, concurrency: 1, latencyMs: 200 }, { defaults: { concurrency: 1 } });
    const first = vmCall();
    const controller = new AbortController();
    const second = vmCall({ signal: controller.signal });
    await new Promise((r) => setTimeout(r, 20));
    expect(limits.scheduler.queued(key)).toBe(1);
    controller.abort(new Error("caller gave up"));
    await expect(second).rejects.toThrow("caller gave up");
    expect(limits.scheduler.queued(key)).toBe(0);
    await first;
    expect(limits.scheduler.store.snapshot(key)?.inFlight).toBe(0);
  });

  it("times out a slow call with TimeoutError and gives its slot back", async () => {
    const { vmCall, limits, key, sim } = await setup({ limit: 100, windowSec: 60, concurrency: 1, latencyMs: 300 }, { defaults: { concurrency: 1 } });
    const err = await vmCall({ idempotent: false, timeoutMs: 50 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TimeoutError);
    expect((err as Error).message).toMatch(/listScans got no response within 50 ms/);
    expect(limits.scheduler.store.snapshot(key)?.inFlight).toBe(0);
    await new Promise((r) => setTimeout(r, 300));
    expect((await vmCall({ timeoutMs: 2000 })).status).toBe(200);
    expect(sim.stats.executed).toBe(2);
  });
});

describe("retries", () => {
  it("never sends a write twice after a 5xx", async () => {
    const retries: RetryInfo[] = [];
    const { sim, car } = await setup({ limit: 100, windowSec: 60, concurrency: 5, failFirst: { count: 1, status: 503 } }, { retry: { baseDelayMs: 5, onRetry: (r) => retries.push(r) } });
    const err = await car.createScript({ body: { title: "t", typeId: 1, languageId: 2 } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HttpError);
    expect((err as HttpError).status).toBe(503);
    expect(sim.stats.faulted + sim.stats.executed).toBe(1);
    expect(retries).toEqual([]);
  });

  it("retries an idempotent call after a 503, telling onRetry", async () => {
    const retries: RetryInfo[] = [];
    const { sim, car } = await setup({ limit: 100, windowSec: 60, concurrency: 5, failFirst: { count: 2, status: 503 } }, { retry: { baseDelayMs: 5, onRetry: (r) => retries.push(r) } });
    const types = await car.listScriptTypes();
    expect(types.body?.totalCount).toBe(1);
    expect(sim.stats.faulted).toBe(2);
    expect(sim.stats.executed).toBe(1);
    expect(retries.map((r) => [r.operationId, r.attempt, r.reason])).toEqual([
      ["listScriptTypes", 1, "HTTP 503"],
      ["listScriptTypes", 2, "HTTP 503"],
    ]);
  });

  it("retries an idempotent POST after a connection reset", async () => {
    const { sim, car } = await setup({ limit: 100, windowSec: 60, concurrency: 5, failFirst: { count: 1, reset: true } });
    const page = await car.searchJobsV1({ body: { pageNumber: 0, pageSize: 10 } });
    expect(page.body?.totalCount).toBe(1);
    expect(sim.stats.faulted).toBe(1);
    expect(sim.stats.executed).toBe(1);
  });

  it("turns a connection fault on a write into NetworkError without a retry", async () => {
    const { sim, car } = await setup({ limit: 100, windowSec: 60, concurrency: 5, failFirst: { count: 1, reset: true } });
    const err = await car.createScript({ body: { title: "t", typeId: 1, languageId: 2 } }).catch((e: unknown) => e);
    expect((err as Error).name).toBe("NetworkError");
    expect((err as Error).message).toMatch(/createScript could not reach 127\.0\.0\.1:\d+ .* after 1 attempt\./);
    expect(sim.stats.faulted).toBe(1);
  });
});

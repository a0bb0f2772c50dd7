import { afterEach, describe, expect, it } from "vitest";
import { AbortError } from "../../../src/runtime/errors/abort-error.js";
import { TimeoutError } from "../../../src/runtime/errors/timeout-error.js";
import type { RetryInfo } from "../../../src/runtime/retry.js";
import { harness, type Harness } from "../rate-limit/harness.js";

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const idle = { queued: 0, inFlight: 0, timers: 0 };
const until = (check: () => boolean) =>
  new Promise<void>((resolve) => {
    const poll = () => (check() ? resolve() : setTimeout(poll, 2));
    poll();
  });

describe.each(["undici", "fetch"] as const)("timeouts and aborts (%s transport)", (transport) => {
  it("times out a slow call with TimeoutError naming it, and gives its slot back at once", async () => {
    h = await harness({ limit: 100, windowSec: 60, concurrency: 1, latencyMs: 300 }, { defaults: { concurrency: 1 }, transport });
    const err = await h.vmCall({ idempotent: false, timeoutMs: 40 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TimeoutError);
    // Marked a write here: the server may have acted on it, and the message says so.
    expect((err as Error).message).toBe("listScans got no response within 40 ms. The request may have been carried out; check before retrying.");
    expect(err).toMatchObject({ phase: "headers", outcomeUnknown: true });
    expect(h.limits.scheduler.stats()).toEqual(idle);
  });

  it("applies the layers' default timeout, which a call can lift with timeoutMs 0", async () => {
    h = await harness({ limit: 100, windowSec: 60, concurrency: 5, latencyMs: 120 }, { timeoutMs: 30, transport });
    const err = await h.vmCall({ idempotent: false }).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: "TimeoutError", timeoutMs: 30 });
    expect((await h.vmCall({ idempotent: false, timeoutMs: 0 })).status).toBe(200);
  });

  it("retries an idempotent call that timed out, each attempt with its own timeout", async () => {
    const retries: RetryInfo[] = [];
    h = await harness(
      { limit: 100, windowSec: 60, concurrency: 5, latencyMs: 200 },
      { transport, retry: { attempts: 2, onRetry: (r) => retries.push(r) } },
    );
    const err = await h.vmCall({ timeoutMs: 30 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TimeoutError);
    expect(retries.map((r) => r.reason)).toEqual(["timeout"]);
    expect(h.limits.scheduler.stats()).toEqual(idle);
  });

  it("aborts a call on the wire with AbortError and frees its slot", async () => {
    h = await harness({ limit: 100, windowSec: 60, concurrency: 5, latencyMs: 300 }, { transport });
    const controller = new AbortController();
    const pending = h.vmCall({ signal: controller.signal }).catch((e: unknown) => e);
    await until(() => h!.sim.stats.running === 1);
    controller.abort(new Error("no longer needed"));
    const err = await pending;
    expect(err).toBeInstanceOf(AbortError);
    expect(err).toMatchObject({ operationId: "listScans", cause: new Error("no longer needed") });
    expect(h.limits.scheduler.stats()).toEqual(idle);
  });

  it("honours the Request's own signal when the context carries none", async () => {
    h = await harness({ limit: 100, windowSec: 60, concurrency: 1, latencyMs: 200 }, { defaults: { concurrency: 1 }, transport });
    const onWire = new AbortController();
    const queued = new AbortController();
    const send = (signal: AbortSignal) =>
      h!.handler(new Request(`${h!.sim.url}/api/2.0/fo/scan/`, { method: "POST", body: "action=list", signal }), { module: "vm", family: "vm", operationId: "listScans", idempotent: true }).catch((e: unknown) => e);
    const first = send(onWire.signal);
    const second = send(queued.signal);
    expect(h.limits.scheduler.queued(h.vmKey)).toBe(1);
    queued.abort();
    expect(await second).toBeInstanceOf(AbortError);
    await until(() => h!.sim.stats.running === 1);
    onWire.abort();
    expect(await first).toBeInstanceOf(AbortError);
    expect(h.limits.scheduler.stats()).toEqual(idle);
  });

  it("frees the queue at once when a waiting call is aborted", async () => {
    h = await harness({ limit: 100, windowSec: 60, concurrency: 1, latencyMs: 200 }, { defaults: { concurrency: 1 }, transport });
    const first = h.vmCall();
    const controller = new AbortController();
    const second = h.vmCall({ signal: controller.signal }).catch((e: unknown) => e);
    expect(h.limits.scheduler.queued(h.vmKey)).toBe(1);
    controller.abort(new Error("caller gave up"));
    expect(await second).toMatchObject({ name: "AbortError", message: "listScans was aborted: caller gave up." });
    expect(h.limits.scheduler.queued(h.vmKey)).toBe(0);
    await first;
    expect(h.limits.scheduler.stats()).toEqual(idle);
    expect(h.sim.stats.executed).toBe(1);
  });
});

import { afterEach, describe, expect, it } from "vitest";
import { AbortError } from "../../../src/runtime/errors/abort-error.js";
import { HttpError } from "../../../src/runtime/errors/http-error.js";
import { NetworkError } from "../../../src/runtime/errors/network-error.js";
import { OutcomeUnknownError } from "../../../src/runtime/errors/outcome-unknown-error.js";
import type { RetryInfo } from "../../../src/runtime/retry.js";
import { harness, VM_PATH, type Harness } from "../rate-limit/harness.js";

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const idle = { queued: 0, inFlight: 0, timers: 0 };
const open = { limit: 100, windowSec: 60, concurrency: 5 };
const until = (check: () => boolean) =>
  new Promise<void>((resolve) => {
    const poll = () => (check() ? resolve() : setTimeout(poll, 2));
    poll();
  });

describe("retries", () => {
  it("never sends a write twice after a 5xx", async () => {
    const retries: RetryInfo[] = [];
    h = await harness({ ...open, failFirst: { count: 1, status: 503 } }, { onRetry: (r) => retries.push(r) });
    const err = await h.things.createThing({ body: { title: "t" } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HttpError);
    expect((err as HttpError).status).toBe(503);
    expect(h.sim.stats.faulted + h.sim.stats.executed).toBe(1);
    expect(retries).toEqual([]);
  });

  it("retries an idempotent call after 503s, telling onRetry each time", async () => {
    const retries: RetryInfo[] = [];
    h = await harness({ ...open, failFirst: { count: 2, status: 503 } }, { retry: { onRetry: (r) => retries.push(r) } });
    const things = await h.things.listThings();
    expect(things.body?.totalCount).toBe(1);
    expect(h.sim.stats.faulted).toBe(2);
    expect(h.sim.stats.executed).toBe(1);
    expect(retries.map((r) => [r.operationId, r.method, r.path, r.attempt, r.reason])).toEqual([
      ["listThings", "GET", "/sm/v1/things", 1, "HTTP 503"],
      ["listThings", "GET", "/sm/v1/things", 2, "HTTP 503"],
    ]);
  });

  it("stops after the configured attempts and returns the last answer", async () => {
    h = await harness({ ...open, failFirst: { count: 5, status: 502 } }, { retry: { attempts: 3 } });
    const err = await h.things.listThings().catch((e: unknown) => e);
    expect(err).toMatchObject({ name: "HttpError", status: 502 });
    expect(h.sim.stats.faulted).toBe(3);
  });

  it("waits the Retry-After a 503 names instead of its own backoff", async () => {
    const retries: RetryInfo[] = [];
    let answered = 0;
    h = await harness(
      {
        ...open,
        respond: (_req, res) => {
          if (answered++) return false;
          res.writeHead(503, { "Retry-After": "0" });
          res.end();
          return true;
        },
      },
      { retry: { baseDelayMs: 60_000, maxDelayMs: 60_000, onRetry: (r) => retries.push(r) } },
    );
    await h.things.listThings();
    expect(retries.map((r) => r.delayMs)).toEqual([0]);
  });

  it.each(["undici", "fetch"] as const)("retries an idempotent POST after a connection reset (%s transport)", async (transport) => {
    h = await harness({ ...open, failFirst: { count: 1, reset: true } }, { transport });
    const page = await h.things.searchThings({ body: { pageNumber: 0 } });
    expect(page.body?.totalCount).toBe(1);
    expect(h.sim.stats.faulted).toBe(1);
    expect(h.sim.stats.executed).toBe(1);
  });

  it.each(["undici", "fetch"] as const)("turns a reset of a sent write into OutcomeUnknownError (a NetworkError) without a retry (%s transport)", async (transport) => {
    h = await harness({ ...open, failFirst: { count: 1, reset: true } }, { transport });
    const err = await h.things.createThing({ body: { title: "t" } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NetworkError);
    expect(err).toBeInstanceOf(OutcomeUnknownError);
    // The server had the request: "could not reach" would be false, and invite a second launch.
    expect((err as Error).message).toMatch(/^createThing lost its connection to 127\.0\.0\.1:\d+ before an answer came \(.+\): the request may have been carried out; check before retrying\.$/);
    expect(h.sim.stats.faulted).toBe(1);
    expect(h.sim.stats.executed).toBe(0);
  });

  it("gives the scheduler's slot back during the backoff and counts every attempt", async () => {
    const retries: RetryInfo[] = [];
    h = await harness({ ...open, failFirst: { count: 1, status: 503 } }, { defaults: { concurrency: 1 }, retry: { baseDelayMs: 150, random: () => 1, onRetry: (r) => retries.push(r) } });
    const order: string[] = [];
    const first = h.vmCall().then(() => order.push("retried call"));
    await until(() => retries.length === 1);
    // The retried call sleeps 150 ms; meanwhile a second call of the same API (concurrency 1) goes.
    const second = h.vmCall().then(() => order.push("second call"));
    await Promise.all([first, second]);
    expect(order).toEqual(["second call", "retried call"]);
    expect(h.limits.scheduler.store.snapshot(h.vmKey)).toMatchObject({ counted: [expect.any(Number), expect.any(Number), expect.any(Number)] });
    expect(h.limits.scheduler.stats()).toEqual(idle);
  });

  it("stops at once when aborted during a backoff, freeing its slot", async () => {
    h = await harness({ ...open, failFirst: { count: 1, status: 503 } }, { retry: { baseDelayMs: 60_000, maxDelayMs: 60_000 } });
    const controller = new AbortController();
    const pending = h.vmCall({ signal: controller.signal }).catch((e: unknown) => e);
    await until(() => h!.sim.stats.faulted === 1 && h!.limits.scheduler.stats().inFlight === 0);
    controller.abort();
    const err = await pending;
    expect(err).toBeInstanceOf(AbortError);
    expect((err as Error).message).toBe("listScans was aborted.");
    expect(h.sim.stats.executed).toBe(0);
    expect(h.limits.scheduler.stats()).toEqual(idle);
    expect(h.sim.stats.byPath[VM_PATH]!.executed).toBe(0);
  });
});

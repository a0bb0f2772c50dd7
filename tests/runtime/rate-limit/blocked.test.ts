import { afterEach, describe, expect, it } from "vitest";
import { AbortError } from "../../../src/runtime/errors/abort-error.js";
import { RateLimitError } from "../../../src/runtime/errors/rate-limit-error.js";
import type { RateLimitInfo } from "../../../src/runtime/rate-limit/index.js";
import { harness, VM_PATH, type Harness } from "./harness.js";

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

describe("calls Qualys blocked", () => {
  it("waits out a 409 / 1965 for the advertised time and sends the call again, write or not", async () => {
    const events: RateLimitInfo[] = [];
    h = await harness({ limit: 3, windowSec: 0.3, concurrency: 5 }, { onRateLimit: (i) => events.push(i) });
    // Another tool of the subscription used the quota up.
    await Promise.all([h.raw(), h.raw(), h.raw()]);
    const res = await h.vmCall({ idempotent: false, query: "?action=list&ids=1,2" });
    expect(res.status).toBe(200);
    expect(h.sim.stats.blockedRate).toBe(1);
    expect(h.sim.stats.executed).toBe(4);
    expect(events).toEqual([{ code: "1965", operationId: "listScans", method: "POST", path: VM_PATH, attempt: 1, waitMs: expect.any(Number) }]);
    expect(events[0]!.waitMs).toBeGreaterThan(0);
    expect(events[0]!.waitMs).toBeLessThanOrEqual(300);
    expect(h.limits.scheduler.stats()).toEqual(idle);
  });

  it("waits out a 409 / 1960 while another client runs the only slot", async () => {
    const events: RateLimitInfo[] = [];
    h = await harness({ limit: 100, windowSec: 60, concurrency: 1, latencyMs: 150 }, { blockedBackoffMs: 60, onRateLimit: (i) => events.push(i) });
    const other = h.raw();
    await until(() => h!.sim.stats.running === 1);
    const res = await h.vmCall({ idempotent: false });
    await other;
    expect(res.status).toBe(200);
    expect(h.sim.stats.blockedConcurrency).toBeGreaterThanOrEqual(1);
    expect(h.sim.stats.executed).toBe(2);
    expect(events[0]).toMatchObject({ code: "1960", waitMs: 60 });
  });

  it("waits out a gateway 429 for its Retry-After seconds", async () => {
    const events: RateLimitInfo[] = [];
    h = await harness({ limit: 2, windowSec: 0.3, concurrency: 5, headers: false }, { onRateLimit: (i) => events.push(i) });
    await Promise.all([fetch(`${h.sim.url}/sm/v1/things`).then((r) => r.text()), fetch(`${h.sim.url}/sm/v1/things`).then((r) => r.text())]);
    const things = await h.things.listThings();
    expect(things.body?.list?.[0]?.name).toBe("Custom");
    expect(events).toEqual([expect.objectContaining({ code: "429", operationId: "listThings", path: "/sm/v1/things", waitMs: 1000 })]);
    expect(h.sim.stats.blocked).toBe(1);
  });

  it("gives up with RateLimitError, saying how long to wait, when the wait exceeds the budget", async () => {
    h = await harness({ limit: 1, windowSec: 120, concurrency: 5 }, { waitBudgetMs: 1000 });
    await h.raw();
    const err = await h.vmCall().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RateLimitError);
    expect(err).toMatchObject({ code: "1965", operationId: "listScans" });
    expect((err as RateLimitError).waitMs).toBeGreaterThan(100_000);
    expect((err as Error).message).toMatch(/listScans is blocked by the Qualys rate limit \(code 1965\).*wait 1[12]\d s more/);
    expect(h.sim.stats.blocked).toBe(1);
    expect(h.limits.scheduler.stats()).toEqual(idle);
  });

  it("fails a queued call at once when the API is held past its budget, without sending it", async () => {
    h = await harness({ limit: 1, windowSec: 120, concurrency: 5 }, { waitBudgetMs: 1000 });
    await h.raw();
    await h.vmCall().catch(() => undefined);
    const err = await h.vmCall().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RateLimitError);
    expect((err as RateLimitError).waitMs).toBeGreaterThan(100_000);
    // The first call's block held the API: the second never reached Qualys.
    expect(h.sim.stats.blocked).toBe(1);
    expect(h.limits.scheduler.stats()).toEqual(idle);
  });

  it("frees everything when a call is aborted while it waits out a block", async () => {
    h = await harness({ limit: 1, windowSec: 60, concurrency: 5 });
    await h.raw();
    const controller = new AbortController();
    const pending = h.vmCall({ signal: controller.signal }).catch((e: unknown) => e);
    await until(() => h!.sim.stats.blocked === 1 && h!.limits.scheduler.queued() === 1);
    controller.abort(new Error("user pressed Ctrl-C"));
    const err = await pending;
    expect(err).toBeInstanceOf(AbortError);
    expect((err as Error).message).toBe("listScans was aborted: user pressed Ctrl-C.");
    expect(h.limits.scheduler.stats()).toEqual(idle);
  });

  it("passes a 409 that is not a limit through, body intact", async () => {
    const conflict = `<SIMPLE_RETURN><RESPONSE><DATETIME>2026-11-24T10:00:00Z</DATETIME><CODE>1907</CODE><TEXT>Scan is already finished</TEXT></RESPONSE></SIMPLE_RETURN>`;
    h = await harness({
      limit: 100,
      windowSec: 60,
      concurrency: 5,
      respond: (_req, res) => {
        res.writeHead(409, { "Content-Type": "text/xml" });
        res.end(conflict);
        return true;
      },
    });
    const res = await h.handler(new Request(`${h.sim.url}${VM_PATH}`, { method: "POST", body: "action=cancel" }), { module: "vm", family: "vm", idempotent: false });
    expect(res.status).toBe(409);
    expect(await res.text()).toBe(conflict);
    expect(h.sim.stats.executed).toBe(1);
    expect(h.limits.scheduler.stats()).toEqual(idle);
  });
});

/** Injected faults as the client meets them: error pages, resets before and inside the body, stalls. */
import { afterEach, describe, expect, it } from "vitest";
import { HttpError } from "../../src/runtime/errors/http-error.js";
import { expectedHostDetections, failCalls, startTenant, TenantModel, type Tenant } from "../../src/tenant.js";
import { drain } from "../support/drain.js";
import { HLD, raw } from "./raw.js";
import { clientOf, decodedDetectionHost } from "./support.js";

let tenant: Tenant | undefined;
afterEach(async () => {
  await tenant?.close();
  tenant = undefined;
});

const OPTIONS = { hosts: 80, detectionsPerHost: 4, kbSize: 150, seed: 17 };
const fastRetries = { rateLimit: { retry: { baseDelayMs: 5 } } };

describe("faults", () => {
  it("answers a chosen call with the 503 HTML page of a load balancer", async () => {
    tenant = await startTenant({ ...OPTIONS, faults: failCalls({ kind: "status" }, [2], HLD) });
    expect((await raw(tenant, HLD, "action=list&truncation_limit=1")).status).toBe(200);
    const page = await raw(tenant, HLD, "action=list&truncation_limit=1");
    expect(page.status).toBe(503);
    expect(page.headers.get("content-type")).toBe("text/html");
    expect(page.text).toContain("<title>503 Service Unavailable</title>");
    expect((await raw(tenant, HLD, "action=list&truncation_limit=1")).status).toBe(200);
    expect(tenant.stats.faulted).toBe(1);
  });

  it("the client retries a 503 and a reset before the answer, and still gets every host once", async () => {
    tenant = await startTenant({ ...OPTIONS, faults: (call) => (call.nth === 2 ? { kind: "status" } : call.nth === 4 ? { kind: "reset" } : undefined) });
    const qualys = clientOf(tenant, fastRetries);
    const { got, error } = await drain(qualys.vm.listHostDetections({ truncation_limit: 20 }));
    expect(error).toBeUndefined();
    expect(got).toEqual(expectedHostDetections(new TenantModel(OPTIONS)).map((r) => decodedDetectionHost(r)));
    expect(tenant.stats.faulted).toBe(2);
    expect(tenant.stats.byPath[HLD]!.calls).toBe(Math.ceil(got.length / 20) + 2);
    await qualys.close();
  });

  it("a reset in the middle of page 2 ends the walk with an error after the hosts that came whole", async () => {
    // Heavy hosts (~100 kB each): page 2 is streamed, not buffered, when the connection drops.
    const heavy = { ...OPTIONS, hosts: 30, detectionsPerHost: 120 };
    tenant = await startTenant({ ...heavy, faults: (call) => call.nth >= 2 && { kind: "reset", afterRecords: 3 } });
    const qualys = clientOf(tenant, fastRetries);
    const { got, error } = await drain(qualys.vm.listHostDetections({ truncation_limit: 10 }));
    expect(error).toBeInstanceOf(Error);
    const expected = expectedHostDetections(new TenantModel(heavy)).map((r) => decodedDetectionHost(r));
    expect(got).toEqual(expected.slice(0, 13));
    await qualys.close();
  });

  it("a stall holds the call (and its concurrency slot) until the client gives up", async () => {
    tenant = await startTenant({ ...OPTIONS, faults: failCalls({ kind: "stall", afterRecords: 2 }, [1], HLD) });
    const qualys = clientOf(tenant, fastRetries);
    const controller = new AbortController();
    const stream = qualys.vm.listHostDetections({ truncation_limit: 50 }, { signal: controller.signal });
    const got: unknown[] = [];
    const walk = (async () => {
      for await (const host of stream) {
        got.push(host);
        if (got.length === 2) setTimeout(() => controller.abort(new Error("gave up")), 200);
      }
    })();
    await expect(walk).rejects.toThrow(/gave up/);
    expect(got).toHaveLength(2);
    await expect.poll(() => tenant!.stats.running).toBe(0);
    // A finite stall only slows the answer down.
    tenant.setFaults(failCalls({ kind: "stall", afterRecords: 1, ms: 150 }, [2], HLD));
    const started = Date.now();
    const { got: all, error } = await drain(qualys.vm.listHostDetections({ truncation_limit: 0 }));
    expect(error).toBeUndefined();
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(all).toHaveLength(expectedHostDetections(new TenantModel(OPTIONS)).length);
    await qualys.close();
  });

  it("an error status that outlasts the retries reaches the caller as HttpError", async () => {
    tenant = await startTenant({ ...OPTIONS, faults: () => ({ kind: "status", status: 502, body: "<html><body>Bad Gateway</body></html>" }) });
    const qualys = clientOf(tenant, { rateLimit: { retry: { baseDelayMs: 1, attempts: 2 } } });
    const { error } = await drain(qualys.vm.listHostDetections({}));
    expect(error).toBeInstanceOf(HttpError);
    expect((error as HttpError).status).toBe(502);
    expect(tenant.stats.byPath[HLD]).toMatchObject({ calls: 2, faulted: 2 });
    await qualys.close();
  });
});

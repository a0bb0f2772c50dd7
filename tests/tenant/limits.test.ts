/** Qualys's per-path limits: exact headers, 409 + SIMPLE_RETURN 1960 before 1965, and the client living within them. */
import { afterEach, describe, expect, it } from "vitest";
import { expectedHostDetections, failCalls, startTenant, TenantModel, type Tenant } from "../../src/tenant.js";
import { drain } from "../support/drain.js";
import { HLD, limitHeaders, raw } from "./raw.js";
import { clientOf } from "./support.js";

let tenant: Tenant | undefined;
afterEach(async () => {
  await tenant?.close();
  tenant = undefined;
});

const OPTIONS = { hosts: 60, detectionsPerHost: 3, kbSize: 100, seed: 4 };
const KB = "/api/4.0/fo/knowledge_base/vuln/";

describe("rate limit", () => {
  it("counts calls per path in a rolling window and blocks the next with 409 + 1965 and the wait", async () => {
    let now = 1_000_000;
    tenant = await startTenant({ ...OPTIONS, limits: { rate: { limit: 3, windowSec: 60 }, concurrency: 5 }, clock: () => now });
    const seen = [];
    for (let i = 0; i < 3; i++) {
      const answer = await raw(tenant, HLD, "action=list&truncation_limit=5");
      expect(answer.status).toBe(200);
      seen.push(limitHeaders(answer.headers));
      now += 1000;
    }
    expect(seen.map((h) => h["x-ratelimit-remaining"])).toEqual(["2", "1", "0"]);
    expect(seen[0]).toEqual({
      "x-ratelimit-limit": "3",
      "x-ratelimit-window-sec": "60",
      "x-ratelimit-remaining": "2",
      "x-ratelimit-towait-sec": "0",
      "x-concurrency-limit-limit": "5",
      "x-concurrency-limit-running": "1",
    });
    // The call that took the last slot learns when the next one frees up.
    expect(seen[2]!["x-ratelimit-towait-sec"]).toBe("58");

    const blocked = await raw(tenant, HLD, "action=list");
    expect(blocked.status).toBe(409);
    expect(blocked.text).toContain("<CODE>1965</CODE>");
    expect(blocked.text).toContain("This API cannot be run again for another 57 seconds.");
    expect(limitHeaders(blocked.headers)).toMatchObject({ "x-ratelimit-remaining": "0", "x-ratelimit-towait-sec": "57" });
    // Another path has its own window.
    expect((await raw(tenant, KB, "action=list&ids=10000-10010")).status).toBe(200);
    now += 58_000;
    expect((await raw(tenant, HLD, "action=list&truncation_limit=1")).status).toBe(200);
    expect(tenant.stats.byPath[HLD]).toMatchObject({ calls: 4, blocked: 1, blockedRate: 1, blockedConcurrency: 0 });
    expect(tenant.stats.blocked).toBe(1);
  });

  it("counts quota spent by other clients of the subscription", async () => {
    tenant = await startTenant({ ...OPTIONS, limits: { rate: { limit: 5, windowSec: 3600 } } });
    tenant.spend(HLD, 4);
    const answer = await raw(tenant, HLD, "action=list&truncation_limit=1");
    expect(answer.headers.get("x-ratelimit-remaining")).toBe("0");
    expect((await raw(tenant, HLD, "action=list")).status).toBe(409);
  });
});

describe("concurrency limit", () => {
  it("blocks a call while the limit's worth are running with 409 + 1960, which wins over 1965", async () => {
    tenant = await startTenant({ ...OPTIONS, limits: { rate: { limit: 2, windowSec: 3600 }, concurrency: 1 } });
    // The first call stalls after one host: it keeps running until the client lets go.
    tenant.setFaults(failCalls({ kind: "stall", afterRecords: 1 }, [1], HLD));
    const controller = new AbortController();
    const auth = Buffer.from("tenant:tenant-password").toString("base64");
    const slow = await fetch(`${tenant.url}${HLD}?action=list`, { headers: { Authorization: `Basic ${auth}`, "X-Requested-With": "test" }, signal: controller.signal });
    expect(slow.status).toBe(200);
    expect(slow.headers.get("x-concurrency-limit-running")).toBe("1");

    const blocked = await raw(tenant, HLD, "action=list");
    expect(blocked.status).toBe(409);
    expect(blocked.text).toContain("<CODE>1960</CODE>");
    expect(blocked.text).toContain("This API cannot be run again until 1 currently running instances have finished.");
    expect(limitHeaders(blocked.headers)).toMatchObject({ "x-concurrency-limit-limit": "1", "x-concurrency-limit-running": "1", "x-ratelimit-remaining": "1" });
    // The KB is another API: not blocked by the detection call.
    expect((await raw(tenant, KB, "action=list&ids=10000")).status).toBe(200);

    tenant.spend(HLD, 1); // the rate window is now full as well: concurrency still answers first
    expect((await raw(tenant, HLD, "action=list")).text).toContain("<CODE>1960</CODE>");
    controller.abort();
    await slow.body?.cancel().catch(() => {});
    await expect.poll(() => tenant!.stats.running).toBe(0);
    expect((await raw(tenant, HLD, "action=list")).text).toContain("<CODE>1965</CODE>");
    expect(tenant.stats.byPath[HLD]).toMatchObject({ blockedConcurrency: 2, blockedRate: 1, maxRunning: 1 });
  });

  it("lets the client run parallel batches within the limits: every host once, never more than the limit running", async () => {
    tenant = await startTenant({ ...OPTIONS, hosts: 200, limits: { rate: { limit: 50, windowSec: 60 }, concurrency: 2 }, costPerHostMs: 2 });
    const model = new TenantModel({ ...OPTIONS, hosts: 200 });
    const ids = model.hostIds();
    const qualys = clientOf(tenant);
    const batches = Array.from({ length: 8 }, (_, i) => ids.slice(i * 25, i * 25 + 25));
    const results = await Promise.all(batches.map((b) => drain(qualys.vm.listHostDetections({ ids: `${b[0]}-${b.at(-1)}`, truncation_limit: 0 }))));
    expect(results.map((r) => r.error)).toEqual(batches.map(() => undefined));
    expect(results.flatMap((r) => r.got.map((h) => h.id))).toEqual(expectedHostDetections(model).map((r) => r.host.id));
    expect(tenant.stats.byPath[HLD]!.maxRunning).toBeLessThanOrEqual(2);
    expect(tenant.stats.byPath[HLD]!.calls).toBe(8 + tenant.stats.byPath[HLD]!.faulted);
    await qualys.close();
  });
});

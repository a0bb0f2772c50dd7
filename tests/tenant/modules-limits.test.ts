/** CSAM, PCRS and WAS limits and faults on the tenant, as the SDK client meets them. */
import { afterEach, describe, expect, it } from "vitest";
import { NetworkError } from "../../src/runtime/errors/network-error.js";
import { TimeoutError } from "../../src/runtime/errors/timeout-error.js";
import { expectedHostIds, expectedPosture, failCalls, startTenant, TenantModel, type Tenant } from "../../src/tenant.js";
import { drain } from "../support/drain.js";
import { clientOf } from "./support.js";

let tenant: Tenant | undefined;
afterEach(async () => {
  await tenant?.close();
  tenant = undefined;
});

const OPTIONS = { hosts: 260, detectionsPerHost: 2, kbSize: 100, seed: 23, controlsPerPolicy: 4 };
const SEARCH = "/rest/2.0/search/am/asset";
const POSTURE = "/pcrs/5.0/posture/postureInfo";
const FINDINGS = "/qps/rest/3.0/search/was/finding";
const fast = { rateLimit: { retry: { baseDelayMs: 5 } } };

/**
 * A tenant clock that stands still until told: quota spent now stays spent however slow the
 * machine is, and the block it causes names a wait of `waitMs` (the window ends that much after
 * the clock's place). `pass()` moves past the window, for the client's second try.
 */
function frozenClock(windowSec: number, waitMs: number) {
  let now = 1_000_000_000;
  return {
    clock: () => now,
    /** Call after spending: the spent calls now end `waitMs` from the clock. */
    nearEnd: () => void (now += windowSec * 1000 - waitMs),
    pass: () => void (now += windowSec * 1000),
  };
}

async function bearer(t: Tenant): Promise<string> {
  return (await fetch(`${t.gatewayUrl}/auth`, { method: "POST", body: new URLSearchParams({ ...t.credentials }) })).text();
}

describe("gateway limits", () => {
  it("CSAM: 429 with an empty body and X-RateLimit-* (gateway spelling of the concurrency header) when over", async () => {
    tenant = await startTenant({ ...OPTIONS, moduleLimits: { csam: { rate: { limit: 2, windowSec: 60 } } } });
    const jwt = await bearer(tenant);
    const call = () => fetch(`${tenant!.gatewayUrl}${SEARCH}?pageSize=1`, { method: "POST", headers: { Authorization: `Bearer ${jwt}` } });
    const first = await call();
    expect(first.headers.get("x-ratelimit-limit")).toBe("2");
    expect(first.headers.get("x-ratelimit-window-sec")).toBe("60");
    expect(first.headers.get("x-ratelimit-remaining")).toBe("1");
    expect(first.headers.get("x-concurrencylimit-limit")).toBe("2");
    await first.text();
    await (await call()).text();
    const blocked = await call();
    expect(blocked.status).toBe(429);
    expect(await blocked.text()).toBe("");
    expect(Number(blocked.headers.get("x-ratelimit-towait-sec"))).toBeGreaterThan(50);
    expect(tenant.stats.byPath[SEARCH]).toMatchObject({ calls: 2, blocked: 1 });
  });

  it("CSAM: a 429 (quota spent by another client) is waited out and the walk completes", async () => {
    const time = frozenClock(60, 50);
    tenant = await startTenant({ ...OPTIONS, clock: time.clock, moduleLimits: { csam: { rate: { limit: 3, windowSec: 60 } } } });
    tenant.spend(SEARCH, 3);
    time.nearEnd();
    const blocks: { code: string; waitMs: number }[] = [];
    const qualys = clientOf(tenant, {
      hooks: {
        onRateLimit: (info) => {
          blocks.push({ code: info.code, waitMs: info.waitMs });
          time.pass();
        },
      },
    });
    const { got, error } = await drain(qualys.csam.searchAssets.items({ params: { query: { pageSize: 300 } } }));
    expect(error).toBeUndefined();
    expect(got).toEqual(new TenantModel(OPTIONS).csam.assets());
    expect(blocks).toEqual([{ code: "429", waitMs: 50 }]);
    expect(tenant.stats.byPath[SEARCH]).toMatchObject({ calls: 1, blocked: 1 });
    await qualys.close();
  });

  it("CSAM and PCRS: a client that learned the limits from the headers is never blocked", async () => {
    tenant = await startTenant({ ...OPTIONS, moduleLimits: { csam: { rate: { limit: 3, windowSec: 0.3 } }, pcrs: { rate: { limit: 4, windowSec: 0.3 } } } });
    const qualys = clientOf(tenant);
    const assets = await drain(qualys.csam.searchAssets.items({ params: { query: { pageSize: 40 } } }));
    expect(assets.error).toBeUndefined();
    expect(assets.got).toHaveLength(286);
    const posture = await drain(qualys.pcrs.postureRecords({ batchSize: 6 }));
    expect(posture.error).toBeUndefined();
    expect(tenant.stats.byPath[SEARCH]!.calls).toBe(8);
    expect(tenant.stats.byPath[POSTURE]!.calls).toBeGreaterThan(8);
    expect(tenant.stats.blocked).toBe(0);
    await qualys.close();
  });

  it("PCRS: 25 calls per 60 s by default, each API on its own window", async () => {
    tenant = await startTenant(OPTIONS);
    const jwt = await bearer(tenant);
    const get = (path: string) => fetch(`${tenant!.gatewayUrl}${path}`, { headers: { Authorization: `Bearer ${jwt}` } });
    tenant.spend("/pcrs/5.0/posture/hostids", 25);
    const list = await get("/pcrs/2.0/posture/policy/list");
    expect([list.status, list.headers.get("x-ratelimit-limit"), list.headers.get("x-ratelimit-window-sec"), list.headers.get("x-ratelimit-remaining")]).toEqual([200, "25", "60", "24"]);
    const hosts = await get("/pcrs/5.0/posture/hostids");
    expect(hosts.status).toBe(429);
  });
});

describe("WAS limits", () => {
  it("none by default; when configured, headers with the VM spelling and 429s the client waits out", async () => {
    const time = frozenClock(60, 50);
    tenant = await startTenant({ ...OPTIONS, clock: time.clock, webApps: 6, moduleLimits: { was: { rate: { limit: 20, windowSec: 60 } } } });
    tenant.spend(FINDINGS, 20);
    time.nearEnd();
    const blocks: string[] = [];
    const qualys = clientOf(tenant, {
      hooks: {
        onRateLimit: (info) => {
          blocks.push(info.code);
          time.pass();
        },
      },
    });
    const { got, error } = await drain(qualys.was.searchFindings.items({ body: { ServiceRequest: { preferences: { limitResults: 10 } } } }));
    expect(error).toBeUndefined();
    expect(got).toEqual(new TenantModel({ ...OPTIONS, webApps: 6 }).was.findings());
    expect(blocks).toEqual(["429"]);
    expect(tenant.stats.byPath[FINDINGS]!.blocked).toBe(1);
    const basic = Buffer.from(`${tenant.credentials.username}:${tenant.credentials.password}`).toString("base64");
    const answer = await fetch(`${tenant.url}${FINDINGS}`, { method: "POST", headers: { Authorization: `Basic ${basic}`, "Content-Type": "application/json" }, body: "{}" });
    expect([answer.headers.get("x-ratelimit-limit"), answer.headers.get("x-concurrency-limit-limit")]).toEqual(["20", "2"]);
    await answer.text();
    await qualys.close();
  });
});

describe("faults on the new routes", () => {
  it("a 503 page and a reset before the answer are retried: the CSAM and WAS walks still equal the model", async () => {
    tenant = await startTenant({ ...OPTIONS, webApps: 6, faults: (call) => (call.path === SEARCH && call.nth === 2 ? { kind: "status" } : call.path === FINDINGS && call.nth === 1 ? { kind: "reset" } : undefined) });
    const qualys = clientOf(tenant, fast);
    const model = new TenantModel({ ...OPTIONS, webApps: 6 });
    expect((await drain(qualys.csam.searchAssets.items({ params: { query: { pageSize: 100 } } }))).got).toEqual(model.csam.assets());
    expect((await drain(qualys.was.searchFindings.items({}))).got).toEqual(model.was.findings());
    expect(tenant.stats.faulted).toBe(2);
    await qualys.close();
  });

  it("posture reset after 5 records: a NetworkError naming the records handed over, which are the model's first 5", async () => {
    tenant = await startTenant({ ...OPTIONS, faults: failCalls({ kind: "reset", afterRecords: 5 }, [1], POSTURE) });
    const qualys = clientOf(tenant, fast);
    const model = new TenantModel(OPTIONS);
    const body = expectedHostIds(model, { policyId: String(model.pc.policyDefs()[0]!.id) });
    const { got, error } = await drain(qualys.pcrs.postureInfo({ slices: body }));
    expect(error).toBeInstanceOf(NetworkError);
    expect(error, `${(error as Error).message} got ${got.length}`).toMatchObject({ phase: "body", records: 5 });
    expect(got).toEqual(expectedPosture(model, body).slice(0, 5));
    await qualys.close();
  });

  it("posture stalled after 3 records: a TimeoutError after the body's idle limit, with the 3 records", async () => {
    tenant = await startTenant({ ...OPTIONS, faults: failCalls({ kind: "stall", afterRecords: 3 }, [1], POSTURE) });
    // Long enough that a loaded machine never leaves 2 s between the records before the stall.
    const qualys = clientOf(tenant, { bodyIdleTimeoutMs: 2000 });
    const model = new TenantModel(OPTIONS);
    const body = expectedHostIds(model, { policyId: String(model.pc.policyDefs()[1]!.id) });
    const { got, error } = await drain(qualys.pcrs.postureInfo({ slices: body }));
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ records: 3 });
    expect(got).toEqual(expectedPosture(model, body).slice(0, 3));
    await qualys.close();
  });
});

/** WAS (QPS REST 3.0 JSON) on the tenant's API server through the SDK client: id GREATER lastId walks equal the model. */
import { afterEach, describe, expect, it } from "vitest";
import { QualysApiError } from "../../src/runtime/errors/qualys-api-error.js";
import { wasSinceCriterion } from "../../src/runtime/was/criteria.js";
import { expectedFindings, expectedWebApps, startTenant, TenantModel, type Tenant } from "../../src/tenant.js";
import { drain } from "../support/drain.js";
import { clientOf } from "./support.js";

let tenant: Tenant | undefined;
afterEach(async () => {
  await tenant?.close();
  tenant = undefined;
});

const OPTIONS = { hosts: 40, detectionsPerHost: 2, kbSize: 300, seed: 5, webApps: 12, findingsPerWebApp: 9 };
const FINDINGS = "/qps/rest/3.0/search/was/finding";

async function post(t: Tenant, path: string, body: unknown, auth = true) {
  const basic = Buffer.from(`${t.credentials.username}:${t.credentials.password}`).toString("base64");
  const res = await fetch(`${t.url}${path}`, { method: "POST", headers: { "Content-Type": "application/json", Accept: "application/json", ...(auth ? { Authorization: `Basic ${basic}` } : {}) }, body: JSON.stringify(body) });
  return { status: res.status, json: (await res.json()) as { ServiceResponse: Record<string, unknown> }, headers: res.headers };
}

describe("WAS search", () => {
  it("walks every verbose finding by id GREATER lastId, equal to the model (payloads included)", async () => {
    tenant = await startTenant(OPTIONS);
    const qualys = clientOf(tenant);
    const body = { ServiceRequest: { preferences: { limitResults: 25, verbose: true } } };
    const { got, error } = await drain(qualys.was.searchFindings.items({ body }));
    expect(error).toBeUndefined();
    const model = new TenantModel(OPTIONS);
    expect(got).toEqual(model.was.findings(true));
    expect(got.length).toBeGreaterThan(60);
    expect(tenant.stats.byPath[FINDINGS]!.calls).toBe(Math.ceil(got.length / 25));
    // No rate limit headers on WAS unless configured.
    expect((await post(tenant, FINDINGS, { ServiceRequest: { preferences: { limitResults: 1 } } })).headers.get("x-ratelimit-limit")).toBeNull();
    await qualys.close();
  });

  it("sends hasMoreRecords as a string and lastId only while more follow", async () => {
    tenant = await startTenant(OPTIONS);
    const model = new TenantModel(OPTIONS);
    const ids = model.was.findingStates().map((f) => f.id);
    const first = (await post(tenant, FINDINGS, { ServiceRequest: { preferences: { limitResults: 5 } } })).json.ServiceResponse;
    expect(first).toMatchObject({ responseCode: "SUCCESS", count: 5, hasMoreRecords: "true", lastId: ids[4] });
    const last = (await post(tenant, FINDINGS, { ServiceRequest: { preferences: { limitResults: 5 }, filters: { Criteria: [{ field: "id", operator: "GREATER", value: String(ids.at(-3)) }] } } })).json.ServiceResponse;
    expect(last).toMatchObject({ count: 2, hasMoreRecords: "false" });
    expect(last).not.toHaveProperty("lastId");
    // Empty answers, in the two recorded shapes.
    const none = { ServiceRequest: { filters: { Criteria: { field: "id", operator: "GREATER", value: "999999999999" } } } };
    expect((await post(tenant, FINDINGS, none)).json).toEqual({ ServiceResponse: { responseCode: "SUCCESS", count: 0 } });
    expect((await post(tenant, "/qps/rest/3.0/search/was/webapp", none)).json).toEqual({ ServiceResponse: { responseCode: "SUCCESS", count: 0, hasMoreRecords: "false", data: [] } });
  });

  it("filters findings on lastDetectedDate, updatedDate and lastTestedDate after a step, as the model says", async () => {
    tenant = await startTenant(OPTIONS);
    const since = new Date(tenant.model.now());
    // Web apps are scanned at 3× the change fraction: about a third of them here.
    tenant.advance({ changeFraction: 0.1 });
    const model = new TenantModel(OPTIONS);
    model.advance({ changeFraction: 0.1 });
    const qualys = clientOf(tenant);
    for (const field of ["lastDetectedDate", "updatedDate", "lastTestedDate"]) {
      const body = { ServiceRequest: { preferences: { limitResults: 7, verbose: true }, filters: { Criteria: [wasSinceCriterion("findings", since, field)] } } };
      const got = (await drain(qualys.was.searchFindings.items({ body }))).got;
      expect(got, field).toEqual(expectedFindings(model, body));
      expect(got.length, field).toBeGreaterThan(0);
      expect(got.length, field).toBeLessThan(model.was.findingStates().length);
    }
    await qualys.close();
  });

  it("walks web apps (verbose: tags, owner, last scan) and filters them on updatedDate", async () => {
    tenant = await startTenant(OPTIONS);
    const qualys = clientOf(tenant);
    const model = new TenantModel(OPTIONS);
    const all = (await drain(qualys.was.searchWebApps.items({ body: { ServiceRequest: { preferences: { limitResults: 5, verbose: true } } } }))).got;
    expect(all).toEqual(model.was.webApps(true));
    expect(all).toHaveLength(12);
    const body = { ServiceRequest: { filters: { Criteria: [{ field: "tags.name", operator: "EQUALS" as const, value: "Production" }] } } };
    expect((await drain(qualys.was.searchWebApps.items({ body }))).got).toEqual(expectedWebApps(model, body));
    expect((await qualys.was.countFindings({ body: { ServiceRequest: { filters: { Criteria: [{ field: "status", operator: "EQUALS", value: "FIXED" }] } } } })).ServiceResponse?.count).toBe(
      model.was.findingStates().filter((f) => f.status === "FIXED").length,
    );
    const one = await qualys.was.getFinding({ params: { path: { id: model.was.findingStates()[3]!.id } } });
    expect(one.ServiceResponse?.data?.[0]?.Finding).toEqual(model.was.findings(true)[3]);
    await qualys.close();
  });

  it("answers a bad criterion with INVALID_REQUEST under HTTP 200 (a QualysApiError through the client)", async () => {
    tenant = await startTenant(OPTIONS);
    const qualys = clientOf(tenant);
    const err = await qualys.was.searchFindings({ body: { ServiceRequest: { filters: { Criteria: [{ field: "webApp.id", operator: "EQUALS", value: "abc123" }] } } } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(QualysApiError);
    expect(err).toMatchObject({ code: "INVALID_REQUEST", text: "Criteria: Invalid value format for criteria 'webApp.id' (abc123).", resolution: "Specify criteria value(s) as Long." });
    await qualys.close();
  });
});

describe("WAS auth", () => {
  it("wants Basic auth (or the VM session), not X-Requested-With", async () => {
    tenant = await startTenant(OPTIONS);
    const refused = await post(tenant, FINDINGS, {}, false);
    expect(refused.status).toBe(401);
    expect(refused.json.ServiceResponse.responseCode).toBe("INVALID_CREDENTIALS");
    const session = clientOf(tenant, { vmAuth: "session" });
    expect((await drain(session.was.searchWebApps.items({}))).got).toHaveLength(12);
    await session.close();
    expect(tenant.stats.rejected).toBe(1);
  });
});

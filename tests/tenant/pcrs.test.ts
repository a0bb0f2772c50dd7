/** PCRS on the tenant's gateway through the SDK client: the whole sequence equals the model's posture, gzip either way. */
import { afterEach, describe, expect, it } from "vitest";
import { InvalidParameterError } from "../../src/runtime/errors/invalid-parameter-error.js";
import { sinceTimestamp } from "../../src/runtime/since.js";
import { expectedHostIds, expectedPolicyList, expectedPosture, startTenant, TenantModel, type Tenant, type TenantOptions } from "../../src/tenant.js";
import { drain } from "../support/drain.js";
import { clientOf } from "./support.js";

let tenant: Tenant | undefined;
afterEach(async () => {
  await tenant?.close();
  tenant = undefined;
});

const OPTIONS = { hosts: 120, detectionsPerHost: 2, kbSize: 100, seed: 31, controlsPerPolicy: 8 };
const POSTURE = "/pcrs/5.0/posture/postureInfo";

/** What the walk must return, from the select functions: policy list → host ids → posture, with these filters. */
function expectedWalk(model: TenantModel, filters: { policy?: Record<string, string>; hosts?: Record<string, string>; posture?: Record<string, string | number> } = {}) {
  const ids = expectedPolicyList(model, filters.policy).policyList.filter((p) => p.status === "active").map((p) => p.id);
  const body = expectedHostIds(model, { policyId: ids.join(","), ...filters.hosts });
  return expectedPosture(model, body, filters.posture);
}

async function rawPosture(t: Tenant, query: string, body: unknown) {
  const auth = await fetch(`${t.gatewayUrl}/auth`, { method: "POST", body: new URLSearchParams({ ...t.credentials }) });
  const res = await fetch(`${t.gatewayUrl}${POSTURE}?${query}`, { method: "POST", headers: { Authorization: `Bearer ${await auth.text()}`, "Content-Type": "application/json", "Accept-Encoding": "identity" }, body: JSON.stringify(body) });
  return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
}

describe("PCRS walk", () => {
  for (const [name, extra] of [
    ["gzip without Content-Encoding", {}],
    ["gzip with Content-Encoding", { postureContentEncoding: true }],
  ] as [string, Partial<TenantOptions>][]) {
    it(`policy list → host ids → posture in slices of 7 hosts equals the model's posture of the active policies (${name})`, async () => {
      tenant = await startTenant({ ...OPTIONS, ...extra });
      const qualys = clientOf(tenant);
      const slices: number[] = [];
      const { got, error } = await drain(qualys.pcrs.postureRecords({ batchSize: 7, onSlice: (s) => slices.push(s.hostIds.length) }));
      expect(error).toBeUndefined();
      const model = new TenantModel(OPTIONS);
      const want = expectedWalk(model);
      expect(got).toEqual(want);
      expect(got.length).toBeGreaterThan(300);
      // The inactive third policy is left out; the two active ones are walked host slice by host slice.
      expect(new Set(got.map((r) => r.policyId))).toEqual(new Set(model.pc.policyDefs().slice(0, 2).map((p) => p.id)));
      expect(slices.every((n) => n <= 7)).toBe(true);
      expect(tenant.stats.byPath[POSTURE]!.calls).toBe(slices.length);
      expect(tenant.stats.byPath["/pcrs/5.0/posture/hostids"]!.calls).toBe(1);
      await qualys.close();
    });
  }

  it("with evidence, uncompressed, and for chosen policies (inactive included)", async () => {
    tenant = await startTenant(OPTIONS);
    const qualys = clientOf(tenant);
    const model = new TenantModel(OPTIONS);
    const third = model.pc.policyDefs()[2]!.id;
    const got = (await drain(qualys.pcrs.postureRecords({ policyIds: [third], evidence: true, compression: false }))).got;
    expect(got).toEqual(expectedPosture(model, expectedHostIds(model, { policyId: String(third) }), { evidenceRequired: 1 }));
    expect(got[0]).toHaveProperty("evidence.expected");
    expect(tenant.stats.byPath["/pcrs/2.0/posture/policy/list"]).toBeUndefined();
    await qualys.close();
  });

  it("incremental after a step: since evaluated, or since the status changed, exactly what the model selects", async () => {
    tenant = await startTenant(OPTIONS);
    const since = sinceTimestamp(new Date(tenant.model.now()));
    tenant.advance({ changeFraction: 0.25, hostChurn: 0.05 });
    const model = new TenantModel(OPTIONS);
    model.advance({ changeFraction: 0.25, hostChurn: 0.05 });
    const qualys = clientOf(tenant);
    const all = expectedWalk(model);

    const evaluated = (await drain(qualys.pcrs.postureRecords({ since, batchSize: 50 }))).got;
    expect(evaluated).toEqual(expectedWalk(model, { policy: { lastEvaluationDate: since }, hosts: { lastScanDate: since }, posture: { lastEvaluationDate: since } }));
    expect(evaluated.length).toBeGreaterThan(0);
    expect(evaluated.length).toBeLessThan(all.length);
    for (const r of evaluated) expect(Date.parse(r.lastEvaluatedDate!)).toBeGreaterThanOrEqual(Date.parse(since));

    const changed = (await drain(qualys.pcrs.postureRecords({ since, sinceField: "statusChanged", batchSize: 50 }))).got;
    expect(changed).toEqual(expectedWalk(model, { policy: { lastEvaluationDate: since }, hosts: { statusChangedSince: since }, posture: { statusChangedSince: since } }));
    expect(changed.length).toBeGreaterThan(0);
    expect(changed.length).toBeLessThan(evaluated.length);
    // A status that changed has a previous one, unless the posture itself is new (a host added by the step).
    for (const r of changed) expect(r.previousStatus !== null || Date.parse(r.created!) >= Date.parse(since)).toBe(true);
    expect(changed.some((r) => r.previousStatus !== null)).toBe(true);
    await qualys.close();
  });

  it("refuses unknown policy ids it was given (host ids answer them with an error under HTTP 200)", async () => {
    tenant = await startTenant(OPTIONS);
    const qualys = clientOf(tenant);
    const answer = await qualys.pcrs.resolveHostIds({ params: { query: { policyId: "999" } } });
    expect(answer).toEqual([{ policyId: "999", subscriptionId: String(tenant.model.pc.subscriptionId), hostIds: [], error: "Policy 999 not found" }]);
    const { error } = await drain(qualys.pcrs.postureRecords({ policyIds: ["999"] }));
    expect(error).toBeInstanceOf(InvalidParameterError);
    expect((error as Error).message).toContain("999 (Policy 999 not found)");
    await qualys.close();
  });
});

describe("PCRS answers", () => {
  it("gzips posture by default (gzip magic first), plain JSON with compressionRequired=0, 404 for a flag that is not 0/1", async () => {
    tenant = await startTenant(OPTIONS);
    const model = new TenantModel(OPTIONS);
    const body = expectedHostIds(model, { policyId: String(model.pc.policyDefs()[0]!.id) });
    const gz = await rawPosture(tenant, "", body);
    expect(gz.status).toBe(200);
    expect([...gz.bytes.subarray(0, 2)]).toEqual([0x1f, 0x8b]);
    expect(gz.headers.get("content-encoding")).toBeNull();
    const plain = await rawPosture(tenant, "compressionRequired=0", body);
    expect(JSON.parse(plain.bytes.toString())).toEqual(expectedPosture(model, body));
    const bad = await rawPosture(tenant, "evidenceRequired=yes", body);
    expect(bad.status).toBe(404);
    expect(JSON.parse(bad.bytes.toString())).toEqual({ message: "Invalid input Parameter." });
    expect(tenant.stats.byPath[POSTURE]!.calls).toBe(3);
  });

  it("policy list 2.0 with tags and the date filter; 1.0 without tags; host ids 2.0 needs at most 10 policies", async () => {
    tenant = await startTenant({ ...OPTIONS, policies: 12 });
    const qualys = clientOf(tenant, { hooks: { onDeprecated: () => {} } });
    const model = new TenantModel({ ...OPTIONS, policies: 12 });
    const tagged = await qualys.pcrs.getPolicyList({ params: { query: { requireTagInfo: 1 } } });
    expect(tagged).toEqual(expectedPolicyList(model, { requireTagInfo: 1 }));
    expect(tagged.policyList![0]).toMatchObject({ includeTags: [expect.objectContaining({ id: expect.any(Number) })], includeTagsScope: "ANY" });
    const v1 = await qualys.pcrs.getPolicyListV1({ params: { query: {} } });
    expect(v1.policyList![0]).not.toHaveProperty("includeTags");
    const future = await qualys.pcrs.getPolicyList({ params: { query: { lastEvaluationDate: "2099-01-01" } } });
    expect(future.policyList).toEqual([]);
    const ids = model.pc.policyDefs().map((p) => p.id).join(",");
    await expect(qualys.pcrs.resolveHostIdsV2({ params: { query: { policyId: ids } } })).rejects.toMatchObject({ name: "HttpError", status: 400 });
    expect(await qualys.pcrs.resolveHostIds({ params: { query: { policyId: ids } } })).toEqual(expectedHostIds(model, { policyId: ids }));
    await qualys.close();
  });
});

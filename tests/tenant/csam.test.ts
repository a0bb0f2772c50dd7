/** CSAM on the tenant's gateway through the SDK client: cursor walks equal the model, filters, sections, count, get, 204. */
import { afterEach, describe, expect, it } from "vitest";
import { HttpError } from "../../src/runtime/errors/http-error.js";
import { csamSinceFilter } from "../../src/runtime/csam/filters.js";
import { expectedAssets, startTenant, TenantModel, type Tenant } from "../../src/tenant.js";
import { drain } from "../support/drain.js";
import { clientOf } from "./support.js";

let tenant: Tenant | undefined;
afterEach(async () => {
  await tenant?.close();
  tenant = undefined;
});

const OPTIONS = { hosts: 260, detectionsPerHost: 2, kbSize: 100, seed: 23 };

/** A JWT from the tenant, for calls the client would hide. */
async function token(t: Tenant): Promise<string> {
  const res = await fetch(`${t.gatewayUrl}/auth`, { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ ...t.credentials, token: "true" }) });
  expect(res.status).toBe(201);
  return res.text();
}

describe("CSAM search", () => {
  it("walks every asset by lastSeenAssetId in pages of up to 300, equal to the model, children included", async () => {
    tenant = await startTenant(OPTIONS);
    const qualys = clientOf(tenant);
    const pages: number[] = [];
    const got = [];
    for await (const page of qualys.csam.searchAssets.pages({ params: { query: { pageSize: 100 } } })) {
      pages.push(page!.assetListData!.asset!.length);
      expect(page!.lastSeenAssetId).toBe(page!.assetListData!.asset!.at(-1)!.assetId);
      got.push(...page!.assetListData!.asset!);
    }
    const model = new TenantModel(OPTIONS);
    expect(got).toEqual(model.csam.assets());
    expect(got).toHaveLength(286);
    expect(pages).toEqual([100, 100, 86]);
    expect(tenant.stats.byPath["/rest/2.0/search/am/asset"]!.calls).toBe(3);
    await qualys.close();
  });

  it("filters on lastModifiedDate / sensor date after a step: exactly the assets that changed, as the model says", async () => {
    tenant = await startTenant(OPTIONS);
    const since = new Date(tenant.model.now()).toISOString();
    tenant.advance({ changeFraction: 0.2, hostChurn: 0.05 });
    const model = new TenantModel(OPTIONS);
    model.advance({ changeFraction: 0.2, hostChurn: 0.05 });
    const qualys = clientOf(tenant);
    for (const field of ["modified", "sensor"] as const) {
      const body = { filters: [csamSinceFilter(since, field)] };
      const got = (await drain(qualys.csam.searchAssets.items({ params: { query: { pageSize: 300 } }, body }))).got;
      const want = expectedAssets(model, body);
      expect(got).toEqual(want);
      expect(want.length).toBeGreaterThan(0);
      expect(want.length).toBeLessThan(model.csam.assets().length);
      for (const a of got) expect(Date.parse(field === "modified" ? a.lastModifiedDate! : a.sensorLastUpdatedDate!)).toBeGreaterThan(Date.parse(since));
    }
    const sensor = expectedAssets(model, { filters: [csamSinceFilter(since, "sensor")] });
    const modified = expectedAssets(model, { filters: [csamSinceFilter(since, "modified")] });
    expect(modified.length).toBeGreaterThan(sensor.length);
    await qualys.close();
  });

  it("keeps only the sections includeFields names (or drops excludeFields'), and ORs filters when told", async () => {
    tenant = await startTenant(OPTIONS);
    const qualys = clientOf(tenant);
    const model = new TenantModel(OPTIONS);
    const only = (await drain(qualys.csam.searchAssets.items({ params: { query: { includeFields: "software,tag" } } }))).got;
    expect(only).toEqual(expectedAssets(model, undefined, { includeFields: "software,tag" }));
    expect(only[0]).toHaveProperty("softwareListData");
    expect(only[0]).not.toHaveProperty("openPortListData");
    const without = (await drain(qualys.csam.searchAssets.items({ params: { query: { excludeFields: "software" } } }))).got;
    expect(without[0]).not.toHaveProperty("softwareListData");
    expect(without[0]).toHaveProperty("networkInterfaceListData");
    const body = { filters: [{ field: "asset.name", operator: "CONTAINS" as const, value: "cloud.example" }, { field: "asset.assetID", operator: "EQUALS" as const, value: String(model.csam.assetIds()[0]) }], operation: "OR" as const };
    const either = (await drain(qualys.csam.searchAssets.items({ body }))).got;
    expect(either.map((a) => a.assetId)).toEqual(expectedAssets(model, body).map((a) => a.assetId));
    expect(either.filter((a) => a.hostId === null)).toHaveLength(26);
    await qualys.close();
  });

  it("answers 204 when nothing matches (the walk ends with no page), 400 FAILED for a bad filter or page size", async () => {
    tenant = await startTenant(OPTIONS);
    const qualys = clientOf(tenant);
    const none = await drain(qualys.csam.searchAssets.pages({ body: { filters: [{ field: "asset.lastUpdated", operator: "GREATER", value: "2099-01-01T00:00:00Z" }] } }));
    expect(none).toEqual({ got: [], error: undefined });
    const bad = await qualys.csam.searchAssets({ body: { filters: [{ field: "asset.nam", operator: "EQUALS", value: "x" }] } }).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(HttpError);
    expect(bad).toMatchObject({ status: 400, body: { responseCode: "FAILED", responseMessage: "Invalid filter field: asset.nam" } });
    const jwt = await token(tenant);
    const big = await fetch(`${tenant.gatewayUrl}/rest/2.0/search/am/asset?pageSize=301`, { method: "POST", headers: { Authorization: `Bearer ${jwt}` } });
    expect(big.status).toBe(400);
    expect(await big.json()).toMatchObject({ responseCode: "FAILED" });
    await qualys.close();
  });
});

describe("CSAM count and get", () => {
  it("counts what search would return and gets one asset (204 for an unknown id)", async () => {
    tenant = await startTenant(OPTIONS);
    const qualys = clientOf(tenant);
    const model = new TenantModel(OPTIONS);
    expect(await qualys.csam.countAssets({})).toEqual({ count: 286, responseCode: "SUCCESS", responseMessage: "Valid API Access" });
    const body = { filters: [{ field: "operatingSystem.category1", operator: "EQUALS" as const, value: "Windows" }] };
    expect((await qualys.csam.countAssets({ body })).count).toBe(expectedAssets(model, body).length);
    const id = model.csam.assetIds()[7]!;
    const one = await qualys.csam.getAsset({ params: { query: { assetId: id } } });
    expect(one?.assetListData?.asset).toEqual([model.csam.asset(id)]);
    expect(await qualys.csam.getAsset({ params: { query: { assetId: 1 } } })).toBeUndefined();
    await qualys.close();
  });
});

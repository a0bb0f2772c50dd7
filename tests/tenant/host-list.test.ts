/** Host list through the project's client: ID_SET with ID_RANGE compression, Basic/All records, truncation URLs, filters. */
import { afterEach, describe, expect, it } from "vitest";
import { expectedHosts, idRuns, startTenant, TenantModel, type Tenant } from "../../src/tenant.js";
import { drain } from "../support/drain.js";
import { clientOf, decodedListHost } from "./support.js";

let tenant: Tenant | undefined;
afterEach(async () => {
  await tenant?.close();
  tenant = undefined;
});

const OPTIONS = { hosts: 300, detectionsPerHost: 4, kbSize: 200, seed: 21 };
const HOSTS = "/api/5.0/fo/asset/host/";

/** IDs of an ID_SET as the client decodes it (ID and ID_RANGE kept apart). */
function idsOf(idSet: { id?: (string | number)[]; idRange?: string[] } | undefined): number[] {
  const ids = (idSet?.id ?? []).map(Number);
  for (const range of idSet?.idRange ?? []) {
    const [from, to] = range.split("-").map(Number) as [number, number];
    for (let id = from; id <= to; id++) ids.push(id);
  }
  return ids.sort((a, b) => a - b);
}

async function raw(t: Tenant, query: string): Promise<{ status: number; text: string; headers: Headers }> {
  const auth = Buffer.from(`${t.credentials.username}:${t.credentials.password}`).toString("base64");
  const res = await fetch(`${t.url}${HOSTS}?${query}`, { headers: { Authorization: `Basic ${auth}`, "X-Requested-With": "test" } });
  return { status: res.status, text: await res.text(), headers: res.headers };
}

describe("host list", () => {
  it("answers details=None with every ID in one ID_SET, consecutive IDs as ID_RANGE", async () => {
    tenant = await startTenant(OPTIONS);
    const qualys = clientOf(tenant);
    const stream = qualys.vm.listHosts({ details: "None", truncation_limit: 0 });
    const { got, error } = await drain(stream);
    expect(error).toBeUndefined();
    expect(got).toEqual([]);
    const idSet = stream.pages[0]!.response!.idSet;
    const ids = new TenantModel(OPTIONS).hostIds();
    expect(idsOf(idSet)).toEqual(ids);
    // The model's IDs have gaps: both forms appear, and the count of items is the count of runs.
    expect(idSet!.idRange!.length).toBeGreaterThan(0);
    expect((idSet!.id?.length ?? 0) + idSet!.idRange!.length).toBe(idRuns(ids).length);
    await qualys.close();

    const { text } = await raw(tenant, "action=list&details=None&truncation_limit=0");
    const first = idRuns(ids)[0]!;
    expect(text).toContain(first[0] === first[1] ? `<ID>${first[0]}</ID>` : `<ID_RANGE>${first[0]}-${first[1]}</ID_RANGE>`);
  });

  it("truncates ID_SET and records at truncation_limit with a WARNING 1980 URL carrying id_min", async () => {
    tenant = await startTenant(OPTIONS);
    const ids = new TenantModel(OPTIONS).hostIds();
    const { text } = await raw(tenant, "action=list&details=None&truncation_limit=100");
    expect(idsOf({ id: [...text.matchAll(/<ID>(\d+)<\/ID>/g)].map((m) => m[1]!), idRange: [...text.matchAll(/<ID_RANGE>([\d-]+)<\/ID_RANGE>/g)].map((m) => m[1]!) })).toEqual(ids.slice(0, 100));
    expect(text).toContain("<CODE>1980</CODE>");
    expect(text).toContain("<TEXT>100 record limit exceeded. Use URL to get next batch of results.</TEXT>");
    expect(text).toContain(`<URL><![CDATA[${tenant.url}${HOSTS}?action=list&details=None&truncation_limit=100&id_min=${ids[99]! + 1}]]></URL>`);

    const qualys = clientOf(tenant);
    const pages: number[] = [];
    const { got, error } = await drain(qualys.vm.listHosts({ details: "Basic", truncation_limit: 70 }, { onPage: (p) => pages.push(p.number) }));
    expect(error).toBeUndefined();
    expect(pages).toEqual([1, 2, 3, 4, 5]);
    expect(got).toEqual(expectedHosts(new TenantModel(OPTIONS)).map((h) => decodedListHost(h, false)));
    await qualys.close();
  });

  it("serves details=All with the extra fields, show_asset_id, ids ranges and id_min/id_max", async () => {
    tenant = await startTenant(OPTIONS);
    const model = new TenantModel(OPTIONS);
    const ids = model.hostIds();
    const qualys = clientOf(tenant);
    const wanted = `${ids[3]},${ids[10]}-${ids[20]},${ids[250]}`;
    const { got } = await drain(qualys.vm.listHosts({ details: "All", ids: wanted, show_asset_id: 1, truncation_limit: 0 }));
    expect(got).toEqual(expectedHosts(model, { ids: wanted }).map((h) => decodedListHost(h, true, true)));
    expect(got.map((h) => h.id)).toEqual([ids[3], ...ids.filter((id) => id >= ids[10]! && id <= ids[20]!), ids[250]]);
    const { got: window } = await drain(qualys.vm.listHosts({ id_min: ids[40]!, id_max: ids[44]! }));
    expect(window.map((h) => h.id)).toEqual(ids.slice(40, 45));
    await qualys.close();
  });

  it("answers a bad parameter with SIMPLE_RETURN 1905 (HTTP 400), as Qualys", async () => {
    tenant = await startTenant(OPTIONS);
    const { status, text } = await raw(tenant, "action=list&ids=abc123");
    expect(status).toBe(400);
    expect(text).toContain("<CODE>1905</CODE>");
    expect(text).toContain("parameter ids has invalid value: abc123 (neither a positive integer nor a range: abc123)");
    const unknown = await raw(tenant, "action=list&colour=blue");
    expect(unknown.status).toBe(400);
    expect(unknown.text).toContain("<CODE>1901</CODE>");
  });
});

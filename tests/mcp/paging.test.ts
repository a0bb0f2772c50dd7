/**
 * Listing tools page: each call answers one page and a cursor for the next, against servers
 * that page as Qualys does (CAR pageNumber and searchAfter, the tenant's VM truncation with
 * id_min). Cursors are checked when handed back, and an answer cut to the size limit continues
 * where it stopped, so a walk sees every record once.
 */
import { afterEach, describe, expect, it } from "vitest";
import { startTenant, type Tenant } from "../../src/tenant.js";
import { carJobs, startCarPagesServer, type CarPagesServer } from "../servers/car-pages-server.js";
import { startScriptedServer, type ScriptedServer } from "../servers/scripted-server.js";
import { fakeJwt, json, startMcp, text, type McpSession } from "./support.js";

interface Page<T = Record<string, unknown>> {
  items: T[];
  count: number;
  total?: number;
  cursor?: string;
  last?: boolean;
  note?: string;
}

let session: McpSession | undefined;
let car: CarPagesServer | undefined;
let tenant: Tenant | undefined;
let scripted: ScriptedServer | undefined;
afterEach(async () => {
  await session?.close();
  await car?.close();
  await tenant?.close();
  await scripted?.close();
  session = car = tenant = scripted = undefined;
});

const gatewayEnv = (url: string) => ({ QUALYS_TOKEN: fakeJwt(), QUALYS_GATEWAY_URL: url, QUALYS_API_URL: url });

/** Calls the tool, then follows its cursors to the end; every answer on the way. */
async function walk(s: McpSession, tool: string, args: Record<string, unknown>, resend = false): Promise<Page[]> {
  const pages: Page[] = [];
  let result = await s.call(tool, args);
  for (;;) {
    expect(result.isError, text(result)).toBeFalsy();
    const page = json<Page>(result);
    pages.push(page);
    if (!page.cursor) break;
    expect(pages.length).toBeLessThan(100);
    result = await s.call(tool, resend ? { ...args, cursor: page.cursor } : { cursor: page.cursor });
  }
  return pages;
}

describe("listing tools answer one page and a cursor", () => {
  it("CAR pageNumber: three pages of 10, 10 and 5, asked by page number", async () => {
    const jobs = carJobs(25);
    car = await startCarPagesServer({ records: jobs });
    session = await startMcp(["--modules", "car"], gatewayEnv(car.url));
    const pages = await walk(session, "car_searchJobsV1", { body: { filter: "script.name:x", pageSize: 10 } });
    expect(pages.map((p) => p.count)).toEqual([10, 10, 5]);
    expect(pages.every((p) => p.total === 25)).toBe(true);
    expect(pages[2]!.last).toBe(true);
    expect(pages.flatMap((p) => p.items.map((i) => i.id))).toEqual(jobs.map((j) => j.data.id));
    // One request per call, each the next page, the caller's filter kept.
    expect(car.bodies()).toEqual([0, 1, 2].map((n) => ({ filter: "script.name:x", pageSize: 10, pageNumber: n })));
  });

  it("CAR searchAfter: the cursor carries the last sortValues, and the same arguments may be repeated with it", async () => {
    const jobs = carJobs(23);
    car = await startCarPagesServer({ records: jobs });
    session = await startMcp(["--modules", "car"], gatewayEnv(car.url));
    const body = { sort: [{ "created.dateTime": "desc" }, { id: "desc" }], pageSize: 10 };
    const pages = await walk(session, "car_searchJobs", { body }, true);
    expect(pages.map((p) => p.count)).toEqual([10, 10, 3]);
    expect(pages.flatMap((p) => p.items.map((i) => (i.data as { id: string }).id))).toEqual(jobs.map((j) => j.data.id));
    expect(car.bodies().map((b) => b.searchAfter)).toEqual([undefined, jobs[9]!.sortValues, jobs[19]!.sortValues]);
  });

  it("checks a cursor handed back: another tool's, a damaged one, or one with other arguments is refused", async () => {
    car = await startCarPagesServer({ records: carJobs(25) });
    session = await startMcp(["--modules", "car"], gatewayEnv(car.url));
    const first = json<Page>(await session.call("car_searchJobsV1", { body: { pageSize: 10 } }));
    const cursor = first.cursor!;
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    const requests = car.requests.length;

    const other = await session.call("car_searchJobs", { body: { sort: [{ id: "desc" }] }, cursor });
    expect(text(other)).toMatch(/CursorError: cursor belongs to car_searchJobsV1, not car_searchJobs/);
    const damaged = await session.call("car_searchJobsV1", { cursor: `${cursor.slice(0, -6)}AAAAAA` });
    expect(damaged.isError).toBe(true);
    expect(text(damaged)).toMatch(/CursorError: cursor is not one this server issued/);
    const changed = await session.call("car_searchJobsV1", { body: { pageSize: 5 }, cursor });
    expect(text(changed)).toMatch(/CursorError: the cursor continues a listing started with other arguments \(body differs\)/);
    expect(car.requests.length).toBe(requests);

    const second = json<Page>(await session.call("car_searchJobsV1", { body: { pageSize: 10 }, cursor }));
    expect(second.items[0]!.id).toBe(carJobs(25)[10]!.data.id);
  });

  it("VM truncation: the next page is the tenant's WARNING URL (id_min), one request per call", async () => {
    tenant = await startTenant({ hosts: 30, detectionsPerHost: 1, kbSize: 20, seed: 5 });
    session = await startMcp(["--modules", "vm"], { QUALYS_USERNAME: tenant.credentials.username, QUALYS_PASSWORD: tenant.credentials.password, QUALYS_API_URL: tenant.url, QUALYS_GATEWAY_URL: tenant.url });
    const pages = await walk(session, "vm_listHosts", { truncation_limit: 7 });
    expect(pages.map((p) => p.count)).toEqual([7, 7, 7, 7, 2]);
    expect(pages.flatMap((p) => p.items.map((h) => h.id))).toEqual([...tenant.model.hostIds()]);
    expect(tenant.stats.calls).toBe(5);
  });

  it("an answer cut to the size limit continues with the rest of its page: every record once", async () => {
    tenant = await startTenant({ hosts: 40, detectionsPerHost: 1, kbSize: 20, seed: 6 });
    session = await startMcp(["--modules", "vm", "--max-chars", "3000"], { QUALYS_USERNAME: tenant.credentials.username, QUALYS_PASSWORD: tenant.credentials.password, QUALYS_API_URL: tenant.url, QUALYS_GATEWAY_URL: tenant.url });
    const pages = await walk(session, "vm_listHosts", { truncation_limit: 25, details: "All" });
    for (const p of pages) expect(JSON.stringify(p).length).toBeLessThanOrEqual(3000);
    expect(pages.length).toBeGreaterThan(2);
    expect(pages.some((p) => /remaining records shown \(answer size limit\); the cursor continues with the rest of this page/.test(p.note ?? ""))).toBe(true);
    expect(pages.flatMap((p) => p.items.map((h) => h.id))).toEqual([...tenant.model.hostIds()]);
  });

  it("CSAM lastSeenId: the answer's lastSeenAssetId goes back in the query", async () => {
    const assets = (from: number, n: number) => Array.from({ length: n }, (_, i) => ({ assetId: from + i, assetName: `host-${from + i}` }));
    scripted = await startScriptedServer((req) => {
      const after = Number(req.query.get("lastSeenAssetId") ?? 0);
      const page = after === 0 ? assets(1, 3) : after === 3 ? assets(4, 3) : assets(7, 1);
      return { body: { responseCode: "SUCCESS", count: page.length, hasMore: after < 6 ? 1 : 0, lastSeenAssetId: page[page.length - 1]!.assetId, assetListData: { asset: page } } };
    });
    session = await startMcp(["--modules", "csam"], gatewayEnv(scripted.url));
    const pages = await walk(session, "csam_searchAssets", { pageSize: 3, body: { filters: [{ field: "asset.name", operator: "CONTAINS", value: "host" }] } });
    expect(pages.map((p) => p.items.map((a) => a.assetId))).toEqual([[1, 2, 3], [4, 5, 6], [7]]);
    expect(scripted.requests.map((r) => [r.query.get("pageSize"), r.query.get("lastSeenAssetId")])).toEqual([["3", null], ["3", "3"], ["3", "6"]]);
    expect(scripted.requests.every((r) => JSON.stringify(r.body).includes("CONTAINS"))).toBe(true);
  });

  it("VM QPS: hasMoreRecords and lastId become an id GREATER criterion next to the caller's", async () => {
    const answer = (ids: number[], more: boolean) =>
      `<?xml version="1.0" encoding="UTF-8"?><ServiceResponse><responseCode>SUCCESS</responseCode><count>${ids.length}</count><hasMoreRecords>${more}</hasMoreRecords>${more ? `<lastId>${ids[ids.length - 1]}</lastId>` : ""}<data>${ids.map((id) => `<HostAsset><id>${id}</id><name>h${id}</name></HostAsset>`).join("")}</data></ServiceResponse>`;
    scripted = await startScriptedServer((req) => ({ headers: { "Content-Type": "text/xml" }, body: String(req.body).includes('operator="GREATER">20<') ? answer([21, 22], false) : answer([10, 20], true) }));
    session = await startMcp(["--modules", "vm"], { QUALYS_USERNAME: "acme2ab12", QUALYS_PASSWORD: "pw-1", QUALYS_API_URL: scripted.url, QUALYS_GATEWAY_URL: scripted.url });
    const pages = await walk(session, "vm_searchHostAssets", { filters: [{ field: "name", operator: "CONTAINS", value: "h" }], limitResults: 2 });
    expect(pages.map((p) => p.items.map((h) => h.id))).toEqual([[10, 20], [21, 22]]);
    expect(String(scripted.requests[1]!.body)).toContain('<Criteria field="name" operator="CONTAINS">h</Criteria><Criteria field="id" operator="GREATER">20</Criteria>');
    expect(scripted.requests).toHaveLength(2);
  });
});

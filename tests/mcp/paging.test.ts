/**
 * Listing tools page: each call answers one page and a cursor for the next, against servers
 * that page as Qualys does (CAR pageNumber and searchAfter, the tenant's VM truncation with
 * id_min). Cursors are checked when handed back, and an answer cut to the size limit continues
 * where it stopped, so a walk sees every record once.
 */
import { afterEach, describe, expect, it } from "vitest";
import { startTenant, type Tenant } from "../../src/tenant.js";
import { carJobs, startCarPagesServer, type CarPagesServer } from "../servers/car-pages-server.js";
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
afterEach(async () => {
  await session?.close();
  await car?.close();
  await tenant?.close();
  session = car = tenant = undefined;
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
});

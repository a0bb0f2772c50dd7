/**
 * CSAM lastSeenAssetId paging against a scripted 127.0.0.1 server, through the real stack
 * (scheduler, retry, timeout, transport): cursor from the answer, hasMore as 0/1, boolean and
 * string, 204 as the end, a missing hasMore as an error, and an empty-bodied 429 mid-walk.
 */
import { afterEach, describe, expect, it } from "vitest";
import { createCsamClient } from "../../../src/generated/csam/index.js";
import { compose } from "../../../src/runtime/pipeline.js";
import { createRateLimitLayers, MemoryRateLimitStore, type RateLimitInfo } from "../../../src/runtime/rate-limit/index.js";
import { startScriptedServer, type Script, type ScriptedServer } from "../../servers/scripted-server.js";
import { drain } from "../../support/drain.js";

let server: ScriptedServer | undefined;
let closeLimits: (() => Promise<void>) | undefined;
afterEach(async () => {
  await closeLimits?.();
  await server?.close();
  server = closeLimits = undefined;
});

async function csamFor(script: Script) {
  server = await startScriptedServer(script);
  const url = server.url;
  const store = new MemoryRateLimitStore();
  const waits: RateLimitInfo[] = [];
  const limits = createRateLimitLayers({ store, transport: "fetch", blockedBackoffMs: 10, onRateLimit: (i) => waits.push(i), retry: { baseDelayMs: 5 } });
  closeLimits = limits.close;
  const csam = createCsamClient({ handler: compose(limits.layers, limits.transport), baseUrl: () => url });
  return { server, csam, store, waits };
}

const assets = (...ids: number[]) => ({ asset: ids.map((assetId) => ({ assetId, assetName: `host-${assetId}` })) });
const page = (hasMore: unknown, lastSeenAssetId: number | undefined, ...ids: number[]) => ({
  body: { responseCode: "SUCCESS", responseMessage: "Valid API Access", count: ids.length, hasMore, lastSeenAssetId, assetListData: assets(...ids) },
});
const filter = { filters: [{ field: "asset.lastUpdated", operator: "GREATER" as const, value: "2025-07-01T00:00:00Z" }] };


describe("CSAM lastSeenAssetId paging", () => {
  it("walks pages taking the cursor from the answer, reading hasMore as 1, true and \"1\", and ends on 204", async () => {
    // The answer's cursor (105) is past its last asset (103): the walk must send 105, not 103.
    const { server, csam } = await csamFor([page(1, 105, 101, 102, 103), page(true, 208, 201, 202, 203), page("1", 300, 301), { status: 204 }]);
    const { got, error } = await drain(csam.searchAssets.items({ params: { query: { pageSize: 3, includeFields: "software" } }, body: filter }));
    expect(error).toBeUndefined();
    expect(got.map((a) => a.assetId)).toEqual([101, 102, 103, 201, 202, 203, 301]);
    expect(server.requests.map((r) => r.query.get("lastSeenAssetId"))).toEqual([null, "105", "208", "300"]);
    for (const r of server.requests) {
      expect(r.method).toBe("POST");
      expect(r.path).toBe("/rest/2.0/search/am/asset");
      expect(Object.fromEntries([...r.query].filter(([k]) => k !== "lastSeenAssetId"))).toEqual({ pageSize: "3", includeFields: "software" });
      expect(r.body).toEqual(filter);
    }
  });

  it("ends on hasMore 0, false and \"0\" without asking again", async () => {
    for (const last of [0, false, "0", "false"]) {
      const { server, csam } = await csamFor([page(1, 2, 1, 2), page(last, 3, 3)]);
      const { got, error } = await drain(csam.searchAssets.items({}));
      expect(error, String(last)).toBeUndefined();
      expect(got.map((a) => a.assetId)).toEqual([1, 2, 3]);
      expect(server.requests).toHaveLength(2);
      await server.close();
      await closeLimits?.();
    }
    server = undefined;
  });

  it("treats 204 on the first page as no assets", async () => {
    const { server, csam } = await csamFor([{ status: 204 }]);
    const pages = await drain(csam.searchAssets.pages({ body: filter }));
    expect(pages).toEqual({ got: [] });
    expect(server.requests).toHaveLength(1);
  });

  it("stops with a PagingError, not quietly, when an answer lacks hasMore — before handing out its assets", async () => {
    const noHasMore = { body: { responseCode: "SUCCESS", count: 2, lastSeenAssetId: 202, assetListData: assets(201, 202) } };
    const { csam } = await csamFor([page(1, 102, 101, 102), noHasMore]);
    const { got, error } = await drain(csam.searchAssets.items({}));
    expect(got.map((a) => a.assetId)).toEqual([101, 102]);
    expect(error).toMatchObject({ name: "PagingError", problem: "bad-page", page: 2, received: 2 });
    expect((error as Error).message).toMatch(/no "hasMore".*resume with lastSeenAssetId=102/);
  });

  it("refuses a hasMore it cannot read, and a 'more' without a cursor", async () => {
    const odd = await csamFor([page("yes", 2, 1)]);
    expect((await drain(odd.csam.searchAssets.items({}))).error).toMatchObject({ name: "PagingError", problem: "bad-page", message: expect.stringContaining('"yes"') });
    await closeLimits?.();
    await server?.close();
    const noCursor = await csamFor([page(1, undefined, 1)]);
    const walk = await drain(noCursor.csam.searchAssets.items({}));
    expect(walk.got.map((a) => a.assetId)).toEqual([1]);
    expect(walk.error).toMatchObject({ name: "PagingError", problem: "bad-page", message: expect.stringContaining('no "lastSeenAssetId"') });
  });

  it("goes on past a page with no assets that still says more, and stops on a cursor it already sent", async () => {
    const { server, csam } = await csamFor([page(1, 50, 1), page(1, 90), page(1, 50, 2)]);
    const { got, error } = await drain(csam.searchAssets.items({}));
    expect(got.map((a) => a.assetId)).toEqual([1, 2]);
    expect(error).toMatchObject({ name: "PagingError", problem: "stalled", page: 3 });
    expect(server.requests.map((r) => r.query.get("lastSeenAssetId"))).toEqual([null, "50", "90"]);
  });

  it("refuses pageSize above 300 before sending anything", async () => {
    const { server, csam } = await csamFor([page(0, 1, 1)]);
    const { error } = await drain(csam.searchAssets.items({ params: { query: { pageSize: 301 } } }));
    expect(error).toMatchObject({ name: "PagingError", problem: "usage", message: expect.stringContaining("at most 300") });
    expect(server.requests).toHaveLength(0);
  });

  it("waits out a 429 with an empty body mid-walk, re-sends the same cursor, and learns X-ConcurrencyLimit-Limit", async () => {
    const limitHeaders = { "X-RateLimit-Limit": "300", "X-RateLimit-Window-Sec": "3600", "X-RateLimit-Remaining": "298", "X-ConcurrencyLimit-Limit": "1" };
    const { server, csam, store, waits } = await csamFor([
      { ...page(1, 102, 101, 102), headers: limitHeaders },
      { status: 429, headers: { "X-RateLimit-ToWait-Sec": "0.05", "X-ConcurrencyLimit-Limit": "1" }, body: "" },
      { ...page(0, 203, 201, 202, 203), headers: limitHeaders },
    ]);
    const started = Date.now();
    const { got, error } = await drain(csam.searchAssets.items({ body: filter }));
    expect(error).toBeUndefined();
    expect(got.map((a) => a.assetId)).toEqual([101, 102, 201, 202, 203]);
    expect(server.requests.map((r) => r.query.get("lastSeenAssetId"))).toEqual([null, "102", "102"]);
    expect(server.requests[2]!.body).toEqual(filter);
    expect(waits).toEqual([expect.objectContaining({ code: "429", waitMs: 50, attempt: 1, operationId: "searchAssets", path: "/rest/2.0/search/am/asset" })]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
    const bucket = store.snapshot("gateway:csam.searchAssets");
    expect(bucket).toMatchObject({ concurrency: 1, limit: 300, windowSec: 3600, holdCode: "429", inFlight: 0 });
    expect(bucket!.holdUntil).toBeGreaterThan(started);
  });

  it("raises responseCode FAILED under HTTP 200 as a QualysApiError", async () => {
    const { csam } = await csamFor([{ body: { responseCode: "FAILED", responseMessage: "Invalid filter field: asset.nam" } }]);
    const { error } = await drain(csam.searchAssets.items({}));
    expect(error).toMatchObject({ name: "QualysApiError", code: "FAILED", text: "Invalid filter field: asset.nam", httpStatus: 200, operation: "searchAssets" });
  });
});

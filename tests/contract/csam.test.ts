import { describe, expect } from "vitest";
import { createCsamClient } from "../../src/generated/csam/index.js";
import { HttpError } from "../../src/runtime/errors/http-error.js";
import { PagingError } from "../../src/runtime/errors/paging-error.js";
import { contractTest, mockRuntime } from "../support/contract.js";

describe("CSAM against its Prism mock", () => {
  const csam = () => createCsamClient(mockRuntime("csam"));

  contractTest("csam", "searchAssets", async () => {
    const page = await csam().searchAssets({
      params: { query: { pageSize: 300, includeFields: "software,openPort" } },
      body: { filters: [{ field: "asset.lastUpdated", operator: "GREATER", value: "2025-07-01T00:00:00Z" }], operation: "AND" },
    });
    expect(page?.responseCode).toBe("SUCCESS");
    expect(page?.hasMore).toBe(0);
    const asset = page?.assetListData?.asset?.[0];
    expect(asset?.assetId).toBe(9668984);
    // Asset dates are ISO strings; agent and inventory times are epoch milliseconds.
    expect(asset?.lastModifiedDate).toBe("2025-07-11T14:21:10.000Z");
    expect(asset?.sensorLastUpdatedDate).toBe("2025-07-11T14:20:00.000Z");
    expect(asset?.agent?.lastCheckedIn).toBe(1752243670000);
    expect(asset?.openPortListData?.openPort?.[0]).toMatchObject({ port: 443, protocol: "TCP" });
    expect(asset?.networkInterfaceListData?.networkInterface?.[0]?.macVendorIntroDate).toBe(1104537600000);
    expect(asset?.tagList?.tag?.[0]?.tagName).toBe("Production");
    expect(asset?.operatingSystem?.lifecycle?.eolDate).toBe("2027-06-01T00:00:00.000Z");

    // items() walks the one page (hasMore 0) and yields the assets themselves.
    const names: (string | null | undefined)[] = [];
    for await (const a of csam().searchAssets.items({ params: { query: { pageSize: 100 } } })) names.push(a.assetName);
    expect(names).toEqual(["web-01.example.com"]);

    // The spec caps pageSize at 300: Prism refuses more, and the walk refuses before sending.
    const tooBig = await csam().searchAssets({ params: { query: { pageSize: 301 } } }).catch((e: unknown) => e);
    expect(tooBig).toBeInstanceOf(HttpError);
    expect((tooBig as HttpError).status).toBe(400); // the documented 400
    const walk = async () => {
      for await (const _ of csam().searchAssets.pages({ params: { query: { pageSize: 1000 } } })) void _;
    };
    await expect(walk()).rejects.toMatchObject({ name: "PagingError", problem: "usage" });
    await expect(walk()).rejects.toBeInstanceOf(PagingError);
  });

  contractTest("csam", "countAssets", async () => {
    const answer = await csam().countAssets({ body: { filters: [{ field: "asset.name", operator: "CONTAINS", value: "web" }] } });
    expect(answer).toEqual({ count: 10000, responseCode: "SUCCESS", responseMessage: "Valid API Access" });
  });

  contractTest("csam", "getAsset", async () => {
    const answer = await csam().getAsset({ params: { query: { assetId: 9668984, includeFields: "software" } } });
    expect(answer?.assetListData?.asset).toHaveLength(1);
    expect(answer?.assetListData?.asset?.[0]?.operatingSystem?.fullName).toBe("Ubuntu Linux 22.04");
    const missing = await csam().getAsset({ params: { query: {} } } as never).catch((e: unknown) => e);
    expect((missing as HttpError).status).toBe(400);
  });

  contractTest("csam", "listComponents", async () => {
    const items = [];
    for await (const c of csam().listComponents.items({ params: { query: { pageSize: 500 } } })) items.push(c);
    expect(items).toEqual([expect.objectContaining({ id: 1201, name: "log4j-core", version: "2.17.1" })]);
  });

  contractTest("csam", "listAssetComponents", async () => {
    const page = await csam().listAssetComponents({ params: { path: { assetId: 9668984 }, query: { pageSize: 1000 } } });
    expect(page?.lastAssetComponentId).toBe(1201);
    expect(page?.assetComponentsList?.[0]?.assetId).toBe(9668984);
  });

  contractTest("csam", "listHostAssetsV1", async () => {
    const ids: number[] = [];
    for await (const a of csam().listHostAssetsV1.items({ params: { query: { pageSize: 300, lastModifiedDate: "2025-07-01T00:00:00Z" } } })) ids.push(a.assetId!);
    expect(ids).toEqual([9668984]);
  });

  contractTest("csam", "countHostAssetsV1", async () => {
    const answer = await csam().countHostAssetsV1({ params: { query: { filter: "operatingSystem.category1:`Windows`" } } });
    expect(answer.count).toBe(10000);
  });
});

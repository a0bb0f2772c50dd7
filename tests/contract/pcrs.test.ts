import { describe, expect } from "vitest";
import { createPcrsClient } from "../../src/generated/pcrs/index.js";
import { HttpError } from "../../src/runtime/errors/http-error.js";
import { postureRecordsOf } from "../../src/runtime/pcrs/posture-stream.js";
import { contractTest, mockRuntime } from "../support/contract.js";

describe("PCRS against its Prism mock", () => {
  const pcrs = () => createPcrsClient(mockRuntime("pcrs"));
  const slice = [{ policyId: "4677689", subscriptionId: "71412", hostIds: ["1000001", "1000002"] }];

  contractTest("pcrs", "getPolicyList", async () => {
    const answer = await pcrs().getPolicyList({ params: { query: { lastEvaluationDate: "2026-11-01T00:00:00Z", requireTagInfo: 1 } } });
    expect(answer.subscriptionId).toBe(71412);
    expect(answer.policyList?.map((p) => [p.id, p.status, p.locked])).toEqual([
      [4677689, "active", 0],
      [4677690, "inactive", 1],
    ]);
    expect(answer.policyList?.[0]?.includeTags).toEqual([{ id: 7531, name: "Production" }]);
    // The date pattern is in the spec: Prism refuses another format.
    const bad = await pcrs().getPolicyList({ params: { query: { lastEvaluationDate: "yesterday" } } }).catch((e: unknown) => e);
    expect((bad as HttpError).status).toBe(400);
  });

  contractTest("pcrs", "getPolicyListV1", async () => {
    const answer = await pcrs().getPolicyListV1({ params: { query: {} } });
    expect(answer.policyList).toHaveLength(2);
  });

  contractTest("pcrs", "resolveHostIds", async () => {
    const answer = await pcrs().resolveHostIds({ params: { query: { policyId: "4677689", lastScanDate: "2026-11-01" } } });
    // Ids come as strings here, numbers elsewhere: the schema takes both.
    expect(answer).toEqual([{ policyId: "4677689", subscriptionId: "71412", hostIds: ["1000001", "1000002", "1000003"] }]);
    const bad = await pcrs().resolveHostIds({ params: { query: { policyId: "abc" } } }).catch((e: unknown) => e);
    expect((bad as HttpError).status).toBe(400);
  });

  contractTest("pcrs", "resolveHostIdsV2", async () => {
    const answer = await pcrs().resolveHostIdsV2({ params: { query: { policyId: "4677689" } } });
    expect(answer[0]?.hostIds).toHaveLength(3);
  });

  contractTest("pcrs", "getPostureInfo", async () => {
    const body = await pcrs().getPostureInfo({ params: { query: { evidenceRequired: 0, compressionRequired: 0 } }, body: slice });
    const records = [];
    for await (const r of postureRecordsOf(body)) records.push(r);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ id: 23006235045, instance: "os", status: "Failed", previousStatus: "Passed", hostId: 1000001, netBios: null, firstFailDate: "2026-11-20T10:00:00Z" });
    const noBody = await pcrs().getPostureInfo({ params: { query: {} } } as never).catch((e: unknown) => e);
    expect((noBody as HttpError).status).toBe(400);
  });

  contractTest("pcrs", "getPostureInfoV4", async () => {
    const body = await pcrs().getPostureInfoV4({ params: { query: { compressionRequired: 0 } }, body: slice });
    const records = [];
    for await (const r of postureRecordsOf(body)) records.push(r);
    expect(records.map((r) => r.controlId)).toEqual([1071]);
  });
});

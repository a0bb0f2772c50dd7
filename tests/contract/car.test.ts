import { describe, expect } from "vitest";
import { createCarClient } from "../../src/generated/car/index.js";
import { contractTest, mockRuntime } from "../support/contract.js";

describe("CAR against its Prism mock", () => {
  const car = () => createCarClient({ ...mockRuntime("car"), onDeprecated: () => {} });

  contractTest("car", "createScript", async () => {
    const script = await car().createScript({
      body: { title: "Collect installed hotfixes", typeId: 1, languageId: 2, content: "R2V0LUhvdEZpeA==" },
    });
    expect(script.body?.id).toBe(16515);
    expect(script.body?.status).toBe("APPROVED");
  });

  contractTest("car", "createScriptV4", async () => {
    const script = await car().createScriptV4({ body: { title: "t", typeId: 1, languageId: 2 } });
    expect(script.body?.title).toBe("Collect installed hotfixes");
  });

  contractTest("car", "createScriptV1", async () => {
    const script = await car().createScriptV1({ body: { title: "t", typeId: 1, languageId: 2 } });
    expect(script.body?.typeId).toBe(1);
  });

  contractTest("car", "updateScript", async () => {
    const script = await car().updateScript({
      params: { path: { id: 16515 } },
      body: { comment: "Sort hotfixes by install date", scriptApprovalUserConsent: true },
    });
    expect(script.body?.id).toBe(16515);
  });

  contractTest("car", "updateScriptV1", async () => {
    const script = await car().updateScriptV1({ params: { path: { id: 16515 } }, body: { comment: "c" } });
    expect(script.body?.languageId).toBe(2);
  });

  contractTest("car", "listScriptTypes", async () => {
    const types = await car().listScriptTypes();
    expect(types.body?.list?.map((t) => t.name)).toEqual(["Custom", "Custom QID"]);
  });

  contractTest("car", "listScriptLanguages", async () => {
    const languages = await car().listScriptLanguages();
    expect(languages.body?.totalCount).toBe(3);
    expect(languages.body?.list?.find((l) => l.id === 1)?.name).toBe("PowerShell");
  });

  contractTest("car", "executeScript", async () => {
    const run = await car().executeScript({
      params: { path: { scriptId: 19218 } },
      body: { assetIds: ["12345678"], testMode: false },
    });
    expect(run.body.correlationUuid).toBe("bbc62201-cec7-4f9d-8edc-37b55b7b55f4");
  });

  contractTest("car", "searchJobs", async () => {
    const page = await car().searchJobs({
      body: {
        filter: "script.name:Auto_script_22062022_074300047",
        sort: [{ "created.dateTime": "desc" }, { id: "desc" }],
        pageSize: 10,
      },
    });
    expect(page.body?.totalCount).toBe(80);
    const first = page.body?.list?.[0];
    expect(first?.sortValues).toEqual([1674216006119, "25943"]);
    expect(first?.data.scriptType).toBe("PowerShell");
    expect(first?.data.category?.name).toBe("Data Backup");
  });

  contractTest("car", "searchJobsV1", async () => {
    const page = await car().searchJobsV1({ body: { filter: "job.id:80507", pageNumber: 0, pageSize: 30 } });
    expect(page.body?.list?.[0]?.executionType).toBe("Manual");
    expect(page.body?.list?.[0]?.created?.dateTime).toBe(1651847969380);
  });

  contractTest("car", "searchAssetJobs", async () => {
    const page = await car().searchAssetJobs({ body: { filter: "job.id:80507", sort: [{ id: "desc" }] } });
    const job = page.body?.list?.[0]?.data;
    expect(job?.output?.text).toBe("SUCCESS");
    expect(job?.enddate).toBe("2022-05-11T06:42:13.692+00:00");
  });

  contractTest("car", "searchAssetJobsV1", async () => {
    const page = await car().searchAssetJobsV1({ body: { filter: "job.id:80507", includeScriptResult: true } });
    expect(page.body?.list?.[0]?.scriptResult).toBe("S0I1MDAxMjM0");
  });

  contractTest("car", "searchAssets", async () => {
    const page = await car().searchAssets({ body: { sort: [{ id: "asc" }], pageSize: 100 } });
    expect(page.body?.list?.[0]?.data.name).toBe("web01");
  });

  contractTest("car", "searchAssetTags", async () => {
    const page = await car().searchAssetTags({ body: { pageNumber: 0, pageSize: 10 } });
    expect(page.body?.list?.[0]?.tagId).toBe(10488391);
  });

  contractTest("car", "searchActivities", async () => {
    const page = await car().searchActivities({ body: { qql: "activity: CREATE" } });
    expect(page.auditRecords?.[0]?.action).toBe("CREATE");
    expect(page.auditRecords?.[0]?.customFields?.[0]).toEqual({ key: "targetId", value: "16515" });
  });

  contractTest("car", "searchSchedules", async () => {
    const page = await car().searchSchedules({ body: { pageSize: 50, pageNumber: 0 } });
    expect(page.body?.list?.[0]?.id).toBe("23f97a1f-76f4-4e85-a7c2-566f120874fc");
  });

  contractTest("car", "searchBlockCommands", async () => {
    const page = await car().searchBlockCommands({ body: { filter: "language.name:PowerShell" } });
    expect(page.body?.list?.[0]?.command).toBe("Format-Volume");
  });

  contractTest("car", "getBlockCommandsV1", async () => {
    const warnings: string[] = [];
    const client = createCarClient({ ...mockRuntime("car"), onDeprecated: (w) => warnings.push(w.message) });
    const page = await client.getBlockCommandsV1({ params: { path: { id: 1 } } });
    expect(page.body?.list?.[0]?.languageId).toBe(1);
    await client.getBlockCommandsV1({ params: { path: { id: 1 } } });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/getBlockCommandsV1.*end of life 2026-06.*searchBlockCommands/);
  });
});

import { describe, expect } from "vitest";
import { createWasClient } from "../../src/generated/was/index.js";
import { QualysApiError } from "../../src/runtime/errors/qualys-api-error.js";
import { contractTest, mockRuntime } from "../support/contract.js";

const since = { field: "lastTestedDate", operator: "GREATER" as const, value: "2025-07-01T00:00:00Z" };

describe("WAS against its Prism mock", () => {
  const was = () => createWasClient(mockRuntime("was"));

  contractTest("was", "searchWebApps", async () => {
    const page = await was().searchWebApps({ body: { ServiceRequest: { preferences: { limitResults: 100 } } } });
    expect(page.ServiceResponse?.hasMoreRecords).toBe("false");
    const apps = [];
    for await (const app of was().searchWebApps.items({ body: { ServiceRequest: { filters: { Criteria: [{ field: "name", operator: "CONTAINS", value: "shop" }] } } } })) apps.push(app);
    // items() hands out the web app itself, not the {"WebApp": …} wrapper.
    expect(apps).toEqual([expect.objectContaining({ id: 238483925, name: "Demo shop", isScheduled: "false" })]);
  });

  contractTest("was", "countWebApps", async () => {
    const answer = await was().countWebApps({ body: { ServiceRequest: { filters: { Criteria: [since] } } } });
    expect(answer.ServiceResponse?.count).toBe(42);
  });

  contractTest("was", "getWebApp", async () => {
    const answer = await was().getWebApp({ params: { path: { id: 238483925 } } });
    const app = answer.ServiceResponse?.data?.[0]?.WebApp;
    expect(app).toMatchObject({ riskScore: 610, defaultScanner: { type: "EXTERNAL" } });
    expect(app?.tags?.list?.[0]?.Tag?.name).toBe("Production");
  });

  contractTest("was", "searchFindings", async () => {
    const findings = [];
    for await (const f of was().searchFindings.items({ body: { ServiceRequest: { preferences: { limitResults: 1000, verbose: true }, filters: { Criteria: [since] } } } })) findings.push(f);
    expect(findings).toHaveLength(1);
    // JSON booleans and severity come as strings.
    expect(findings[0]).toMatchObject({ id: 18119520, qid: 150528, severity: "1", potential: "false", lastTestedDate: "2025-07-10T10:00:00Z" });
  });

  contractTest("was", "countFindings", async () => {
    const answer = await was().countFindings({ body: { ServiceRequest: { filters: { Criteria: [since] } } } });
    expect(answer.ServiceResponse?.responseCode).toBe("SUCCESS");
  });

  contractTest("was", "getFinding", async () => {
    const answer = await was().getFinding({ params: { path: { id: 18119520 } } });
    expect(answer.ServiceResponse?.data?.[0]?.Finding?.cwe?.list).toEqual([525]);
  });

  contractTest("was", "searchScans", async () => {
    const scans = [];
    for await (const s of was().searchScans.items({ body: { ServiceRequest: { filters: { Criteria: [{ field: "launchedDate", operator: "GREATER", value: "2025-07-01T00:00:00Z" }] } } } })) scans.push(s);
    expect(scans).toEqual([expect.objectContaining({ id: 1902350, status: "FINISHED" })]);
  });

  contractTest("was", "countScans", async () => {
    const answer = await was().countScans();
    expect(typeof answer.ServiceResponse?.count).toBe("number");
  });

  contractTest("was", "getScan", async () => {
    const answer = await was().getScan({ params: { path: { id: 1902350 } } });
    expect(answer.ServiceResponse?.data?.[0]?.WasScan?.summary?.resultsStatus).toBe("SUCCESSFUL");
  });

  contractTest("was", "launchScan", async () => {
    const answer = await was().launchScan({
      body: { ServiceRequest: { data: { WasScan: { name: "demo", type: "VULNERABILITY", target: { webApp: { id: "238483925" } }, profile: { id: "450936" } } } } },
    });
    expect(answer.ServiceResponse?.data?.[0]?.WasScan?.id).toBe(1498381);
    // The launch body is required: Prism refuses a scan without a name.
    const bad = await was().launchScan({ body: { ServiceRequest: { data: { WasScan: {} } } } } as never).catch((e: unknown) => e);
    expect(bad).toMatchObject({ name: "HttpError", status: 422 });
  });

  contractTest("was", "getScanStatus", async () => {
    const answer = await was().getScanStatus({ params: { path: { id: 1902350 } } });
    expect(answer.ServiceResponse?.data?.[0]?.WasScan).toEqual({ id: 1902350, status: "FINISHED", summary: { resultsStatus: "NO_HOST_ALIVE", authStatus: "NONE" } });
  });

  contractTest("was", "searchCatalog", async () => {
    const entries = [];
    for await (const e of was().searchCatalog.items({ body: { ServiceRequest: { preferences: { limitResults: 100 } } } })) entries.push(e);
    expect(entries).toEqual([expect.objectContaining({ id: 4411, fqdn: "staging.example.com" })]);
  });

  contractTest("was", "countCatalog", async () => {
    // The spec's second example is an error under HTTP 200: it becomes a QualysApiError.
    const failure = await was()
      .countCatalog({ headers: { Prefer: "example=invalidRequest" } })
      .catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(QualysApiError);
    expect(failure).toMatchObject({ code: "INVALID_REQUEST", httpStatus: 200, root: "ServiceResponse", resolution: "Specify criteria value(s) as Long." });
    expect((failure as Error).message).toContain("Invalid value format for criteria 'webApp.id'");
    expect((await was().countCatalog()).ServiceResponse?.count).toBe(42);
  });
});

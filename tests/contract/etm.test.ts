import { strFromU8, unzipSync } from "fflate";
import { describe, expect } from "vitest";
import { createEtmClient } from "../../src/generated/etm/index.js";
import { HttpError } from "../../src/runtime/errors/http-error.js";
import { contractTest, mockRuntime } from "../support/contract.js";

const reportId = "7c4e0a9e-5b1d-4f55-9a3e-2f0d8c6b1a42";

describe("ETM against its Prism mock", () => {
  const etm = () => createEtmClient(mockRuntime("etm"));

  contractTest("etm", "submitFindingsReport", async () => {
    const report = await etm().submitFindingsReport({
      body: {
        reportFormat: "JSON",
        name: "KEV severity 5 open findings",
        findingsQql: "finding.riskFactor.rti:Cisa_Known_Exploited_Vulns and finding.severity:[5] and finding.status:NEW",
        assetQql: "asset.tag.name:`Production`",
      },
    });
    expect(report.id).toBe(reportId);
    expect(report.status).toBe("REQUESTED");
  });

  contractTest("etm", "listReports", async () => {
    const reports = await etm().listReports({ body: { pageSize: 50 } });
    expect(reports.data.map((r) => [r.id, r.status])).toEqual([
      [reportId, "COMPLETED"],
      ["1b9f3d2c-8e4a-4c7b-b1f0-6a5d9e8c7b21", "FAILED"],
    ]);
    expect(reports.data[0]?.resources).toEqual(["part_1.json", "part_2.json"]);
  });

  contractTest("etm", "getReport", async () => {
    const report = await etm().getReport({ params: { path: { reportId } } });
    expect(report.status).toBe("COMPLETED");
    expect(report.reportFormat).toBe("JSON");
    expect(report.resources).toEqual(["part_1.json", "part_2.json"]);
    // An unknown id comes back as the documented 404, thrown as a typed error.
    const missing = await etm()
      .getReport({ params: { path: { reportId: "no-such-report" } }, headers: { Prefer: "code=404" } })
      .catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(HttpError);
    expect((missing as HttpError).status).toBe(404);
    expect((missing as HttpError).body).toMatchObject({ message: "Report not found" });
  });

  contractTest("etm", "downloadReport", async () => {
    // application/zip is streamed, not parsed: the fetcher hands back the body stream.
    const body = await etm().downloadReport({ params: { path: { reportId } } });
    expect(body).toBeInstanceOf(ReadableStream);
    const bytes = new Uint8Array(await new Response(body).arrayBuffer());
    expect(strFromU8(bytes.subarray(0, 2))).toBe("PK");
    const parts = unzipSync(bytes);
    expect(Object.keys(parts)).toEqual(["part_1.json"]);
    const findings = JSON.parse(strFromU8(parts["part_1.json"]!)) as { cveId: string; qds: number }[];
    expect(findings).toEqual([{ title: "OpenSSH regreSSHion", severity: 5, cveId: "CVE-2024-6387", qds: 93 }]);
  });

  contractTest("etm", "getReportResource", async () => {
    const findings = await etm().getReportResource({ params: { path: { reportId, resourceName: "part_1.json" } } });
    expect(findings).toHaveLength(2);
    const [vuln, misconfig] = findings;
    expect(vuln?.cveId).toBe("CVE-2025-24983");
    expect(vuln?.severity).toBe(5);
    expect(vuln?.isQualysPatchable).toBe(true);
    expect(vuln?.asset).toEqual({ assetName: "win-sql-01.corp.example", internalAssetId: 48213377 });
    expect(vuln?.firstFound).toBe(1741737600000);
    expect(misconfig?.category).toBe("MISCONFIGURATION");
    expect(misconfig?.vendorId).toBe("CID-40");
  });

  contractTest("etm", "listMitigations", async () => {
    const result = await etm().listMitigations({ params: { query: { pageSize: 100 } } });
    // Any of the three shapes qualys-mcp accepts; the mock serves `{data}`.
    const mitigations = Array.isArray(result) ? result : "data" in result ? result.data : result.mitigations;
    expect(mitigations.map((m) => m.name)).toEqual(["Disable SMBv1"]);
  });
});

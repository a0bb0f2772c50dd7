/** The paging signals the VM runtime reads from a decoded rest-of-document. */
import { describe, expect, it } from "vitest";
import { nextPageUrlOf, qpsPagingOf, truncationWarningOf } from "../../src/runtime/xml/paging.js";
import * as H from "./generated/hosts.descriptors.js";
import * as K from "./generated/knowledge-base.descriptors.js";
import * as Q from "./generated/qps.descriptors.js";
import { fixture, records } from "./support.js";

describe("truncation WARNING", () => {
  it("reads CODE 1980 and the next-page URL whether the schema types CODE as integer or string", async () => {
    const hld = await records(fixture("own_hld_qds_truncated_warning.xml"), H.HostListVmDetectionOutput);
    const url = "https://qualysapi.qualys.com/api/2.0/fo/asset/host/vm/detection/?action=list&show_qds=1&show_qds_factors=1&truncation_limit=1&id_min=7000002";
    expect(truncationWarningOf(hld.document, H.HostListVmDetectionOutput)).toEqual({ code: "1980", text: "1 record limit exceeded. Use URL to get next batch of results.", url });
    expect(nextPageUrlOf(hld.document, H.HostListVmDetectionOutput)).toBe(url);
    const kb = await records(fixture("own_kb_vuln_full.xml"), K.KnowledgeBaseVulnListOutput);
    expect(nextPageUrlOf(kb.document, K.KnowledgeBaseVulnListOutput)).toBe("https://qualysapi.qualys.com/api/2.0/fo/knowledge_base/vuln/?action=list&id_min=990002");
  });

  it("finds a WARNING the schema does not declare (kept in extra), and none on the last page", async () => {
    const body = `<SCAN_LIST_OUTPUT><RESPONSE><DATETIME>2026-01-01T00:00:00Z</DATETIME><WARNING><CODE>1980</CODE><TEXT>t</TEXT><URL><![CDATA[ https://qualysapi.qualys.com/next ]]></URL></WARNING></RESPONSE></SCAN_LIST_OUTPUT>`;
    const S = await import("./generated/scans-reports.descriptors.js");
    const { document } = await records(body, S.ScanListOutput);
    expect(document.response?.extra?.WARNING).toBeDefined();
    expect(nextPageUrlOf(document, S.ScanListOutput)).toBe("https://qualysapi.qualys.com/next");
    const last = await records(fixture("j1_fixture_detections.xml"), H.HostListVmDetectionOutput);
    expect(truncationWarningOf(last.document, H.HostListVmDetectionOutput)).toBeUndefined();
    expect(nextPageUrlOf(last.document, H.HostListVmDetectionOutput)).toBeUndefined();
  });
});

describe("QPS paging", () => {
  it("reads count, hasMoreRecords and lastId", async () => {
    const { document } = await records(fixture("j1_fixture_list-host-assets.xml"), Q.HostAssetServiceResponse);
    expect(qpsPagingOf(document, Q.HostAssetServiceResponse)).toEqual({ responseCode: "SUCCESS", count: 6, hasMoreRecords: false, lastId: 5693290 });
    const more = `<ServiceResponse><responseCode>SUCCESS</responseCode><count>100</count><hasMoreRecords>true</hasMoreRecords><lastId>777</lastId><data/></ServiceResponse>`;
    const page = await records(more, Q.HostAssetServiceResponse);
    expect(qpsPagingOf(page.document, Q.HostAssetServiceResponse)).toEqual({ responseCode: "SUCCESS", count: 100, hasMoreRecords: true, lastId: 777 });
    // Undeclared in the portal-version schema: found in extra, as text.
    const raw = await records(more.replace("<data/>", ""), Q.PortalVersionServiceResponse);
    expect(qpsPagingOf(raw.document, Q.PortalVersionServiceResponse)).toEqual({ responseCode: "SUCCESS", count: 100, hasMoreRecords: true, lastId: 777 });
  });
});

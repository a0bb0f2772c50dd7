/**
 * Every captured Qualys sample decodes to the expected typed values through the descriptors the
 * generator made from specs/vm.yaml.
 */
import { describe, expect, it } from "vitest";
import * as D from "../../src/generated/vm/xml-descriptors.js";
import type * as X from "../../src/generated/vm/xml-types.js";
import { QualysApiError } from "../../src/runtime/errors/qualys-api-error.js";
import { SIMPLE_RETURN, type SimpleReturnDocument } from "../../src/runtime/xml/builtin.js";
import { documentOf, fixture, records } from "./support.js";

describe("host detection list", () => {
  it("decodes the graph-qualys fixture, line-broken tags and all", async () => {
    const { records: hosts, document } = await records<X.DetectionHost, X.HostListVmDetectionOutput>(fixture("j1_fixture_detections.xml"), D.HostListVmDetectionOutput);
    expect(hosts).toHaveLength(1);
    const host = hosts[0]!;
    expect(host).toMatchObject({ id: 6506432, ip: "10.10.10.11", trackingMethod: "IP", dns: "2k8r2-u-10-11", netbios: "2K8R2-U-10-11", lastVmScannedDuration: 352 });
    expect(host.os).toBe("Windows 2008 R2 Enterprise Service Pack1");
    expect(host.lastScanDatetime).toEqual(new Date("2018-04-13T03:49:05Z"));
    expect(host.detectionList!.map((d) => d.qid)).toEqual([38170, 38173, 38601]);
    const first = host.detectionList![0]!;
    expect(first).toMatchObject({ type: "Confirmed", severity: 2, port: 3389, protocol: "tcp", ssl: true, status: "Active", timesFound: 111, isIgnored: false, isDisabled: false });
    expect(first.results).toBe("Certificate #0 CN=2k8r2-u-10-11(2k8r2-u-10-11) doesn&apos;tresolve");
    expect(first.lastProcessedDatetime).toEqual(new Date("2018-04-13T03:49:05Z"));
    expect(host.detectionList![1]!.results).toBe("Certificate #0 CN=2k8r2-u-10-11\nunable to get local\nissuer certificate");
    expect(document.response?.datetime).toEqual(new Date("2020-09-27T01:29:21Z"));
    expect(document.response?.hostList).toBeUndefined();
  });

  it("decodes QDS, QDS_FACTORS, CDATA in whitespace and the truncation WARNING", async () => {
    const { records: hosts, document } = await records<X.DetectionHost, X.HostListVmDetectionOutput>(fixture("own_hld_qds_truncated_warning.xml"), D.HostListVmDetectionOutput);
    expect(hosts[0]!.os).toBe("Windows Server 2022");
    expect(hosts[0]!.dnsData).toEqual({ hostname: "files01", domain: "corp.example", fqdn: "files01.corp.example" });
    const [kernel, tls] = hosts[0]!.detectionList!;
    expect(kernel).toMatchObject({ uniqueVulnId: 880001, qid: 91938, severity: 5, ssl: false, affectRunningKernel: true, qds: { severity: "CRITICAL", value: 95 } });
    expect(kernel!.qdsFactors).toEqual([
      { name: "CVSS", value: "9.8" },
      { name: "CVSS_version", value: "v3.x" },
      { name: "epss", value: "0.97" },
      { name: "CISA_vuln", value: "YES" },
    ]);
    expect(kernel!.results).toBe("KB5031364 is not installed\n%windir%\\system32\\ntoskrnl.exe  Version is  10.0.20348.2031");
    expect(tls!.results).toBe('TLSv1.0 is supported &amp; "enabled" < TLSv1.2');
    expect(tls!.qdsFactors).toBeUndefined();
    expect(document.response?.warning).toEqual({
      code: "1980",
      text: "1 record limit exceeded. Use URL to get next batch of results.",
      url: "https://qualysapi.qualys.com/api/2.0/fo/asset/host/vm/detection/?action=list&show_qds=1&show_qds_factors=1&truncation_limit=1&id_min=7000002",
    });
  });

  it("decodes an empty answer with comments before and after the root", async () => {
    const { records: hosts, document } = await records<X.DetectionHost, X.HostListVmDetectionOutput>(fixture("j1_hld_empty_response.xml"), D.HostListVmDetectionOutput);
    expect(hosts).toEqual([]);
    expect(document.response?.datetime).toBeInstanceOf(Date);
    expect(document.response?.warning).toBeUndefined();
  });
});

describe("host list", () => {
  it("reads an ID_SET (details=None)", async () => {
    const { records: hosts, document } = await records<X.Host, X.HostListOutput>(fixture("j1_host_list_output_id_set.xml"), D.HostListOutput);
    expect(hosts).toEqual([]);
    expect(document.response?.idSet).toEqual({ id: ["107800671"] });
  });

  it.each(["j1_host_list_output_empty_legacy_dtd.xml", "j1_host_list_output_empty_new_dtd.xml"])("reads the empty answer of either DTD era (%s)", async (name) => {
    const { records: hosts, document } = await records<X.Host, X.HostListOutput>(fixture(name), D.HostListOutput);
    expect(hosts).toEqual([]);
    expect(document.response?.datetime).toBeInstanceOf(Date);
  });
});

describe("KnowledgeBase", () => {
  it("streams 42 vulns with HTML in CDATA and THREAT_INTEL ids", async () => {
    const { records: vulns } = await records<X.Vuln>(fixture("j1_kb_vuln_list_42_vulns.xml"), D.KnowledgeBaseVulnListOutput, 7);
    expect(vulns).toHaveLength(42);
    expect(new Set(vulns.map((v) => v.qid)).size).toBe(42);
    expect(vulns.every((v) => typeof v.title === "string" && v.publishedDatetime instanceof Date)).toBe(true);
    const withIntel = vulns.find((v) => v.threatIntelligence?.length);
    expect(withIntel?.threatIntelligence?.[0]).toMatchObject({ id: expect.stringMatching(/^\d+$/), value: expect.any(String) });
    expect(vulns.some((v) => v.diagnosis?.includes("<P>") || v.diagnosis?.includes("<BR>"))).toBe(true);
  });

  it("skips the keep-alive comment inside RESPONSE", async () => {
    const { records: vulns } = await records<X.Vuln>(fixture("j1_kb_vuln_list_single_keepalive.xml"), D.KnowledgeBaseVulnListOutput);
    expect(vulns).toHaveLength(1);
    expect(vulns[0]).toMatchObject({ qid: 316760, vulnType: "Vulnerability or Potential Vulnerability", severityLevel: 3, patchable: true });
    expect(vulns[0]!.softwareList).toEqual([{ product: "ios_xe", vendor: "cisco" }]);
    expect(vulns[0]!.vendorReferenceList?.[0]?.id).toBe("cisco-sa-iosxe-cmdinj-2MzhjM6K");
    expect(vulns[0]!.discovery?.authTypeList).toBeDefined();
  });

  it("ignores keep-alive comments after the root", async () => {
    const { records: vulns, document } = await records<X.Vuln, X.KnowledgeBaseVulnListOutput>(fixture("j1_kb_vuln_list_empty_trailing_keepalive.xml"), D.KnowledgeBaseVulnListOutput);
    expect(vulns).toEqual([]);
    expect(document.response?.datetime).toBeInstanceOf(Date);
  });
});

describe("scans, templates, QPS", () => {
  it("lists five scans with their states", async () => {
    const { records: scans } = await records<X.Scan>(fixture("rq_scan_list_output.xml"), D.ScanListOutput);
    expect(scans).toHaveLength(5);
    expect(scans[0]).toMatchObject({ ref: "scan/1512633905.79357", type: "On-Demand", title: "shellshock 20171207", userLogin: "Thomas", processed: true, status: { state: "Error" } });
    expect(scans.map((s) => s.status?.state)).toContain("Finished");
  });

  it("reads an empty scan list", async () => {
    expect((await records(fixture("rq_scan_list_output_empty.xml"), D.ScanListOutput)).records).toEqual([]);
  });

  it("reads the v1 report template list (no RESPONSE wrapper)", async () => {
    const { records: templates } = await records<X.ReportTemplate>(fixture("rq_report_template_list_msp.xml"), D.ReportTemplateList);
    expect(templates.length).toBeGreaterThan(3);
    expect(templates[0]).toMatchObject({ id: 91078694, type: "Auto", templateType: "Scan", title: "Executive Report", global: true, user: { login: "Thomas", firstname: "Thomas", lastname: "Trust" } });
  });

  it("reads a QPS host asset search and keeps unknown elements in extra", async () => {
    const { records: assets, document } = await records<X.HostAsset, X.HostAssetServiceResponse>(fixture("j1_qps_hostasset_search.xml"), D.HostAssetServiceResponse);
    expect(assets).toHaveLength(1);
    expect(assets[0]).toMatchObject({ id: 84047683, name: "i-02751173c463c34e8", type: "HOST", qwebHostId: 107800671, isDockerHost: false });
    const sourceInfo = assets[0]!.extra?.sourceInfo as { list: { Ec2AssetSourceSimple: { instanceId: string } } };
    expect(sourceInfo.list.Ec2AssetSourceSimple.instanceId).toBe("i-02751173c463c34e8");
    expect(document).toMatchObject({ responseCode: "SUCCESS", count: 1, hasMoreRecords: false });
  });

  it("reads QPS paging fields", async () => {
    const { records: assets, document } = await records<X.HostAsset, X.HostAssetServiceResponse>(fixture("j1_fixture_list-host-assets.xml"), D.HostAssetServiceResponse);
    expect(assets).toHaveLength(2);
    expect(document).toMatchObject({ count: 6, hasMoreRecords: false, lastId: 5693290 });
  });

  it("reads the portal version", async () => {
    const doc = await documentOf<X.PortalVersionServiceResponse>(fixture("j1_qps_portal_version.xml"), D.PortalVersionServiceResponse);
    expect(doc.data?.qwebVersion).toEqual({ web: "10.3.0.2-2", scanner: "12.1.67-1", vulnsigs: "2.4.993-2" });
    expect(doc.data?.portalVersion?.vm).toBe("1.0.3");
    expect(Object.keys(doc.data?.portalVersion?.extra ?? {})).toContain("WAS-VERSION");
  });
});

describe("SIMPLE_RETURN answers", () => {
  it.each([
    ["rq_simple_return_session_login.xml", "Logged in"],
    ["rq_simple_return_session_logout.xml", "Logged out"],
  ])("decodes %s", async (name, text) => {
    const doc = await documentOf<SimpleReturnDocument>(fixture(name), SIMPLE_RETURN);
    expect(doc.response?.text).toBe(text);
  });

  it("decodes ITEM_LIST key/value pairs", async () => {
    const launched = await documentOf<SimpleReturnDocument>(fixture("rq_simple_return_report_launched.xml"), SIMPLE_RETURN);
    expect(launched.response).toMatchObject({ text: "New report launched", itemList: [{ key: "ID", value: "4927942" }] });
    const deleted = await documentOf<SimpleReturnDocument>(fixture("rq_simple_return_report_deleted.xml"), SIMPLE_RETURN);
    expect(deleted.response?.text).toBe("Report deleted");
  });

  it.each([
    ["rq_simple_return_1903_missing_action_http400.xml", 400, "1903", "Missing required parameter(s): action"],
    ["j1_simple_return_1905_invalid_ids_http400.xml", 400, "1905", "parameter ids has invalid value: abc123 (neither a positive integer nor a range: abc123)"],
    ["rq_simple_return_2000_bad_login_http401.xml", 401, "2000", "Bad Login/Password"],
    ["j1_simple_return_2001_account_expired.xml", 200, "2001", "This account has expired."],
    ["rq_simple_return_7001_report_not_ready.xml", 200, "7001", "Report cannot be fetched."],
  ])("turns %s into QualysApiError, also where a list was expected", async (name, status, code, text) => {
    for (const root of [SIMPLE_RETURN, D.HostListVmDetectionOutput]) {
      const err = await documentOf(fixture(name), root, status).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(QualysApiError);
      expect(err).toMatchObject({ code, text, httpStatus: status });
    }
  });

  it.each([
    ["j1_qps_error_invalid_request_http200.xml", "INVALID_REQUEST", "Criteria: Invalid value format for criteria 'qwebHostId' (abc123).", "Specify criteria value(s) as Long."],
    ["j1_qps_error_invalid_credentials_http200.xml", "INVALID_CREDENTIALS", undefined, undefined],
  ])("turns a QPS %s into QualysApiError", async (name, code, text, resolution) => {
    const err = await documentOf(fixture(name), D.HostAssetServiceResponse, 200).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(QualysApiError);
    expect((err as QualysApiError).code).toBe(code);
    if (text) expect((err as QualysApiError).text).toBe(text);
    if (resolution) expect((err as QualysApiError).resolution).toBe(resolution);
  });
});

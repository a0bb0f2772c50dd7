/**
 * CSAM and WAS records → export rows, on records shaped as Qualys sends them beyond what the
 * tenant does: an asset with hardware, an agent (epoch-ms times), volumes, user accounts, a cloud
 * provider, lists sent as one object and a 64-bit software id; WAS booleans and severities as
 * strings, `payloadResponce`, several payloads and a result without any, a lone CWE. Every field
 * lands in a column or in `extra`: nothing is dropped.
 */
import { describe, expect, it } from "vitest";
import { ASSET_COLUMNS, assetRows, childColumns } from "../../src/export/asset-rows.js";
import { FINDING_COLUMNS, FINDING_RESULT_COLUMNS, findingRows, WEBAPP_COLUMNS, webAppRows } from "../../src/export/was-rows.js";
import { parseExactJson } from "../../src/runtime/exact-json.js";

const named = (columns: readonly string[], row: readonly unknown[]) => Object.fromEntries(columns.map((c, i) => [c, row[i]]));

// As CSAM's search answers (elastic's qualys_gav sample, qualysdk's names), read with exact integers.
const ASSET = parseExactJson(`{
  "assetId": 12345, "assetUUID": "6b2b0c2e-0000-4c1e-9d5a-1f2e3d4c5b6a", "hostId": 987654, "agentId": "a1b2c3d4-e5f6-7a8b-9c0d-1e2f3a4b5c6d",
  "assetName": "web-01", "assetType": "HOST", "address": "10.1.2.3", "dnsName": "web-01.example.com", "netbiosName": "WEB-01",
  "createdDate": "2024-01-02T03:04:05.000Z", "lastModifiedDate": "2025-07-11T14:21:10.000Z", "sensorLastUpdatedDate": "2025-07-10T01:02:03.456Z",
  "lastBoot": "not a date", "totalMemory": 16384, "cpuCount": 8, "riskScore": 712, "isContainerHost": false, "timeZone": "+02:00",
  "operatingSystem": { "fullName": "Microsoft Windows Server 2019 Datacenter", "category": "Server", "category1": "Windows", "category2": "Server", "publisher": "Microsoft", "lifecycle": { "stage": "GA", "eolDate": "2029-01-09T00:00:00.000Z" } },
  "hardware": { "fullName": "VMware Virtual Platform", "category1": "Computers", "category2": "Virtual Machine" },
  "agent": { "version": "6.1.0.28", "lastCheckedIn": 1752243670000, "activations": [{ "key": "k1", "status": "ACTIVE" }] },
  "inventory": { "source": "QAGENT", "created": 1704164645000, "lastUpdated": 1752109323456 },
  "cloudProvider": { "aws": { "ec2": { "instanceId": "i-0abc", "launchdate": 1700000000000 } }, "azure": null },
  "softwareListData": { "software": { "id": 8464359598295418001, "fullName": "OpenSSL 3.0.13", "softwareType": "Application", "version": "3.0.13", "isIgnored": false, "isPackage": true, "installDate": "2024-03-01T00:00:00.000Z", "lifecycle": { "stage": "GA" }, "softwareInstances": [{ "path": "C:\\\\ssl" }] } },
  "openPortListData": { "openPort": [{ "port": 443, "protocol": "TCP", "detectedService": "https", "firstFound": "2024-01-03T00:00:00.000Z", "lastUpdated": "2025-07-10T00:00:00.000Z" }] },
  "networkInterfaceListData": { "networkInterface": [{ "interfaceName": "Ethernet0", "macAddress": "00:50:56:aa:bb:cc", "addressIpV4": "10.1.2.3, 10.1.2.4", "addressIpV6": "fe80::1", "gatewayAddress": "10.1.2.1", "macVendorIntroDate": 1136073600000 }] },
  "volumeListData": { "volume": [{ "name": "C:", "size": 107374182400, "free": 53687091200 }, { "name": "D:", "size": 1073741824, "free": 0 }] },
  "userAccountListData": { "userAccount": { "name": "Administrator" } },
  "tagList": { "tag": { "tagId": 7734211, "tagName": "Production", "foregroundColor": 16777215, "backgroundColor": 2003199, "businessImpact": "HIGH", "criticalityScore": 5 } }
}`) as Record<string, unknown>;

describe("CSAM asset rows", () => {
  it("fills the asset's columns, its children from lists and lone objects alike, the 64-bit id exact, the rest in extra", () => {
    const rows = assetRows(ASSET, 7)!;
    const asset = named(ASSET_COLUMNS, rows.asset);
    expect(asset).toEqual({
      asset_id: 12345, asset_uuid: "6b2b0c2e-0000-4c1e-9d5a-1f2e3d4c5b6a", host_id: 987654, agent_id: "a1b2c3d4-e5f6-7a8b-9c0d-1e2f3a4b5c6d", name: "web-01", asset_type: "HOST",
      address: "10.1.2.3", dns_name: "web-01.example.com", netbios_name: "WEB-01", os: "Microsoft Windows Server 2019 Datacenter", os_category: "Windows", os_publisher: "Microsoft",
      hardware: "VMware Virtual Platform", hardware_category: "Computers", total_memory: 16384, cpu_count: 8, risk_score: 712,
      created_date: "2024-01-02T03:04:05Z", last_modified_date: "2025-07-11T14:21:10Z", sensor_last_updated_date: "2025-07-10T01:02:03.456Z",
      // A lastBoot that is no date has no column value: it stays, as sent, in extra.
      last_boot: null, agent_last_checked_in: "2025-07-11T14:21:10Z", inventory_source: "QAGENT", inventory_last_updated: "2025-07-10T01:02:03.456Z", run_id: 7,
      extra: expect.any(String),
    });
    expect(JSON.parse(asset.extra as string)).toEqual({
      lastBoot: "not a date", isContainerHost: false, timeZone: "+02:00",
      operatingSystem: ASSET.operatingSystem, hardware: ASSET.hardware, agent: ASSET.agent, inventory: ASSET.inventory, cloudProvider: ASSET.cloudProvider,
    });
    expect(rows.children.asset_software.map((r) => named(childColumns("asset_software"), r))).toEqual([
      {
        asset_id: 12345, seq: 0, software_id: "8464359598295418001", full_name: "OpenSSL 3.0.13", software_type: "Application", publisher: null, version: "3.0.13",
        install_date: "2024-03-01T00:00:00Z", last_updated: null, is_ignored: 0, is_package: 1, lifecycle_stage: "GA",
        extra: JSON.stringify({ lifecycle: { stage: "GA" }, softwareInstances: [{ path: "C:\\ssl" }] }),
      },
    ]);
    expect(rows.children.asset_open_ports).toEqual([[12345, 0, 443, "TCP", "https", "2024-01-03T00:00:00Z", "2025-07-10T00:00:00Z", null]]);
    expect(rows.children.asset_network_interfaces).toEqual([[12345, 0, "Ethernet0", "00:50:56:aa:bb:cc", "10.1.2.3, 10.1.2.4", "fe80::1", "10.1.2.1", JSON.stringify({ macVendorIntroDate: 1136073600000 })]]);
    expect(rows.children.asset_volumes).toEqual([[12345, 0, "C:", 107374182400, 53687091200, null], [12345, 1, "D:", 1073741824, 0, null]]);
    expect(rows.children.asset_user_accounts).toEqual([[12345, 0, "Administrator", null]]);
    expect(rows.children.asset_tags).toEqual([[12345, 0, 7734211, "Production", "HIGH", 5, JSON.stringify({ foregroundColor: 16777215, backgroundColor: 2003199 })]]);
  });

  it("an asset without sections has no child rows; one without a numeric assetId has no row at all", () => {
    const rows = assetRows({ assetId: "42", assetName: "bare", softwareListData: null, tagList: { tag: [] } }, 1)!;
    expect(rows.asset[0]).toBe(42);
    expect(Object.values(rows.children).every((c) => c.length === 0)).toBe(true);
    expect(rows.asset.at(-1)).toBeNull();
    expect(assetRows({ assetName: "no id" }, 1)).toBeUndefined();
  });
});

// A verbose finding as WAS's JSON search sends it (elastic's qualys_was sample, qualysdk's Finding).
const FINDING = parseExactJson(`{
  "id": 18119520, "uniqueId": "8c2d0a34-1b3e-4c55-9a1f-0e2d3c4b5a69", "qid": 150528, "name": "Reflected Cross-Site Scripting", "type": "VULNERABILITY",
  "potential": "false", "findingType": "QUALYS", "severity": "5", "status": "REOPENED", "url": "https://shop.example.com/search", "param": "q",
  "firstDetectedDate": "2025-01-01T10:00:00Z", "lastDetectedDate": "2025-07-01T10:00:00Z", "lastTestedDate": "2025-07-02T10:00:00Z", "updatedDate": "2025-07-02T10:00:05Z",
  "timesDetected": 4, "isIgnored": "false", "group": "XSS", "owasp": { "count": 1, "list": [{ "OWASP": { "name": "Injection", "code": 3 } }] },
  "cwe": { "count": 1, "list": 79 }, "cvssV3": { "base": 6.1, "temporal": 5.7, "attackVector": "Network" },
  "webApp": { "id": 238483925, "name": "Shop", "url": "https://shop.example.com" },
  "resultList": { "count": 2, "list": [
    { "Result": { "accessPath": { "count": 2, "list": [{ "Url": "https://shop.example.com/" }, { "Url": "https://shop.example.com/search" }] },
      "payloads": { "count": 2, "list": [
        { "PayloadInstance": { "payload": "q=<script>", "request": { "method": "GET", "link": "https://shop.example.com/search?q=%3Cscript%3E", "headers": "R0VUIC8=", "body": "" }, "response": "PGh0bWw+", "payloadResponce": { "offset": 6, "length": 8 } } },
        { "PayloadInstance": { "payload": "q=\\"x", "request": { "method": "POST", "link": "https://shop.example.com/search", "headers": "UE9TVCAv", "body": "cT0ieA==", "http2": "true" }, "response": "PGI+", "payloadResponce": { "offset": 0, "length": 3 }, "grade": "A" } }
      ] } } },
    { "Result": { "accessPath": { "count": 0 }, "ajax": "false" } }
  ] }
}`) as Record<string, unknown>;

describe("WAS rows", () => {
  it("a verbose finding: strings read as booleans and numbers, the web app as its id, one row per payload and one for a result without any", () => {
    const rows = findingRows(FINDING, 3)!;
    expect(named(FINDING_COLUMNS, rows.finding)).toEqual({
      finding_id: 18119520, unique_id: "8c2d0a34-1b3e-4c55-9a1f-0e2d3c4b5a69", qid: 150528, name: "Reflected Cross-Site Scripting", type: "VULNERABILITY", finding_type: "QUALYS",
      potential: 0, severity: 5, status: "REOPENED", webapp_id: 238483925, url: "https://shop.example.com/search", param: "q", cwe: "79", cvss3_base: 6.1, cvss3_temporal: 5.7,
      times_detected: 4, is_ignored: 0, first_detected_date: "2025-01-01T10:00:00Z", last_detected_date: "2025-07-01T10:00:00Z", last_tested_date: "2025-07-02T10:00:00Z",
      updated_date: "2025-07-02T10:00:05Z", fixed_date: null, run_id: 3,
      extra: JSON.stringify({ group: "XSS", owasp: FINDING.owasp, cvssV3: FINDING.cvssV3 }),
    });
    expect(rows.results.map((r) => named(FINDING_RESULT_COLUMNS, r))).toEqual([
      {
        finding_id: 18119520, result_seq: 0, payload_seq: 0, access_path: '["https://shop.example.com/","https://shop.example.com/search"]', payload: "q=<script>", request_method: "GET",
        request_link: "https://shop.example.com/search?q=%3Cscript%3E", request_headers: "R0VUIC8=", request_body: "", response: "PGh0bWw+", response_offset: 6, response_length: 8, extra: null,
      },
      {
        finding_id: 18119520, result_seq: 0, payload_seq: 1, access_path: '["https://shop.example.com/","https://shop.example.com/search"]', payload: 'q="x', request_method: "POST",
        request_link: "https://shop.example.com/search", request_headers: "UE9TVCAv", request_body: "cT0ieA==", response: "PGI+", response_offset: 0, response_length: 3,
        extra: JSON.stringify({ request: { http2: "true" }, grade: "A" }),
      },
      {
        finding_id: 18119520, result_seq: 1, payload_seq: 0, access_path: "[]", payload: null, request_method: null, request_link: null, request_headers: null, request_body: null,
        response: null, response_offset: null, response_length: null, extra: JSON.stringify({ result: { ajax: "false" } }),
      },
    ]);
  });

  it("an information-gathered finding has no status, payload or CWE; a web app's lone tag and its string booleans are read; a tag count without a list stays", () => {
    const ig = findingRows({ id: "5", qid: 6, type: "INFORMATION_GATHERED", severity: "1", potential: "false", webApp: { id: 9, name: "x", url: "y", extraField: 1 } }, 1)!;
    expect(named(FINDING_COLUMNS, ig.finding)).toMatchObject({ finding_id: 5, status: null, cwe: null, severity: 1, webapp_id: 9, extra: JSON.stringify({ webApp: { extraField: 1 } }) });
    expect(ig.results).toEqual([]);
    const app = webAppRows({ id: 238483925, name: "Shop", isScheduled: "true", isScanned: "false", tags: { count: 1, list: { Tag: { id: 12, name: "PCI" } } }, lastScan: { id: 77, summary: { resultsStatus: "SUCCESSFUL" } }, riskScore: "540" }, 2)!;
    expect(named(WEBAPP_COLUMNS, app.webapp)).toMatchObject({ webapp_id: 238483925, is_scheduled: 1, is_scanned: 0, last_scan_id: 77, last_scan_results_status: "SUCCESSFUL", risk_score: 540 });
    expect(app.tags).toEqual([[238483925, 0, 12, "PCI"]]);
    const terse = webAppRows({ id: 1, tags: { count: 3 } }, 2)!;
    expect(terse.tags).toEqual([]);
    expect(terse.webapp.at(-1)).toBe(JSON.stringify({ tags: { count: 3 } }));
    expect(webAppRows({ name: "no id" }, 1)).toBeUndefined();
  });
});
